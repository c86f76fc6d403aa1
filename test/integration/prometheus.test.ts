import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import * as tls from "tls";
import { parse, stringify } from "yaml";
import { WATCHDOG_ALERT } from "../../components/render/alertmanager";
import { SCRAPE_JOB_NAMES } from "../../components/render/prometheus";
import { renderWebConfig } from "../../components/render/webConfig";
import { workloadSpecs } from "../../components/workloads/catalogue";
import { EXAMPLE_SECRETS } from "../../harness/runProgram";
import { closeServer, eventually, freePort, request, suiteServers } from "../support/servers";
import { DOCKER_TARGETS, Materialised, materialise, RenderedContainer, RenderedStack, renderedStack, systemUser, TestCa, uploadAt } from "../support/stackFiles";
import { announceVersion, requireTool, tempDir } from "../support/tools";
import { ROUTE_CASES } from "../tools/fixtures/alertRoutes";

/**
 * Prometheus 3.5 and Alertmanager 0.28 (Debian sid/trixie, .ci/install-tools.sh) started from the files the program uploads into the `prometheus`
 * and `alertmanager` containers, with the containers' own flags, as their container user (nobody, 65534 as in the
 * images). Host substitutions, and only these: container paths live under a temp root; listen addresses are
 * loopback ports; scrape and alerting targets `<alias>:<port>` of the servers started here point at those ports
 * (the TLS server name stays the alias, so verification is the stack's); the web configs' mock bcrypt hashes are
 * real hashes of the password files' contents; the CA the receivers' certificate is signed by stands in for the
 * system trust store (SSL_CERT_FILE) that verifies Slack and webhook endpoints.
 */

/** Production configures chat (Slack) for its alerts: its deliveries can be watched at a local stand-in. */
const TARGETS = DOCKER_TARGETS.map((target) => ({ ...target, chat: target.stack === "production" }));

// Prometheus sends the Watchdog at its first evaluation, possibly before it has discovered the static Alertmanager,
// and then waits the resend delay (1m by default) before sending again. A host flag, not part of the stack's files.
const RESEND_DELAY_FLAG = "--rules.alert.resend-delay=2s";

/** A critical alert posted by the test resolves before the route's group_wait ends, so it is never sent (see below). */
const CRITICAL_LIFETIME_MS = 10000;

interface ScrapeConfig {
    job_name: string;
    metrics_path?: string;
    tls_config?: { server_name?: string };
    basic_auth?: { username: string; password_file: string };
    authorization?: { credentials_file: string };
    static_configs: { targets: string[] }[];
}

interface PrometheusYml {
    global: { external_labels: Record<string, string> };
    rule_files: string[];
    alerting: { alertmanagers: { tls_config: { server_name: string }; static_configs: { targets: string[] }[] }[] };
    scrape_configs: ScrapeConfig[];
}

