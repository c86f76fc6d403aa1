import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { BACKUP_METRICS } from "../../components/render/alerts/backup";
import { BACKUP_NAME } from "../../components/render/backup";
import { BASIC_AUTH_USERS, CONFIG_PATHS, SECRET_FILES } from "../../components/workloads/catalogue";
import type { PublicEndpoint } from "../../components/settings/types";
import { request } from "../support/servers";
import { findTool } from "../support/tools";
import { Engine, startEngine } from "./support/dockerd";
import { fakeSsh } from "./support/fakeSsh";
import { EngineApi } from "./support/engineApi";
import { STACK_LABEL } from "./support/realise";
import { bringUp, prometheusExpectations, RECEIVER_ALIAS, runningContainers, S3_ALIAS, S3_BUCKET, StackUnderTest, TARGETS } from "./support/stackUnderTest";

/**
 * The program's Docker stacks on a real Docker engine: the local default and production's settings, each realised
 * exactly as the Docker provider would create its declared resources, from stand-in images of the versions it deploys.
 * Every container must become healthy through its own healthcheck and the services must work together.
 * `npm run test:containers`; one file alone:
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 1800000 test/containers/stack.test.ts
 */

const HEALTHY_WITHIN_MS = 4 * 60_000;
const SECURITY_HEADERS = ["strict-transport-security", "content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"];
/**
 * Alerts that may be pending (never firing) on a healthy stack minutes after it started, each with its reason. Any
 * other pending alert, and any firing alert but Watchdog, fails the suite.
 */
const EXPECTED_PENDING: Readonly<Record<string, string>> = {
    DiskWillFillIn24h: "node_exporter reads this machine's real disks, which the suite itself is filling (images, volumes) while less than 40% is free; it fires only after an hour",
};

interface Sample {
    readonly metric: Record<string, string>;
    readonly value: number;
}

/** An instant query, asked by promtool inside the Prometheus container with its own healthcheck client (TLS, basic auth). */
async function query(sut: StackUnderTest, expr: string): Promise<Sample[]> {
    const run = await sut.exec("prometheus", [
        "promtool", "query", "instant", "-o", "json", `--http.config.file=${CONFIG_PATHS.prometheusHealthcheckConfig}`, "https://prometheus:9090", expr,
    ]);
    if (run.exitCode !== 0) throw new Error(`promtool query ${expr}: ${run.stderr || run.stdout}`);
    return (JSON.parse(run.stdout) as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
}

/** Retries `probe` until it returns a value, or fails with the last reason after `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | string>): Promise<T> {
    const deadline = Date.now() + ms;
    let last = "";
    while (Date.now() < deadline) {
        try {
            const result = await probe();
            if (typeof result !== "string") return result;
            last = result;
        } catch (e) {
            last = (e as Error).message;
        }
        await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`${what} did not happen within ${ms / 1000} s: ${last}`);
}

const ROOT = path.resolve(__dirname, "..", "..");

/** `npm run <script> -- <args>` as an operator runs it, against the suite's engine (DOCKER_HOST, or `env`'s). */
function command(engine: Engine, script: "backup" | "restore", args: readonly string[], env: Record<string, string> = {}) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", `${script}.ts`), ...args], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, DOCKER_HOST: engine.dockerHost, ...env }, timeout: 300_000,
    });
}

function seconds(duration: string): number {
    const m = /^(\d+)s$/.exec(duration);
    if (!m) throw new Error(`unexpected duration ${duration}`);
    return Number(m[1]);
}

