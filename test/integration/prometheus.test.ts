import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import { alertmanagerArgs, renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { renderAlertRules } from "../../components/render/alertRules";
import { prometheusArgs, renderPrometheusConfig } from "../../components/render/prometheus";
import { renderWebConfig } from "../../components/render/webConfig";
import { BASIC_AUTH_USERS, CONFIG_PATHS, workloadSpecs } from "../../components/services/catalogue";
import { buildSettings } from "../../components/settings/buildSettings";
import { makeTestPki, referencedFileContent, relocate, TestPki, writeAt } from "../support/renderedFiles";
import { requireTool, tempDir } from "../support/tools";

// The password both servers' clients read from their password files, and its bcrypt hash (caddy hash-password).
const PASSWORD = "test";
const BCRYPT_HASH = "$2a$14$SrPGyJFDAQBVdhcIP9A6heu.h1dCp2ptjmBlMjZV19jGAsa12UprC";

// Short intervals so the first scrape and rule evaluation come within seconds.
const settings = buildSettings({
    project: "service-stack",
    stack: "dev",
    values: { prometheus: { scrapeInterval: "2s", evaluationInterval: "2s" } },
    secretKeys: new Set(),
});
const specs = workloadSpecs(settings);

interface Reply {
    readonly status: number;
    readonly body: string;
}

/** An HTTPS GET to a server on loopback, verifying its certificate against `ca` for `serverName`. */
function get(port: number, serverName: string, urlPath: string, ca: string, auth?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const request = https.get({ host: "127.0.0.1", port, path: urlPath, ca, servername: serverName, auth, timeout: 5000 }, (response) => {
            let body = "";
            response.on("data", (chunk) => (body += chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on("error", reject);
        request.on("timeout", () => request.destroy(new Error("timeout")));
    });
}

/** Retries `probe` until it returns a value or `ms` pass. */
async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms;
    let last: unknown;
    while (Date.now() < deadline) {
        try {
            const value = await probe();
            if (value !== undefined) return value;
        } catch (e) {
            last = e;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${what} did not happen within ${ms} ms${last ? `: ${String(last)}` : ""}`);
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

/**
 * Container command-line flags made runnable here: file paths under `root`, the listen address on a loopback port.
 * Everything else is passed exactly as rendered.
 */
function localArgs(args: readonly string[], root: string, port: number): string[] {
    return args.map((arg) => {
        const [flag, value] = [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)];
        if (flag === "--web.listen-address") return `${flag}=127.0.0.1:${port}`;
        return value.startsWith("/") ? `${flag}=${path.join(root, value)}` : arg;
    });
}

describe("Prometheus 2.42 and Alertmanager 0.25 running the rendered files on loopback", function () {
    let dir: string;
    let cleanup: () => void;
    let pki: TestPki;
    let promPort: number;
    let amPort: number;
    const children: ChildProcess[] = [];
    const logs: Record<string, string> = { prometheus: "", alertmanager: "" };
    const prometheusAuth = `${BASIC_AUTH_USERS.prometheus}:${PASSWORD}`;
    const alertmanagerAuth = `${BASIC_AUTH_USERS.alertmanager}:${PASSWORD}`;

    function start(name: string, binary: string, args: string[]): void {
        const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
        child.stdout!.on("data", (d) => (logs[name] += d));
        child.stderr!.on("data", (d) => (logs[name] += d));
        children.push(child);
    }

    before(async function () {
        const prometheus = requireTool(this, "prometheus", "apt-get install prometheus");
        const alertmanager = requireTool(this, "prometheus-alertmanager", "apt-get install prometheus-alertmanager");
        const openssl = requireTool(this, "openssl", "apt-get install openssl");
        ({ dir, cleanup } = tempDir("prometheus-integration"));
        pki = makeTestPki(openssl, path.join(dir, "pki"), [specs.prometheus.alias, specs.alertmanager.alias]);
        [promPort, amPort] = [await freePort(), await freePort()];
        const root = path.join(dir, "root");

        // The aliases do not resolve on this machine: point the self and Alertmanager targets at loopback ports. The
        // TLS server name stays the alias, so certificate verification is exactly what it is in the stack.
        const prometheusYml = relocate(renderPrometheusConfig(settings), root);
        const text = prometheusYml.text
            .replace(`- ${specs.prometheus.alias}:${specs.prometheus.port}`, `- 127.0.0.1:${promPort}`)
            .split(`- ${specs.alertmanager.alias}:${specs.alertmanager.port}`).join(`- 127.0.0.1:${amPort}`);
        for (const p of prometheusYml.paths.filter((p) => !p.includes("*"))) writeAt(root, p, referencedFileContent(p, pki, PASSWORD));
        writeAt(root, CONFIG_PATHS.prometheusConfig, text);
        for (const [file, rules] of Object.entries(renderAlertRules(settings))) writeAt(root, `${CONFIG_PATHS.prometheusRulesDir}/${file}`, rules);

        for (const [workload, webConfigPath] of [["prometheus", CONFIG_PATHS.prometheusWebConfig], ["alertmanager", CONFIG_PATHS.alertmanagerWebConfig]] as const) {
            const web = relocate(renderWebConfig({ tls: specs[workload].tls, minVersion: settings.tls.minVersion, basicAuthUsers: { [BASIC_AUTH_USERS[workload]]: BCRYPT_HASH } }), root);
            for (const p of web.paths) writeAt(root, p, referencedFileContent(p, pki));
            writeAt(root, webConfigPath, web.text);
        }
        const alertmanagerYml = relocate(renderAlertmanagerConfig(settings), root);
        for (const p of alertmanagerYml.paths) writeAt(root, p, referencedFileContent(p, pki));
        writeAt(root, CONFIG_PATHS.alertmanagerConfig, alertmanagerYml.text);

        start("alertmanager", alertmanager, localArgs(alertmanagerArgs(settings), root, amPort));
        // Test-only flag: Prometheus sends the Watchdog at its first evaluation, before it has discovered the static
        // Alertmanager, and drops it; the next send comes after the resend delay (1m by default, 2s here).
        start("prometheus", prometheus, [...localArgs(prometheusArgs(settings), root, promPort), "--rules.alert.resend-delay=2s"]);
        await eventually("Prometheus ready", 30000, async () =>
            (await get(promPort, specs.prometheus.alias, "/-/ready", pki.ca, prometheusAuth)).status === 200 || undefined);
        await eventually("Alertmanager ready", 30000, async () =>
            (await get(amPort, specs.alertmanager.alias, "/-/ready", pki.ca, alertmanagerAuth)).status === 200 || undefined);
    });

    after(function () {
        for (const child of children) child.kill("SIGTERM");
        if (this.currentTest?.state === "failed" || children.some((c) => c.exitCode !== null)) {
            for (const [name, log] of Object.entries(logs)) console.log(`      ${name} log (tail):\n${log.split("\n").slice(-15).join("\n")}`);
        }
        cleanup?.();
    });

    it("starts Prometheus with the rendered flags, serving only TLS and only with basic auth", async () => {
        expect((await get(promPort, specs.prometheus.alias, "/-/ready", pki.ca)).status).to.equal(401);
        expect((await get(promPort, specs.prometheus.alias, "/-/ready", pki.ca, `${BASIC_AUTH_USERS.prometheus}:wrong`)).status).to.equal(401);
        const flags = JSON.parse((await get(promPort, specs.prometheus.alias, "/api/v1/status/flags", pki.ca, prometheusAuth)).body).data;
        expect(flags["storage.tsdb.retention.time"]).to.equal(settings.prometheus.retentionTime);
        expect(flags["web.enable-lifecycle"]).to.equal("false");
    });

    it("loads every rendered rule group", async () => {
        const groups = JSON.parse((await get(promPort, specs.prometheus.alias, "/api/v1/rules", pki.ca, prometheusAuth)).body).data.groups as { name: string; rules: unknown[] }[];
        expect(groups.map((g) => g.name).sort()).to.deep.equal(Object.keys(renderAlertRules(settings)).map((f) => f.replace(/\.yml$/, "")).sort());
        expect(groups.flatMap((g) => g.rules)).to.have.length.at.least(23);
    });

    it("scrapes itself and Alertmanager over verified TLS with basic auth from password files", async () => {
        const health = await eventually("both targets scraped", 30000, async () => {
            const targets = JSON.parse((await get(promPort, specs.prometheus.alias, "/api/v1/targets", pki.ca, prometheusAuth)).body).data.activeTargets as
                { labels: { job: string }; health: string; lastError: string }[];
            const of = (job: string) => targets.find((t) => t.labels.job === job);
            const pair = [of("prometheus"), of("alertmanager")];
            return pair.every((t) => t && t.health !== "unknown") ? pair.map((t) => `${t!.labels.job}: ${t!.health} ${t!.lastError}`.trim()) : undefined;
        });
        expect(health).to.deep.equal(["prometheus: up", "alertmanager: up"]);
    });

    it("delivers the always-firing Watchdog to Alertmanager over TLS with basic auth", async () => {
        const watchdog = await eventually("Watchdog in Alertmanager", 30000, async () => {
            const alerts = JSON.parse((await get(amPort, specs.alertmanager.alias, "/api/v2/alerts", pki.ca, alertmanagerAuth)).body) as { labels: Record<string, string> }[];
            return alerts.find((a) => a.labels.alertname === "Watchdog");
        });
        expect(watchdog.labels).to.include({ severity: "none", service: "alerting", environment: "local", stack: "dev" });
    });
});