interface RuleFile {
    groups: { name: string; rules: { alert?: string; record?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

interface Delivery {
    readonly path: string;
    readonly body: Record<string, unknown>;
}

/** `--name=value` of a command line. */
function flag(command: readonly string[], name: string): string {
    const arg = command.find((a) => a.startsWith(`${name}=`));
    expect(arg, `${name} in ${command.join(" ")}`).to.not.equal(undefined);
    return arg!.slice(name.length + 1);
}

/** The container's command as run here: absolute paths under its root, the listen address on a loopback port. */
function hostCommand(container: RenderedContainer, files: Materialised, port: number): string[] {
    return container.command.map((arg) => {
        const [name, value] = [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)];
        if (name === "--web.listen-address") return `${name}=127.0.0.1:${port}`;
        return value.startsWith("/") ? `${name}=${files.hostPath(value)}` : arg;
    });
}

/** The port of a `--web.listen-address=:<port>` flag: where the container serves. */
function listenPort(container: RenderedContainer): number {
    return Number(flag(container.command, "--web.listen-address").split(":").pop());
}

/** The HTTP client config the container's healthcheck uses (`--http.config.file`), in container paths. */
function healthcheckClient(container: RenderedContainer): { file: string; config: { tls_config: { ca_file: string; server_name: string }; basic_auth: { username: string; password_file: string } } } {
    const file = flag(container.healthcheck, "--http.config.file");
    return { file, config: parse(uploadAt(container, file).content) };
}

/** bcrypt hash of `password`, by Caddy (the password goes in on stdin, never on a command line). */
function bcrypt(caddy: string, password: string): string {
    const run = spawnSync(caddy, ["hash-password"], { input: `${password}\n`, encoding: "utf8", timeout: 30000 });
    expect(run.status, run.stderr).to.equal(0);
    return run.stdout.trim();
}

/**
 * Replaces the uploaded web config's mock hash with a real one: the file is first checked to be exactly
 * renderWebConfig's output for the container's TLS files, the stack's TLS minimum and that user, then rendered
 * again with a bcrypt hash of the password the container's own healthcheck client reads.
 */
function realWebConfig(container: RenderedContainer, files: Materialised, stack: RenderedStack, caddy: string): { user: string; password: string } {
    const webFile = flag(container.command, "--web.config.file");
    const uploaded = uploadAt(container, webFile).content;
    const users = (parse(uploaded) as { basic_auth_users: Record<string, string> }).basic_auth_users;
    expect(Object.keys(users)).to.have.length(1);
    const [[user, mockHash]] = Object.entries(users) as [[string, string]];
    const spec = workloadSpecs(stack.settings)[container.name as "prometheus" | "alertmanager"];
    expect(uploaded).to.equal(renderWebConfig({ tls: spec.tls, minVersion: stack.settings.tls.minVersion, basicAuthUsers: { [user]: mockHash } }));

    const client = healthcheckClient(container).config.basic_auth;
    expect(client.username).to.equal(user);
    const password = files.read(client.password_file);
    // The mock provider writes a RandomPassword's digest into both its result and its hash: the hash the server
    // checks and the file its clients read come from the same generated password.
    expect(mockHash).to.include(password.slice(-16));
    const hostTls = { cert: files.hostPath(spec.tls.cert), key: files.hostPath(spec.tls.key), ca: files.hostPath(spec.tls.ca) };
    fs.writeFileSync(files.hostPath(webFile), renderWebConfig({ tls: hostTls, minVersion: stack.settings.tls.minVersion, basicAuthUsers: { [user]: bcrypt(caddy, password) } }));
    return { user, password };
}

/** True when a TLS handshake with at most `maxVersion` succeeds. */
function handshake(port: number, serverName: string, ca: string, maxVersion: tls.SecureVersion): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = tls.connect({ host: "127.0.0.1", port, servername: serverName, ca, maxVersion, minVersion: "TLSv1.2" }, () => {
            socket.end();
            resolve(true);
        });
        socket.on("error", () => resolve(false));
    });
}