describe("the stacks on a real Docker engine", function () {
    let engine: Engine;
    let api: EngineApi;

    before(async function () {
        engine = await startEngine();
        api = await EngineApi.connect(engine.dockerHost);
        console.log(`      Docker engine ${engine.version} (${engine.storageDriver}${engine.ownDaemon ? ", started by the suite" : `, ${engine.dockerHost}`})`);
    });

    after(async function () {
        api?.close();
        await engine?.stop();
    });

    for (const target of TARGETS) {
        describe(target.label, function () {
            let sut: StackUnderTest;
            let startedAt: number;
            const healthyAfter = new Map<string, number>();

            before(async function () {
                sut = await bringUp(engine, api, target, (line) => console.log(`      ${line}`));
                startedAt = Date.now();
                // Every container at once: each is given its own start period and the suite's limit.
                await Promise.all(runningContainers(sut).map(async (name) => {
                    await sut.waitHealthy(name, HEALTHY_WITHIN_MS);
                    healthyAfter.set(name, Date.now() - startedAt);
                }));
                console.log(`      all ${healthyAfter.size} containers healthy after ${(Math.max(...healthyAfter.values()) / 1000).toFixed(0)} s`);
            });

            afterEach(async function () {
                if (this.currentTest?.state !== "failed" || !sut) return;
                for (const name of runningContainers(sut)) console.log(await sut.describe(name));
            });

            after(async function () {
                if (!sut) return;
                await sut.destroy();
                const left = [
                    ...(await api.listContainers({ label: [`${STACK_LABEL}=${target.stack}`] })).map((c) => `container ${c.Names[0]}`),
                    ...(await api.listVolumes({ label: [`${STACK_LABEL}=${target.stack}`] })).map((v) => `volume ${v.Name}`),
                    ...(await api.listNetworks({ label: [`${STACK_LABEL}=${target.stack}`] })).map((n) => `network ${n.Name}`),
                ];
                expect(left, "everything the suite created is removed").to.deep.equal([]);
            });

            it("brings every container to healthy through its own healthcheck, within its start period", async () => {
                for (const name of runningContainers(sut)) {
                    const health = sut.inputsOf(name).healthcheck as { startPeriod: string; interval: string };
                    // The first check after the start period may be the one that passes.
                    const allowed = (seconds(health.startPeriod) + seconds(health.interval)) * 1000;
                    expect(healthyAfter.get(name), `${name} healthy after ${healthyAfter.get(name)} ms`).to.be.at.most(allowed);
                }
            });

            it("scrapes every target up over TLS through the network aliases, and loads every rule", async () => {
                const expected = prometheusExpectations(sut);
                const targets = [...expected.jobs.values()].reduce((a, b) => a + b, 0);
                const up = await until("every scrape target up", 180_000, async () => {
                    const samples = await query(sut, "up");
                    const down = samples.filter((s) => s.value !== 1).map((s) => `${s.metric.job} ${s.metric.instance}`);
                    return samples.length === targets && down.length === 0 ? samples : `${samples.length} of ${targets} targets seen, down: ${down.join(", ") || "none"}`;
                });
                expect(new Set(up.map((s) => s.metric.job))).to.deep.equal(new Set(expected.jobs.keys()));
                const probes = await query(sut, "probe_success");
                expect(probes.filter((p) => p.value !== 1).map((p) => p.metric.instance), "every public endpoint probed through the edge").to.deep.equal([]);
                const pg = await query(sut, "pg_up");
                const redis = await query(sut, "redis_up");
                expect([pg.map((s) => s.value), redis.map((s) => s.value)], "the exporters reach PostgreSQL and Redis").to.deep.equal([[1], [1]]);
                const rules = await query(sut, "sum(prometheus_rule_group_rules)");
                expect(rules[0]?.value, "rules loaded").to.equal(expected.rules);
                const failures = await query(sut, "sum(prometheus_rule_evaluation_failures_total)");
                expect(failures[0]?.value, "rule evaluation failures").to.equal(0);
            });

            it("runs the backup job: a verified dump at start and on schedule, its metrics scraped through node_exporter's textfile collector", async () => {
                const dumps = await until("a scheduled backup run", 6 * 60_000, async () => {
                    const list = await sut.exec("backup", ["bash", CONFIG_PATHS.backupScript, "list"]);
                    const names = list.stdout.split("\n").map((l) => l.split("\t")[0]!).filter(Boolean);
                    return names.some((n) => n.endsWith("-scheduled.dump")) ? names : `dumps so far: ${names.join(", ") || "none"}`;
                });
                // The run at start (no backup had succeeded) may already be beyond retention: its log line stays.
                const logs = await api.logs(sut.id("backup"));
                expect(logs.stderr.toString("utf8")).to.match(/backup: no run has succeeded yet: taking a backup now\n(.*\n)*backup: \S+-startup\.dump verified: \d+ bytes, SHA-256 [0-9a-f]{64}/);
                for (const name of dumps) {
                    expect(name).to.match(BACKUP_NAME);
                    const verify = await sut.exec("backup", ["bash", CONFIG_PATHS.backupScript, "verify", name]);
                    expect(verify.exitCode, `${name}: ${verify.stderr}`).to.equal(0);
                }
                const scraped = await until("the backup metrics in Prometheus", 90_000, async () => {
                    const status = await query(sut, `${BACKUP_METRICS.lastRunStatus}{destination="volume"}`);
                    const success = await query(sut, `${BACKUP_METRICS.lastSuccessTimestamp}{destination="volume"}`);
                    return status.length === 1 && success.length === 1 ? { status: status[0]!, success: success[0]! } : "not scraped yet";
                });
                expect([scraped.status.value, scraped.status.metric.job]).to.deep.equal([1, "node"]);
                expect(scraped.success.value).to.be.within(Date.now() / 1000 - 600, Date.now() / 1000 + 5);
            });

            it("takes and verifies a backup on demand with `npm run backup` through the engine's DOCKER_HOST", async () => {
                const started = Date.now();
                const run = command(engine, "backup", ["--stack", target.stack, "--platform", "docker", "--label", "on-demand"]);
                expect(run.status, run.stderr + run.stdout).to.equal(0);
                const name = /backup: (\S+\.dump): taken and verified/.exec(run.stdout)?.[1];
                expect(name, run.stdout).to.match(/-on-demand\.dump$/);
                console.log(`      on-demand backup ${name} taken and verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
                expect((await sut.exec("backup", ["bash", CONFIG_PATHS.backupScript, "verify", name!])).exitCode).to.equal(0);
                // Through an ssh:// DOCKER_HOST, as the deploy job runs it: the docker CLI's ssh transport, its `ssh` a stand-in
                // that dials this engine (the plumbing of test/containers/realise.test.ts), the host never this machine's.
                const docker = findTool("docker");
                if (docker && engine.dockerHost.startsWith("unix://")) {
                    const ssh = fakeSsh(docker, engine.dockerHost);
                    try {
                        const remote = command(engine, "backup", ["--stack", target.stack, "--platform", "docker", "--label", "over-ssh"], { DOCKER_HOST: "ssh://deploy@stack-host.example", PATH: `${ssh.dir}:${process.env.PATH}` });
                        expect(remote.status, remote.stderr).to.equal(0);
                        expect(remote.stdout).to.match(/-over-ssh\.dump: taken and verified .* on ssh:\/\/deploy@stack-host\.example/);
                        const sessions = ssh.argv();
                        expect(sessions.length, "ssh sessions").to.be.greaterThan(0);
                        expect(sessions.every((a) => /-l deploy .*-- stack-host\.example docker .*system dial-stdio$/.test(a)), sessions.join("\n")).to.equal(true);
                    } finally {
                        ssh.remove();
                    }
                }
                const refused = command(engine, "backup", ["--stack", `${target.stack}-missing`, "--platform", "docker"]);
                expect([refused.status, refused.stderr]).to.satisfy(([s, e]: [number, string]) => s === 1 && e.includes(`service-stack-${target.stack}-missing-backup: no such container`));
            });

            it(target.offsite ? "copies every verified dump off the host to the S3 stand-in, encrypted and checked, its metrics in Prometheus" : "copies nothing off the host (no `backup.offsite`)", async function () {
                const copies = runningContainers(sut).filter((n) => n === "backup-offsite");
                expect(copies).to.have.length(target.offsite ? 1 : 0);
                if (!target.offsite) return;
                const aws = (...args: string[]) => sut.exec("backup-offsite", ["aws", "--endpoint-url", `https://${S3_ALIAS}:9443`, ...args]);
                const prefix = `service-stack/${target.stack}/`;
                const local = (await sut.exec("backup", ["bash", CONFIG_PATHS.backupScript, "list"])).stdout.split("\n").map((l) => l.split("\t")[0]!).filter(Boolean);
                // Each dump on the volume now is copied within the copy's next pass (every minute), unless retention removed it first.
                const copied = await until("the dumps in the S3 stand-in", 150_000, async () => {
                    const keys = JSON.parse((await aws("s3api", "list-objects-v2", "--bucket", S3_BUCKET, "--prefix", prefix, "--query", "Contents[].Key", "--output", "json")).stdout || "null") as string[] | null ?? [];
                    const still = (await sut.exec("backup", ["bash", CONFIG_PATHS.backupScript, "list"])).stdout;
                    const missing = local.filter((n) => still.includes(n) && !(keys.includes(`${prefix}${n}`) && keys.includes(`${prefix}${n}.sha256`)));
                    return missing.length === 0 ? keys : `not copied yet: ${missing.join(", ")}`;
                });
                const name = copied.find((k) => k.endsWith(".dump"))!.slice(prefix.length);
                const digest = (await sut.exec("backup", ["cat", `/var/lib/postgresql/backups/${name}.sha256`])).stdout.split(/\s+/)[0];
                const head = JSON.parse((await aws("s3api", "head-object", "--bucket", S3_BUCKET, "--key", `${prefix}${name}`, "--output", "json")).stdout) as { ServerSideEncryption?: string; Metadata?: Record<string, string> };
                expect([head.ServerSideEncryption, head.Metadata?.sha256]).to.deep.equal(["AES256", digest]);
                const fetched = await sut.exec("backup-offsite", ["bash", "-c", `aws --endpoint-url https://${S3_ALIAS}:9443 s3 cp s3://${S3_BUCKET}/${prefix}${name} - | sha256sum`]);
                expect(fetched.stdout.split(/\s+/)[0], "the copy's bytes").to.equal(digest);
                // Verified against the CA given in `backup.offsite.caCertificate`: without it the AWS CLI refuses the endpoint.
                // (Unset, not empty: botocore takes an empty AWS_CA_BUNDLE as "do not verify".)
                const untrusted = await sut.exec("backup-offsite", ["bash", "-c", `env -u AWS_CA_BUNDLE aws --endpoint-url https://${S3_ALIAS}:9443 s3api list-buckets`]);
                expect(untrusted.exitCode).to.not.equal(0);
                expect(untrusted.stderr).to.match(/SSL|certificate/i);
                const scraped = await until("the off-host copy's metrics in Prometheus", 90_000, async () => {
                    const status = await query(sut, `${BACKUP_METRICS.lastRunStatus}{destination="s3"}`);
                    return status.length === 1 && status[0]!.value === 1 ? status[0]! : `backup_last_run_status{destination="s3"}: ${JSON.stringify(status.map((s) => s.value))}`;
                });
                expect(scraped.metric.job).to.equal("node");
            });

            it("fires no alert but Watchdog once settled, and holds none pending but the expected", async () => {
                const alerts = await until("Watchdog firing (rules evaluated)", 120_000, async () => {
                    const samples = await query(sut, "ALERTS");
                    return samples.some((s) => s.metric.alertname === "Watchdog" && s.metric.alertstate === "firing") ? samples : "Watchdog not firing yet";
                });
                const firing = alerts.filter((a) => a.metric.alertstate === "firing").map((a) => a.metric.alertname);
                const pending = alerts.filter((a) => a.metric.alertstate === "pending").map((a) => `${a.metric.alertname} ${a.metric.instance ?? ""}`.trim());
                expect(firing).to.deep.equal(["Watchdog"]);
                expect(pending.filter((p) => !(p.split(" ")[0]! in EXPECTED_PENDING))).to.deep.equal([]);
            });

            it("has Alertmanager answer over TLS with basic auth only, holding the alerts Prometheus sent", async () => {
                const am = "alertmanager";
                const url = "--alertmanager.url=https://alertmanager:9093";
                // Prometheus sends a firing alert on its next evaluation after it starts firing.
                const held = await until("Watchdog held by Alertmanager", 60_000, async () => {
                    const run = await sut.exec(am, ["amtool", url, `--http.config.file=${CONFIG_PATHS.alertmanagerHealthcheckConfig}`, "alert", "query", "-o", "json"]);
                    if (run.exitCode !== 0) return `amtool: ${run.stderr}`;
                    const names = (JSON.parse(run.stdout) as { labels: { alertname: string } }[]).map((a) => a.labels.alertname);
                    return names.includes("Watchdog") ? { names } : `Alertmanager holds ${names.join(", ") || "nothing"}`;
                });
                expect(held.names).to.include("Watchdog");
                // The same client without the password: a config with only the CA, written to the container's tmpfs.
                const spec = sut.inputsOf("alertmanager");
                expect(spec.user).to.equal("65534:65534");
                const noAuth = await sut.exec(am, ["sh", "-c",
                    `printf 'tls_config:\\n  ca_file: /etc/alertmanager/tls/ca.crt\\n' > /tmp/no-auth.yml && amtool ${url} --http.config.file=/tmp/no-auth.yml alert query`]);
                expect(noAuth.exitCode).to.not.equal(0);
                expect(noAuth.stderr + noAuth.stdout).to.match(/401|Unauthorized/i);
                expect(BASIC_AUTH_USERS.alertmanager).to.equal("alertmanager");
            });

            it(target.deadMansSwitch ? "delivers Watchdog to the dead-man's switch" : "has no dead-man's switch to deliver Watchdog to (the local default)", async function () {
                const watchdog = sut.filesOf("alertmanager").some((f) => f.file === CONFIG_PATHS.alertmanagerConfig && f.content.includes(`${RECEIVER_ALIAS}:8080/watchdog`));
                expect(watchdog, "alertmanager.yml routes Watchdog to the dead-man's switch").to.equal(target.deadMansSwitch);
                if (!target.deadMansSwitch) return;
                const receiver = (await api.listContainers({ name: [`service-stack-${target.stack}-suite-receiver`] }))[0]!;
                const delivered = await until("Watchdog delivered to the dead-man's switch", 120_000, async () => {
                    const out = (await api.logs(receiver.Id)).stdout.toString("utf8");
                    return /POST \/watchdog .*"alertname":"Watchdog"/.test(out) ? { out } : "nothing delivered yet";
                });
                expect(delivered.out).to.match(/"receiver":"watchdog","status":"firing"/);
            });

            it("serves every public name on the edge's published HTTPS port with the security headers, redirects HTTP, and reaches the API and Grafana", async () => {
                const host = (name: PublicEndpoint) => sut.settings.hostnames[name];
                const livePath = sut.settings.api.livePath;
                const live = await request({ port: sut.ports.https, path: livePath, ca: sut.caPem, serverName: host("api") });
                expect(live.status, live.body).to.equal(200);
                for (const header of SECURITY_HEADERS) expect(live.headers, header).to.have.property(header);
                expect(live.headers).to.not.have.property("server");
                const grafana = await request({ port: sut.ports.https, path: "/api/health", ca: sut.caPem, serverName: host("grafana") });
                expect(grafana.status, grafana.body).to.equal(200);
                const redirect = await request({ port: sut.ports.http, path: livePath, serverName: host("api") });
                expect(redirect.status).to.equal(308);
                expect(redirect.headers.location).to.equal(`https://${host("api")}:${sut.ports.https}${livePath}`);
                for (const name of ["prometheus", "alertmanager", "jaeger"] as const) {
                    const guarded = await request({ port: sut.ports.https, path: "/", ca: sut.caPem, serverName: host(name) });
                    expect(guarded.status, `${name} without credentials`).to.equal(401);
                }
            });

            it("gives every delivered file its declared owner and mode in the running containers, secrets readable by their process alone", async () => {
                let secrets = 0;
                for (const name of runningContainers(sut)) {
                    for (const file of sut.filesOf(name)) {
                        const entry = await sut.readEntry(name, file.file);
                        const where = `${name}:${file.file}`;
                        expect([entry.uid, entry.gid, (entry.mode & 0o7777).toString(8).padStart(4, "0")], where).to.deep.equal([Number(file.owner), Number(file.group), file.permissions]);
                        expect(entry.content?.toString("utf8"), where).to.equal(file.content);
                        if (file.permissions === "0400") {
                            secrets++;
                            expect(`${file.owner}:${file.group}`, where).to.equal(String(sut.inputsOf(name).user));
                        }
                    }
                }
                expect(secrets).to.be.greaterThan(20);
            });

            it("shows no secret value in any container's inspect output (env, labels, command)", async () => {
                for (const c of await api.listContainers({ label: [`${STACK_LABEL}=${target.stack}`] })) {
                    const text = JSON.stringify(await api.inspectContainer(c.Id));
                    for (const secret of sut.secrets) expect(text.includes(secret), `${c.Names[0]} shows a secret`).to.equal(false);
                }
            });

            it("gives the data network no route out, and publishes ports only on the edge, where declared", async () => {
                for (const name of ["postgres", "redis", "postgres-exporter", "redis-exporter", "node-exporter", "cadvisor", "backup"]) {
                    const routes = await sut.exec(name, ["cat", "/proc/net/route"]);
                    expect(routes.exitCode, routes.stderr).to.equal(0);
                    const defaults = routes.stdout.split("\n").slice(1).filter((l) => l.split(/\s+/)[1] === "00000000");
                    expect(defaults, `${name} has a default route`).to.deep.equal([]);
                }
                const edgeSide = await sut.exec("alertmanager", ["cat", "/proc/net/route"]);
                expect(edgeSide.stdout.split("\n").some((l) => l.split(/\s+/)[1] === "00000000"), "the edge network routes out").to.equal(true);
                for (const name of runningContainers(sut)) {
                    const inspect = await api.inspectContainer(sut.id(name)) as unknown as { HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null } };
                    const bindings = Object.values(inspect.HostConfig.PortBindings ?? {}).flat();
                    if (name !== "edge") {
                        expect(bindings, `${name} publishes`).to.deep.equal([]);
                        continue;
                    }
                    expect(bindings.map((b) => `${b.HostIp}:${b.HostPort}`).sort()).to.deep.equal([`127.0.0.1:${sut.ports.http}`, `127.0.0.1:${sut.ports.https}`].sort());
                }
            });

            it("keeps state when a container is re-created: a row in PostgreSQL, a key in Redis", async () => {
                const psql = (sql: string) => sut.exec("postgres", ["sh", "-c", `PGPASSWORD="$(cat ${SECRET_FILES.postgresSuperuserPassword})" psql -h /var/run/postgresql -U postgres -d app -tAc "${sql}"`]);
                const redisCli = (args: string) => sut.exec("redis", ["sh", "-c", `REDISCLI_AUTH="$(cat ${SECRET_FILES.redisPassword})" redis-cli --tls --cacert /usr/local/etc/redis/tls/ca.crt -h redis ${args}`]);
                const marker = `suite-${Date.now()}`;
                expect((await psql(`CREATE TABLE IF NOT EXISTS suite_marker (v text); INSERT INTO suite_marker VALUES ('${marker}')`)).exitCode).to.equal(0);
                expect((await redisCli(`SET suite_marker ${marker}`)).stdout.trim()).to.equal("OK");
                for (const name of ["postgres", "redis"]) await sut.recreate(name);
                await Promise.all(["postgres", "redis"].map((name) => sut.waitHealthy(name, HEALTHY_WITHIN_MS)));
                expect((await psql("SELECT v FROM suite_marker")).stdout.trim()).to.equal(marker);
                expect((await redisCli("GET suite_marker")).stdout.trim()).to.equal(marker);
            });

            it("restores a backup after the database volume is lost, refuses a tampered one, and replaces a live database only when told", async () => {
                const psql = (sql: string, db = "app") => sut.exec("postgres", ["sh", "-c", `PGPASSWORD="$(cat ${SECRET_FILES.postgresSuperuserPassword})" psql -X -v ON_ERROR_STOP=1 -h /var/run/postgresql -U postgres -d ${db} -tAc "${sql}"`]);
                const rows = async () => (await psql("SELECT count(*) FROM drill")).stdout.trim();
                const restore = (...args: string[]) => command(engine, "restore", ["--stack", target.stack, "--platform", "docker", ...args]);
                expect((await psql("CREATE TABLE drill (id int PRIMARY KEY, v text); INSERT INTO drill SELECT i, md5(i::text) FROM generate_series(1, 5000) i")).exitCode).to.equal(0);
                const taken = command(engine, "backup", ["--stack", target.stack, "--platform", "docker", "--label", "drill"]);
                expect(taken.status, taken.stderr).to.equal(0);
                const name = /backup: (\S+\.dump): taken and verified/.exec(taken.stdout)![1]!;

                const lost = Date.now();
                await sut.replaceVolume("postgres", `${sut.prefix}postgres-data`);
                await sut.waitHealthy("postgres", HEALTHY_WITHIN_MS);
                expect((await psql("SELECT count(*) FROM drill")).stderr, "the rows are gone with the volume").to.match(/relation "drill" does not exist/);
                const restoring = Date.now();
                const restored = restore("--backup", name);
                expect(restored.status, restored.stderr + restored.stdout).to.equal(0);
                expect(await rows()).to.equal("5000");
                console.log(`      restore drill: database re-created in ${((restoring - lost) / 1000).toFixed(1)} s, ${name} restored in ${((Date.now() - restoring) / 1000).toFixed(1)} s`);

                // A live database with tables is not restored over without a flag.
                const over = restore("--backup", name);
                expect([over.status, over.stderr]).to.satisfy(([s, e]: [number, string]) => s === 1 && /holds \d+ tables, views or sequences: refusing/.test(e));

                const tampered = name.replace(/-drill\.dump$/, "-tampered.dump");
                const tamper = await sut.exec("backup", ["sh", "-c", `cd /var/lib/postgresql/backups && cp ${name} ${tampered} && printf 'X' | dd of=${tampered} bs=1 seek=2000 conv=notrunc 2>/dev/null && sed 's/${name}/${tampered}/' ${name}.sha256 > ${tampered}.sha256`]);
                expect(tamper.exitCode, tamper.stderr).to.equal(0);
                const refused = restore("--backup", tampered, "--into-database", "drill_copy");
                expect(refused.status).to.equal(1);
                expect(refused.stderr).to.contain(`${tampered} does not match its SHA-256`).and.contain(`refusing ${tampered}`);
                expect((await psql("SELECT count(*) FROM pg_database WHERE datname = 'drill_copy'")).stdout.trim(), "nothing created for a refused dump").to.equal("0");

                expect((await psql("INSERT INTO drill VALUES (0, 'after the backup')")).exitCode).to.equal(0);
                const replaced = restore("--backup", name, "--replace-live-database");
                expect(replaced.status, replaced.stderr + replaced.stdout).to.equal(0);
                expect(await rows()).to.equal("5000");
                expect((await api.inspectContainer(sut.id("api"))).State.Running, "the API started again").to.equal(true);
            });
        });
    }
});