/** An HTTPS server on 127.0.0.1 that records every JSON body posted to it (stand-in for Slack and webhooks). */
async function startReceivers(cert: { cert: string; key: string }): Promise<{ server: https.Server; port: number; deliveries: Delivery[] }> {
    const deliveries: Delivery[] = [];
    const server = https.createServer(cert, (req, res) => {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
            deliveries.push({ path: req.url ?? "", body: JSON.parse(body) as Record<string, unknown> });
            res.end("ok");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, port: (server.address() as net.AddressInfo).port, deliveries };
}

for (const target of TARGETS) {
    describe(`Prometheus 3.5 and Alertmanager 0.28 on loopback with the files uploaded for ${target.label}`, function () {
        const servers = suiteServers();
        let ca: TestCa;
        let stack: RenderedStack;
        let prometheus: RenderedContainer;
        let alertmanager: RenderedContainer;
        let promFiles: Materialised;
        let amFiles: Materialised;
        let promYml: PrometheusYml;
        let promAuth: string;
        let amAuth: string;
        const ports = { prometheus: 0, alertmanager: 0, api: 0 };
        const aliases = { prometheus: "", alertmanager: "", api: "" };
        let receivers: Awaited<ReturnType<typeof startReceivers>> | undefined;
        let apiToken: string;
        const apiScrapes: { authorised: boolean }[] = [];
        let routedAt = 0;
        let ruleGlobs: string[] = [];

        /** The uploaded files prometheus.yml's `rule_files` globs select. */
        const ruleUploads = () => prometheus.uploads.filter((u) => ruleGlobs.some((glob) => globMatch(u.file, glob)));

        const prom = (urlPath: string, auth: string | undefined = promAuth) =>
            request({ port: ports.prometheus, path: urlPath, ca: ca.caPem, serverName: aliases.prometheus, auth });
        const am = (urlPath: string, options: { auth?: string; method?: string; body?: string } = { auth: amAuth }) =>
            request({ port: ports.alertmanager, path: urlPath, ca: ca.caPem, serverName: aliases.alertmanager, headers: { "content-type": "application/json" }, ...options });

        before(async function () {
            this.timeout(120000);
            const openssl = requireTool(this, "openssl", "apt-get install openssl");
            const caddy = requireTool(this, "caddy", "bash .ci/install-tools.sh");
            const prometheusBin = requireTool(this, "prometheus", "bash .ci/install-tools.sh");
            const alertmanagerBin = requireTool(this, "prometheus-alertmanager", "bash .ci/install-tools.sh");
            announceVersion("Prometheus", prometheusBin);
            announceVersion("Alertmanager", alertmanagerBin);
            const amtool = requireTool(this, "amtool", "bash .ci/install-tools.sh");
            const temp = tempDir(`prometheus-${target.stack}`);
            servers.onStop(temp.cleanup);
            fs.chmodSync(temp.dir, 0o755);
            ca = new TestCa(openssl, path.join(temp.dir, "pki"));

            // Slack and the webhooks are reached at https URLs the stack's secrets name: point them at a local server.
            receivers = await startReceivers(ca.issue("receivers", ["localhost"]));
            const receiverServer = receivers.server;
            servers.onStop(() => closeServer(receiverServer));
            const receiverUrl = (p: string) => `https://localhost:${receivers!.port}${p}`;
            stack = await renderedStack(target.stack, target.overrides, {
                ...EXAMPLE_SECRETS,
                slackWebhookUrl: receiverUrl("/slack"),
                webhookUrl: receiverUrl("/webhook"),
                watchdogUrl: receiverUrl("/watchdog"),
            });
            expect(Boolean(stack.settings.alerting.slack), "stack configures Slack").to.equal(target.chat);
            prometheus = stack.containers.prometheus!;
            alertmanager = stack.containers.alertmanager!;
            const specs = workloadSpecs(stack.settings);
            aliases.prometheus = specs.prometheus.alias;
            aliases.alertmanager = specs.alertmanager.alias;
            aliases.api = specs.api.alias;
            // The images run as nobody; so do the servers here (and the files they own are nobody's).
            const nobody = process.getuid?.() === 0 ? systemUser("nobody") : undefined;

            const configFile = flag(prometheus.command, "--config.file");
            ruleGlobs = (parse(uploadAt(prometheus, configFile).content) as PrometheusYml).rule_files;
            // The glob's directory holds only uploads: naming it lets materialise relocate the glob.
            promFiles = materialise(prometheus, { root: path.join(temp.dir, "prometheus"), ca, stack, hostUser: nobody, extraDirs: ruleGlobs.map((glob) => path.dirname(glob)) });
            amFiles = materialise(alertmanager, { root: path.join(temp.dir, "alertmanager"), ca, stack, hostUser: nobody });
            const promUser = realWebConfig(prometheus, promFiles, stack, caddy);
            const amUser = realWebConfig(alertmanager, amFiles, stack, caddy);
            promAuth = `${promUser.user}:${promUser.password}`;
            amAuth = `${amUser.user}:${amUser.password}`;

            // The API's metrics endpoint: the API container's own certificate, port and token file; a wrong or
            // missing token is refused, as the team's API must refuse it.
            const apiContainer = stack.containers.api!;
            const apiFiles = materialise(apiContainer, { root: path.join(temp.dir, "api"), ca, stack });
            apiToken = apiFiles.read(apiContainer.env.METRICS_TOKEN_FILE!).trim();
            expect(apiToken).to.not.equal("");
            const apiStandIn = https.createServer({ cert: apiFiles.read(apiContainer.env.TLS_CERT_FILE!), key: apiFiles.read(apiContainer.env.TLS_KEY_FILE!) }, (req, res) => {
                if (req.url?.split("?")[0] !== stack.settings.api.metricsPath) return void res.writeHead(404).end();
                const authorised = req.headers.authorization === `Bearer ${apiToken}`;
                apiScrapes.push({ authorised });
                if (!authorised) return void res.writeHead(401).end();
                const names = stack.settings.api.metricNames;
                res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`# TYPE ${names.requestsTotal} counter\n${names.requestsTotal}{${names.statusLabel}="200"} 7\n`);
            });
            servers.onStop(() => closeServer(apiStandIn));
            await new Promise<void>((resolve) => apiStandIn.listen(0, "127.0.0.1", resolve));
            ports.api = (apiStandIn.address() as net.AddressInfo).port;
            [ports.prometheus, ports.alertmanager] = [await freePort(), await freePort()];

            // Targets of the three servers started here point at their loopback ports. Each keeps TLS verification
            // by the alias (asserted, not set), and its rendered port must be where that container listens.
            promYml = parse(promFiles.read(configFile)) as PrometheusYml;
            const containerPorts: Record<string, number> = {
                [aliases.prometheus]: listenPort(prometheus),
                [aliases.alertmanager]: listenPort(alertmanager),
                [aliases.api]: Number(apiContainer.env.PORT),
            };
            const localPorts: Record<string, number> = { [aliases.prometheus]: ports.prometheus, [aliases.alertmanager]: ports.alertmanager, [aliases.api]: ports.api };
            const substituted: string[] = [];
            const pointLocally = (block: { tls_config?: { server_name?: string }; static_configs: { targets: string[] }[] }) => {
                for (const staticConfig of block.static_configs) {
                    staticConfig.targets = staticConfig.targets.map((t) => {
                        const [host, port] = t.split(":") as [string, string];
                        if (localPorts[host] === undefined) return t;
                        expect(Number(port), `${t}: the port ${host} listens on`).to.equal(containerPorts[host]);
                        expect(block.tls_config?.server_name, `TLS server name for ${t}`).to.equal(host);
                        substituted.push(host);
                        return `127.0.0.1:${localPorts[host]}`;
                    });
                }
            };
            promYml.scrape_configs.forEach(pointLocally);
            promYml.alerting.alertmanagers.forEach(pointLocally);
            expect([...new Set(substituted)].sort()).to.deep.equal(Object.keys(localPorts).sort());
            fs.writeFileSync(promFiles.hostPath(configFile), stringify(promYml, { lineWidth: 0 }));

            servers.start("alertmanager", alertmanagerBin, hostCommand(alertmanager, amFiles, ports.alertmanager), {
                uid: nobody?.uid, gid: nobody?.gid, env: { SSL_CERT_FILE: path.join(temp.dir, "pki", "ca.crt") },
            });
            servers.start("prometheus", prometheusBin, [...hostCommand(prometheus, promFiles, ports.prometheus), RESEND_DELAY_FLAG], { uid: nobody?.uid, gid: nobody?.gid });

            // Alertmanager's own healthcheck (amtool with its client config), pointed at this port.
            const amCheck = alertmanager.healthcheck.slice(2).map((a) => a.startsWith("--alertmanager.url=")
                ? `--alertmanager.url=https://127.0.0.1:${ports.alertmanager}`
                : a.startsWith("--http.config.file=") ? `--http.config.file=${amFiles.hostPath(a.slice("--http.config.file=".length))}` : a);
            expect(alertmanager.healthcheck.slice(0, 2)).to.deep.equal(["CMD", "amtool"]);
            await servers.ready("Alertmanager's healthcheck (amtool config show) passing", 30000, async () =>
                spawnSync(amtool, amCheck, { uid: nobody?.uid, gid: nobody?.gid, encoding: "utf8", timeout: 10000 }).status === 0 || undefined);
            // Prometheus's healthcheck is `promtool check healthy`, which promtool 2.42 lacks: the same request by hand,
            // with the same client settings.
            const promCheck = healthcheckClient(prometheus).config;
            expect(promCheck.tls_config.server_name).to.equal(aliases.prometheus);
            await servers.ready("Prometheus healthy", 30000, async () => (await prom("/-/healthy")).status === 200 || undefined);
        });

        for (const server of ["prometheus", "alertmanager"] as const) {
            it(`serves ${server} only over TLS at the stack's minimum version, and only with basic auth`, async () => {
                const port = ports[server];
                const serverName = aliases[server];
                const auth = server === "prometheus" ? promAuth : amAuth;
                const user = auth.split(":")[0]!;
                expect((await request({ port, path: "/-/ready" })).status, "plain HTTP").to.equal(400);
                expect((await request({ port, path: "/-/ready", ca: ca.caPem, serverName })).status, "no credentials").to.equal(401);
                expect((await request({ port, path: "/-/ready", ca: ca.caPem, serverName, auth: `${user}:wrong` })).status, "wrong password").to.equal(401);
                expect((await request({ port, path: "/-/ready", ca: ca.caPem, serverName, auth })).status).to.equal(200);
                const tls12 = await handshake(port, serverName, ca.caPem, "TLSv1.2");
                expect(tls12, "a TLS 1.2 handshake").to.equal(stack.settings.tls.minVersion === "1.2");
                expect(await handshake(port, serverName, ca.caPem, "TLSv1.3"), "a TLS 1.3 handshake").to.equal(true);
            });
        }

        it("routes posted alerts as the routing tests expect, and inhibits the warning while the critical alert fires", async () => {
            // PagerDuty's URL is not configurable, so the critical alert must never be sent (no test traffic to
            // pagerduty.com): it ends before the route's group_wait, and Alertmanager sends nothing for a group
            // whose only alerts are resolved at its first flush. Its routing is read from Alertmanager's API.
            routedAt = Date.now();
            const alerts = ROUTE_CASES.map((route) => ({
                labels: route.labels,
                annotations: { summary: `integration test: ${route.what}` },
                ...(route.receiver === "critical" ? { endsAt: new Date(routedAt + CRITICAL_LIFETIME_MS).toISOString() } : {}),
            }));
            expect(CRITICAL_LIFETIME_MS).to.be.below(durationMs(stack.settings.alerting.groupWait));
            const posted = await am("/api/v2/alerts", { auth: amAuth, method: "POST", body: JSON.stringify(alerts) });
            expect(posted.status, posted.body).to.equal(200);
            expect((await am("/api/v2/alerts", { method: "POST", body: "[]" })).status, "posting without credentials").to.equal(401);

            const groups = JSON.parse((await am("/api/v2/alerts/groups")).body) as { labels: Record<string, string>; receiver: { name: string }; alerts: { labels: Record<string, string> }[] }[];
            const receiverOf = (labels: Record<string, string>) =>
                groups.filter((g) => g.alerts.some((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v))).map((g) => g.receiver.name);
            expect(ROUTE_CASES.map((route) => receiverOf(route.labels))).to.deep.equal(ROUTE_CASES.map((route) => [route.receiver]));

            const current = JSON.parse((await am("/api/v2/alerts")).body) as { labels: Record<string, string>; fingerprint: string; status: { inhibitedBy: string[] } }[];
            const critical = current.find((a) => a.labels.severity === "critical" && a.labels.service === "api")!;
            const warning = current.find((a) => a.labels.severity === "warning" && a.labels.service === "api")!;
            expect(warning.status.inhibitedBy).to.deep.equal([critical.fingerprint]);
        });

        it("loads every rule group and rule of the uploaded rule files", async () => {
            const expected = ruleUploads().flatMap((u) => (parse(u.content) as RuleFile).groups.map((g) => ({
                file: promFiles.hostPath(u.file),
                name: g.name,
                rules: g.rules.map((r) => ({ name: r.alert ?? r.record, type: r.alert ? "alerting" : "recording", labels: r.labels ?? {}, annotations: r.annotations ?? {} })),
            })));
            expect(expected.flatMap((g) => g.rules)).to.have.length.at.least(20);
            const loaded = (JSON.parse((await prom("/api/v1/rules")).body).data.groups as { file: string; name: string; rules: { name: string; type: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[])
                .map((g) => ({ file: g.file, name: g.name, rules: g.rules.map((r) => ({ name: r.name, type: r.type, labels: r.labels ?? {}, annotations: r.annotations ?? {} })) }));
            const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
            expect(loaded.sort(byName)).to.deep.equal(expected.sort(byName));
        });

        it("scrapes itself, Alertmanager and the API's metrics over verified TLS, with basic auth and the API's bearer token from files", async function () {
            this.timeout(60000);
            const jobs = [SCRAPE_JOB_NAMES.prometheus, SCRAPE_JOB_NAMES.alertmanager, SCRAPE_JOB_NAMES.api];
            const health = await eventually("the three targets scraped", 45000, async () => {
                const targets = JSON.parse((await prom("/api/v1/targets?state=active")).body).data.activeTargets as { labels: { job: string }; health: string; lastError: string }[];
                const of = jobs.map((job) => targets.find((t) => t.labels.job === job));
                return of.every((t) => t && t.health !== "unknown") ? of.map((t) => `${t!.labels.job}: ${t!.health} ${t!.lastError}`.trim()) : undefined;
            });
            expect(health).to.deep.equal(jobs.map((job) => `${job}: up`));
            const apiJob = promYml.scrape_configs.find((j) => j.job_name === SCRAPE_JOB_NAMES.api)!;
            expect(apiJob.authorization?.credentials_file).to.equal(promFiles.hostPath("/run/secrets/api-metrics-token"));
            expect(apiScrapes.length).to.be.at.least(1);
            expect(apiScrapes.every((s) => s.authorised), "every scrape of the API carried its token").to.equal(true);

            // The stand-in refuses what the token file is there to prevent, so `up` above is the token's doing.
            const apiRequest = (headers: Record<string, string>) =>
                request({ port: ports.api, path: stack.settings.api.metricsPath, ca: ca.caPem, serverName: aliases.api, headers });
            expect((await apiRequest({})).status).to.equal(401);
            expect((await apiRequest({ authorization: "Bearer wrong" })).status).to.equal(401);
            const query = JSON.parse((await prom(`/api/v1/query?query=${encodeURIComponent(`${stack.settings.api.metricNames.requestsTotal}{job="api"}`)}`)).body);
            expect(query.data.result.map((r: { value: [number, string] }) => r.value[1])).to.deep.equal(["7"]);
        });

        it("delivers the always-firing Watchdog to Alertmanager over TLS with basic auth, routed to the dead-man's switch when there is one", async function () {
            this.timeout(60000);
            const rule = ruleUploads().flatMap((u) => (parse(u.content) as RuleFile).groups.flatMap((g) => g.rules))
                .find((r) => r.alert === WATCHDOG_ALERT)!;
            const expectedLabels = { alertname: WATCHDOG_ALERT, ...rule.labels, environment: stack.settings.environment, stack: stack.settings.stack };
            const group = await eventually("Watchdog in Alertmanager", 45000, async () => {
                const groups = JSON.parse((await am("/api/v2/alerts/groups")).body) as { receiver: { name: string }; alerts: { labels: Record<string, string> }[] }[];
                return groups.find((g) => g.alerts.some((a) => a.labels.alertname === WATCHDOG_ALERT));
            });
            expect(group.alerts[0]!.labels).to.deep.equal(expectedLabels);
            expect(group.receiver.name).to.equal(stack.settings.alerting.watchdog ? "watchdog" : "null");
            if (!stack.settings.alerting.watchdog) return;
            // The route's group_wait is 0s: the heartbeat reaches the dead-man's switch at once.
            const ping = await eventually("Watchdog at the dead-man's switch", 15000, async () => receivers!.deliveries.find((d) => d.path === "/watchdog"));
            expect(ping.body).to.include({ receiver: "watchdog", status: "firing" });
            expect((ping.body.alerts as { labels: Record<string, string> }[]).map((a) => a.labels)).to.deep.equal([expectedLabels]);
        });

        if (target.chat) {
            it("delivers the warning and the unexpected-severity alert to Slack once the route's group_wait has passed, the warning no longer inhibited", async function () {
                const waitMs = durationMs(stack.settings.alerting.groupWait);
                this.timeout(waitMs + 30000);
                const chat = ROUTE_CASES.filter((route) => route.receiver !== "critical");
                const messages = await eventually("Slack messages", waitMs + 20000, async () => {
                    const found = chat.map((route) => receivers!.deliveries.find((d) => d.path === "/slack" && slackTitle(d).includes(`] ${route.labels.alertname} `)));
                    return found.every((d) => d) ? found.map((d) => d!) : undefined;
                });
                expect(Date.now() - routedAt).to.be.at.least(waitMs - 1000);
                for (const [i, route] of chat.entries()) {
                    const attachment = (messages[i]!.body.attachments as { title: string; title_link: string }[])[0]!;
                    expect(messages[i]!.body.channel).to.equal(stack.settings.alerting.slack!.channel);
                    // Alertmanager's default Slack title lists the group's labels; its link names the receiver.
                    expect(attachment.title).to.equal(`[FIRING:1] ${route.labels.alertname} ${route.labels.service} ${route.labels.severity} `);
                    expect(attachment.title_link).to.equal(`${flag(alertmanager.command, "--web.external-url").replace(/\/$/, "")}/#/alerts?receiver=${route.receiver}`);
                }
                expect(receivers!.deliveries.filter((d) => d.path === "/slack" && slackTitle(d).includes("HighErrorRate")), "the short-lived critical alert").to.deep.equal([]);
            });
        }
    });
}

/** Prometheus's `rule_files` globs as used here: `*` matches within one path segment. */
function globMatch(file: string, glob: string): boolean {
    const pattern = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*");
    return new RegExp(`^${pattern}$`).test(file);
}

function slackTitle(delivery: Delivery): string {
    return ((delivery.body.attachments as { title?: string }[] | undefined)?.[0]?.title) ?? "";
}

/** Milliseconds of a Prometheus-style duration such as `30s` or `5m`. */
function durationMs(duration: string): number {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000 };
    const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
    expect(match, `duration ${duration}`).to.not.equal(null);
    return Number(match![1]) * units[match![2]!]!;
}
