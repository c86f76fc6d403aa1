import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { parse, stringify } from "yaml";
import { fileRoots } from "../../components/platforms/docker/fileDelivery";
import { DOCKER_TARGETS, materialise, Materialised, RenderedContainer, RenderedStack, renderedStack, TestCa } from "../support/stackFiles";
import { ensureImage, loadRecipes } from "./images/build";
import type { Recipe } from "./images/recipe";
import { docker, Engine, startEngine, tail } from "./support/dockerd";

/**
 * The stand-ins for the three images Debian does not package (Grafana, Jaeger, cAdvisor), proven on this host with the
 * program's own files before any image is built: each starts healthy on the files the program renders (real
 * certificates from a CA in the program's shape), answers its container's healthcheck command and its TLS endpoints
 * at the stack's minimum version, refuses a lower one, and refuses to start, naming the file, when a file the real
 * server reads is missing, unreadable or a secret readable by others. Then, on the Docker engine (DOCKER_HOST, or a
 * daemon of our own), each image builds, passes its recipe's checks, and runs as the program declares its container
 * (user, command, environment, read-only root, no capabilities, files on read-only mounts, host mounts for cAdvisor)
 * until its own healthcheck command passes. Run alone:
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 1800000 test/containers/standins.test.ts
 */

const FILES = path.join(__dirname, "images", "files");
const PYTHON = "/usr/bin/python3";
const IS_ROOT = process.getuid?.() === 0;
/** The official images' users: Grafana 472:0, Jaeger 10001:10001 (as the program runs them). */
const GRAFANA_USER = { uid: 472, gid: 0 };
const JAEGER_USER = { uid: 10001, gid: 10001 };

interface Exit {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
}

/** One stand-in process on the host: its log, its exit, a prompt stop. */
class StandIn {
    private readonly child: ChildProcess;
    output = "";
    readonly exited: Promise<Exit>;

    constructor(readonly label: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, user?: { uid: number; gid: number }) {
        this.child = spawn(command, [...args], {
            env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", PYTHONPATH: path.join(FILES, "standin"), PYTHONDONTWRITEBYTECODE: "1", ...env },
            stdio: ["ignore", "pipe", "pipe"],
            ...(IS_ROOT && user ? user : {}),
        });
        this.child.stdout!.on("data", (c: Buffer) => { this.output += c.toString(); });
        this.child.stderr!.on("data", (c: Buffer) => { this.output += c.toString(); });
        this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve({ code, signal })));
    }

    /** Resolves when the start line (`listening:`) is logged; fails with the log when the process exits first. */
    async ready(timeoutMs = 20000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        let exit: Exit | undefined;
        void this.exited.then((e) => { exit = e; });
        while (!/listening: /.test(this.output)) {
            if (exit) throw new Error(`${this.label} exited (${exit.code ?? exit.signal}) before listening:\n${this.output}`);
            if (Date.now() > deadline) throw new Error(`${this.label} did not start in ${timeoutMs} ms:\n${this.output}`);
            await sleep(50);
        }
    }

    /** The exit of a stand-in that must refuse to start. */
    async failure(timeoutMs = 20000): Promise<Exit> {
        const exit = await Promise.race([this.exited, sleep(timeoutMs).then(() => undefined)]);
        if (!exit) {
            await this.stop();
            throw new Error(`${this.label} kept running; expected it to refuse to start:\n${this.output}`);
        }
        return exit;
    }

    /** SIGTERM, as docker stop sends it; the stand-in must exit 0 within 5 s. */
    async stop(): Promise<Exit> {
        this.child.kill("SIGTERM");
        const exit = await Promise.race([this.exited, sleep(5000).then(() => undefined)]);
        if (!exit) {
            this.child.kill("SIGKILL");
            throw new Error(`${this.label} ignored SIGTERM for 5 s:\n${this.output}`);
        }
        return exit;
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** The container's healthcheck command (`["CMD", "wget", …]`) run on this host, with its URL's port moved. */
function healthcheck(container: RenderedContainer, fromPort: number, toPort: number): { status: number | null; output: string } {
    const [kind, command, ...args] = container.healthcheck;
    expect(kind, `${container.name}'s healthcheck form`).to.equal("CMD");
    const moved = args.map((a) => a.replace(`127.0.0.1:${fromPort}/`, `127.0.0.1:${toPort}/`));
    expect(moved, `${container.name}'s healthcheck names 127.0.0.1:${fromPort}`).to.not.deep.equal(args);
    const result = spawnSync(command!, moved, { encoding: "utf8", timeout: 15000 });
    return { status: result.status, output: `${command} ${moved.join(" ")}: ${result.stdout}${result.stderr}` };
}

interface Handshake {
    readonly protocol: string | null;
    readonly alpn: string | false | null;
}

/** A TLS handshake verified against `ca` for `servername`, limited to `versions`. */
function handshake(port: number, ca: string, servername: string, versions: { min: tls.SecureVersion; max: tls.SecureVersion }, alpn?: string[]): Promise<Handshake> {
    return new Promise((resolve, reject) => {
        const socket = tls.connect({
            host: "127.0.0.1", port, ca, servername, minVersion: versions.min, maxVersion: versions.max, ALPNProtocols: alpn,
            // TLS 1.0/1.1 need security level 0 on the client side, so that a refusal is the server's.
            ciphers: versions.max === "TLSv1.1" || versions.max === "TLSv1" ? "DEFAULT@SECLEVEL=0" : undefined,
        }, () => {
            const result = { protocol: socket.getProtocol(), alpn: socket.alpnProtocol };
            socket.end();
            resolve(result);
        });
        socket.setTimeout(10000, () => socket.destroy(new Error("handshake timed out")));
        socket.on("error", reject);
    });
}

interface Answer {
    readonly status: number;
    readonly headers: Record<string, string | string[] | undefined>;
    readonly body: string;
}

/** An HTTPS request verified against `ca` for `servername` (the certificate's DNS name), or plain HTTP without `ca`. */
function request(port: number, target: string, options: { ca?: string; servername?: string; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const send = options.ca ? https.request : http.request;
        const req = send({
            host: "127.0.0.1", port, path: target, method: options.method ?? "GET", headers: options.headers,
            ...(options.ca ? { ca: options.ca, servername: options.servername, agent: false } : {}),
        }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => { body += c.toString(); });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.setTimeout(10000, () => req.destroy(new Error(`${target} timed out`)));
        req.on("error", reject);
        req.end(options.body);
    });
}

/** Prometheus text exposition (0.0.4): every sample line is `name{labels} value` of a family declared by # TYPE. */
function expectExposition(text: string, what: string): string[] {
    const declared = new Set<string>();
    const names: string[] = [];
    for (const line of text.split("\n")) {
        if (line === "") continue;
        const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
        if (type) {
            declared.add(type[1]!);
            continue;
        }
        if (line.startsWith("# HELP ")) continue;
        const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+]+|NaN|[+-]Inf)( -?\d+)?$/.exec(line);
        expect(sample, `${what}: a sample line in the text format: ${line}`).to.not.equal(null);
        const family = sample![1]!.replace(/_(bucket|sum|count)$/, "");
        expect(declared.has(sample![1]!) || declared.has(family), `${what}: ${sample![1]} has a # TYPE line before it`).to.equal(true);
        names.push(sample![1]!);
    }
    expect(text.endsWith("\n"), `${what} ends with a newline`).to.equal(true);
    return names;
}

/** Replaces a file that is written read-only (0444/0400) by materialise, keeping its mode and owner. */
function rewrite(file: string, content: string): void {
    const st = fs.statSync(file);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, content);
    fs.chmodSync(file, st.mode & 0o7777);
}

/** Breaks one file for one start, then puts it back as it was. */
async function withBroken<T>(file: string, breakIt: "remove" | "unreadable" | "world-readable", run: () => Promise<T>): Promise<T> {
    const st = fs.statSync(file);
    const saved = fs.readFileSync(file);
    if (breakIt === "remove") fs.rmSync(file);
    else if (breakIt === "unreadable") fs.chmodSync(file, 0o000);
    else fs.chmodSync(file, 0o444);
    try {
        return await run();
    } finally {
        if (!fs.existsSync(file)) fs.writeFileSync(file, saved);
        fs.chmodSync(file, st.mode & 0o7777);
        if (IS_ROOT) fs.chownSync(file, st.uid, st.gid);
    }
}

const TLS_BELOW: Record<string, tls.SecureVersion> = { "1.2": "TLSv1.1", "1.3": "TLSv1.2" };
const TLS_AT: Record<string, tls.SecureVersion> = { "1.2": "TLSv1.2", "1.3": "TLSv1.3" };

/** Checks that a listener refuses the version below the stack's minimum (and that the server saw and refused it). */
async function expectRefusedBelowMinimum(standIn: StandIn, port: number, ca: string, servername: string, minimum: string, alpn?: string[]): Promise<void> {
    const below = TLS_BELOW[minimum]!;
    const before = (standIn.output.match(/TLS handshake error/g) ?? []).length;
    let refused: unknown;
    await handshake(port, ca, servername, { min: below, max: below }, alpn).then(() => undefined, (e: unknown) => { refused = e; });
    expect(refused, `${standIn.label}: a ${below} handshake on port ${port} is refused`).to.not.equal(undefined);
    for (let i = 0; i < 40 && (standIn.output.match(/TLS handshake error/g) ?? []).length === before; i++) await sleep(50);
    expect((standIn.output.match(/TLS handshake error/g) ?? []).length, `${standIn.label} logged refusing the ${below} handshake on port ${port}:\n${standIn.output}`).to.be.greaterThan(before);
    const at = await handshake(port, ca, servername, { min: TLS_AT[minimum]!, max: "TLSv1.3" }, alpn);
    expect(at.protocol, `${standIn.label}: port ${port} at the minimum`).to.match(/^TLSv1\.[23]$/);
}

/** The container-path files of a container that its stand-in must have read (all uploads). */
function uploadedFiles(container: RenderedContainer): string[] {
    return container.uploads.map((u) => u.file);
}

function openssl(): string {
    const found = spawnSync("sh", ["-c", "command -v openssl"], { encoding: "utf8" }).stdout.trim();
    expect(found, "openssl on PATH (the test CA)").to.not.equal("");
    return found;
}

describe("stand-ins for Grafana, Jaeger and cAdvisor (not in Debian)", function () {
    this.timeout(120000);
    let scratch: string;

    before(function () {
        const yamlCheck = spawnSync(PYTHON, ["-c", "import yaml, ssl"], { encoding: "utf8" });
        expect(yamlCheck.status, `${PYTHON} with PyYAML (Debian: python3 python3-yaml): ${yamlCheck.stderr}`).to.equal(0);
        expect(spawnSync("wget", ["--version"]).status, "GNU wget on PATH (the healthcheck tool)").to.equal(0);
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "standins-"));
        fs.chmodSync(scratch, 0o755);
    });

    after(function () {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    for (const target of DOCKER_TARGETS) {
        describe(`${target.label}: the programs on this host with the program's files`, function () {
            let stack: RenderedStack;
            let ca: TestCa;
            let minimum: string;

            before(async function () {
                stack = await renderedStack(target.stack, target.overrides);
                ca = new TestCa(openssl(), path.join(scratch, target.stack, "ca"));
                minimum = stack.settings.tls.minVersion;
            });

            describe("Grafana", function () {
                let grafana: RenderedContainer;
                let files: Materialised;
                let root: string;
                let home: string;
                const port = { value: 0 };

                before(async function () {
                    grafana = stack.containers.grafana!;
                    root = path.join(scratch, target.stack, "grafana");
                    files = materialise(grafana, { root, ca, stack, hostUser: GRAFANA_USER });
                    // materialise moves the paths it knows where they stand alone; Grafana's files also name them inside
                    // `$__file{…}`, and may name a directory of uploads.
                    const moved = (p: string) => (p.startsWith(`${root}/`) ? p : files.hostPath(p));
                    for (const upload of grafana.uploads.filter((u) => /\.ya?ml$/.test(u.file))) {
                        const file = files.hostPath(upload.file);
                        const document = parse(fs.readFileSync(file, "utf8").replace(/\$__file\{(\/[^}]+)\}/g, (_m, p: string) => `$__file{${moved(p)}}`)) as {
                            providers?: { options: { path: string } }[];
                        };
                        for (const provider of document.providers ?? []) provider.options.path = moved(provider.options.path);
                        rewrite(file, stringify(document));
                    }
                    // The image's part: Grafana's home with conf/defaults.ini, the config file run.sh checks, and the
                    // provisioning directories the Dockerfile creates.
                    home = path.join(root, "usr/share/grafana");
                    fs.mkdirSync(path.join(home, "conf"), { recursive: true });
                    for (const dir of ["datasources", "dashboards", "notifiers", "plugins", "access-control", "alerting"]) {
                        fs.mkdirSync(files.hostPath(`/etc/grafana/provisioning/${dir}`), { recursive: true });
                    }
                    fs.copyFileSync(path.join(FILES, "grafana/defaults.ini"), path.join(home, "conf/defaults.ini"));
                    fs.copyFileSync(path.join(FILES, "grafana/grafana.ini"), path.join(root, "etc/grafana/grafana.ini"));
                    fs.chmodSync(files.hostPath("/var/lib/grafana"), 0o777);
                    port.value = await freePort();
                });

                /** Grafana as the image starts it: /run.sh with the image's GF_PATHS_* and the container's environment. */
                function start(extra: NodeJS.ProcessEnv = {}): StandIn {
                    const env: NodeJS.ProcessEnv = {
                        PATH: `${path.join(FILES, "grafana")}:/usr/sbin:/usr/bin:/sbin:/bin`,
                        GF_PATHS_CONFIG: files.hostPath("/etc/grafana/grafana.ini"),
                        GF_PATHS_DATA: files.hostPath("/var/lib/grafana"),
                        GF_PATHS_HOME: home,
                        GF_PATHS_LOGS: files.hostPath("/var/log/grafana"),
                        GF_PATHS_PLUGINS: files.hostPath("/var/lib/grafana/plugins"),
                        GF_PATHS_PROVISIONING: files.hostPath("/etc/grafana/provisioning"),
                    };
                    for (const [key, value] of Object.entries(grafana.env)) env[key] = value.startsWith("/") ? files.hostPath(value) : value;
                    env.GF_SERVER_HTTP_PORT = String(port.value);
                    env.GF_SERVER_HTTP_ADDR = "127.0.0.1";
                    return new StandIn("grafana", path.join(FILES, "grafana/run.sh"), [], { ...env, ...extra }, GRAFANA_USER);
                }

                it("starts on the program's files, having read each one, and passes its container's healthcheck", async function () {
                    const grafanaStandIn = start();
                    try {
                        await grafanaStandIn.ready();
                        for (const file of uploadedFiles(grafana)) {
                            expect(grafanaStandIn.output, `the start line names ${file}`).to.include(files.hostPath(file));
                        }
                        expect(grafanaStandIn.output).to.include(files.hostPath("/var/lib/grafana") + "/");
                        const check = healthcheck(grafana, 3000, port.value);
                        expect(check.status, check.output).to.equal(0);
                    } finally {
                        expect((await grafanaStandIn.stop()).code, "exit code after SIGTERM").to.equal(0);
                    }
                });

                it(`serves /api/health, /metrics and the login redirect over TLS with the certificate for "grafana", refusing TLS below the minimum`, async function () {
                    const grafanaStandIn = start();
                    try {
                        await grafanaStandIn.ready();
                        const health = await request(port.value, "/api/health", { ca: ca.caPem, servername: "grafana" });
                        expect(health.status).to.equal(200);
                        expect(JSON.parse(health.body)).to.include({ database: "ok", version: "12.2.1" });
                        expect(health.headers["strict-transport-security"], "GF_SECURITY_STRICT_TRANSPORT_SECURITY").to.match(/^max-age=/);
                        const metrics = await request(port.value, "/metrics", { ca: ca.caPem, servername: "grafana" });
                        expect(metrics.status).to.equal(200);
                        expect(expectExposition(metrics.body, "Grafana /metrics")).to.include("grafana_build_info");
                        const dashboards = grafana.uploads.filter((u) => u.file.endsWith(".json")).length;
                        expect(metrics.body).to.match(new RegExp(`^grafana_stat_totals_dashboard ${dashboards}\\.0$`, "m"));
                        const home = await request(port.value, "/", { ca: ca.caPem, servername: "grafana" });
                        expect([home.status, home.headers.location]).to.deep.equal([302, "/login"]);
                        expect((await request(port.value, "/login", { ca: ca.caPem, servername: "grafana" })).status).to.equal(200);
                        await expectRefusedBelowMinimum(grafanaStandIn, port.value, ca.caPem, "grafana", minimum);
                    } finally {
                        await grafanaStandIn.stop();
                    }
                });

                const broken: { file: string; how: "remove" | "unreadable" | "world-readable"; expect: RegExp }[] = [
                    { file: "/etc/grafana/tls/tls.key", how: "remove", expect: /tls\.key: \(\[server\] cert_file\/cert_key private key\) does not exist/ },
                    { file: "/etc/grafana/tls/tls.crt", how: "unreadable", expect: /tls\.crt: \(\[server\] cert_file\/cert_key certificate\) is not readable by uid \d+/ },
                    { file: "/etc/grafana/tls/ca.crt", how: "remove", expect: /ca\.crt: \(.*datasources\.yml: datasources\.\d\.secureJsonData\.tlsCACert\) does not exist/ },
                    { file: "/run/secrets/grafana-admin-password", how: "unreadable", expect: /grafana-admin-password: \(\$GF_SECURITY_ADMIN_PASSWORD__FILE\) is not readable by uid \d+ gid \d+ \(owner \d+:\d+, mode 0000\)/ },
                    { file: "/run/secrets/prometheus-password", how: "world-readable", expect: /prometheus-password: \(.*basicAuthPassword\) is a secret readable or writable beyond its owner \(owner \d+:\d+, mode 0444\)/ },
                    { file: "/etc/grafana/tls/tls.key", how: "world-readable", expect: /tls\.key: \(.*private key\) is a secret readable or writable beyond its owner/ },
                    { file: "/var/lib/grafana-dashboards/overview.json", how: "unreadable", expect: /overview\.json: \(dashboard of provider 'service-stack'\) is not readable/ },
                    { file: "/etc/grafana/provisioning/dashboards/dashboards.yml", how: "unreadable", expect: /dashboards\.yml: \(dashboard provisioning\) is not readable/ },
                ];
                for (const { file, how, expect: message } of broken) {
                    it(`refuses to start, naming the file, when ${file} is ${how === "remove" ? "missing" : how}`, async function () {
                        if (how === "unreadable" && !IS_ROOT) this.skip(); // only a non-root stand-in is refused by mode 0000
                        const failed = await withBroken(files.hostPath(file), how, async () => {
                            const standIn = start();
                            return { exit: await standIn.failure(), output: standIn.output };
                        });
                        expect(failed.exit.code, failed.output).to.equal(1);
                        expect(failed.output).to.match(message);
                        expect(failed.output).to.match(/refusing to start: \d+ problem\(s\)/);
                    });
                }

                it("refuses to start when the data volume is not writable by its user (where Grafana writes grafana.db)", async function () {
                    if (!IS_ROOT) this.skip();
                    const data = files.hostPath("/var/lib/grafana");
                    fs.chmodSync(data, 0o555);
                    try {
                        const standIn = start();
                        const exit = await standIn.failure();
                        expect(exit.code, standIn.output).to.equal(1);
                        expect(standIn.output).to.include(`GF_PATHS_DATA='${data}' is not writable.`);
                        expect(standIn.output).to.match(/var\/lib\/grafana: \(paths\.data \(the SQLite database\)\) is not writable by uid 472 gid 0/);
                    } finally {
                        fs.chmodSync(data, 0o777);
                    }
                });

                it("refuses an empty admin password file (run.sh would export nothing and Grafana keep admin/admin)", async function () {
                    const secret = files.hostPath("/run/secrets/grafana-admin-password");
                    const saved = fs.readFileSync(secret, "utf8");
                    rewrite(secret, "\n");
                    try {
                        const standIn = start();
                        const exit = await standIn.failure();
                        expect(exit.code, standIn.output).to.equal(1);
                        expect(standIn.output).to.match(/grafana-admin-password: \(\$GF_SECURITY_ADMIN_PASSWORD__FILE\) is empty/);
                    } finally {
                        rewrite(secret, saved);
                    }
                });

                it("refuses a GF_ variable that names no Grafana setting (Grafana would silently ignore it)", async function () {
                    const standIn = start({ GF_SERVER_CERT_KEYFILE: "/etc/grafana/tls/tls.key" });
                    const exit = await standIn.failure();
                    expect(exit.code, standIn.output).to.equal(1);
                    expect(standIn.output).to.match(/GF_SERVER_CERT_KEYFILE: matches no setting of .*defaults\.ini/);
                });
            });

            describe("Jaeger", function () {
                let jaeger: RenderedContainer;
                let files: Materialised;
                let configFile: string;
                let original: string;
                /** Container port -> host port of each listener the config names. */
                const ports = new Map<number, number>();

                before(async function () {
                    jaeger = stack.containers.jaeger!;
                    const root = path.join(scratch, target.stack, "jaeger");
                    files = materialise(jaeger, { root, ca, stack, hostUser: JAEGER_USER });
                    configFile = files.hostPath(jaeger.command[jaeger.command.indexOf("--config") + 1]!);
                    // Listen addresses are the host's to choose: every endpoint moves to a free loopback port.
                    const config = parse(fs.readFileSync(configFile, "utf8")) as unknown;
                    const move = async (endpoint: string) => {
                        const from = Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
                        if (!ports.has(from)) ports.set(from, await freePort());
                        return `127.0.0.1:${ports.get(from)}`;
                    };
                    const walk = async (node: unknown): Promise<void> => {
                        if (!node || typeof node !== "object") return;
                        const record = node as Record<string, unknown>;
                        for (const [key, value] of Object.entries(record)) {
                            if (key === "endpoint" && typeof value === "string") record[key] = await move(value);
                            else if (key === "prometheus" && value && typeof value === "object") {
                                const exporter = value as { host: string; port: number };
                                const moved = await move(`${exporter.host}:${exporter.port}`);
                                exporter.host = "127.0.0.1";
                                exporter.port = Number(moved.split(":")[1]);
                            } else await walk(value);
                        }
                    };
                    await walk(config);
                    original = stringify(config);
                    rewrite(configFile, original);
                });

                function start(): StandIn {
                    return new StandIn("jaeger", path.join(FILES, "jaeger/jaeger-linux"), jaeger.command.map((a) => (a.startsWith("/") ? files.hostPath(a) : a)), {}, JAEGER_USER);
                }

                it("starts on the program's config, having read each TLS file, and passes its container's healthcheck", async function () {
                    const standIn = start();
                    try {
                        await standIn.ready();
                        for (const file of uploadedFiles(jaeger).filter((f) => !f.endsWith("ca.crt"))) {
                            expect(standIn.output, `the start line names ${file}`).to.include(files.hostPath(file));
                        }
                        const check = healthcheck(jaeger, 13133, ports.get(13133)!);
                        expect(check.status, check.output).to.equal(0);
                    } finally {
                        expect((await standIn.stop()).code, "exit code after SIGTERM").to.equal(0);
                    }
                });

                it(`serves OTLP (gRPC handshake with h2, HTTP POST /v1/traces), the UI and metrics, TLS ones with the certificate for "jaeger", refusing TLS below the minimum`, async function () {
                    const standIn = start();
                    try {
                        await standIn.ready();
                        const grpc = await handshake(ports.get(4317)!, ca.caPem, "jaeger", { min: TLS_AT[minimum]!, max: "TLSv1.3" }, ["h2"]);
                        expect(grpc.alpn, "OTLP gRPC negotiates h2").to.equal("h2");
                        const traces = await request(ports.get(4318)!, "/v1/traces", {
                            ca: ca.caPem, servername: "jaeger", method: "POST", headers: { "Content-Type": "application/json" },
                            body: JSON.stringify({ resourceSpans: [] }),
                        });
                        expect(traces.status, traces.body).to.equal(200);
                        const ui = await request(ports.get(16686)!, "/", { ca: ca.caPem, servername: "jaeger" });
                        expect(ui.status).to.equal(200);
                        const metrics = await request(ports.get(8888)!, "/metrics");
                        expect(metrics.status).to.equal(200);
                        expect(expectExposition(metrics.body, "Jaeger /metrics")).to.include("otelcol_receiver_accepted_requests_total");
                        expect(metrics.body).to.match(/^otelcol_receiver_accepted_requests_total\{receiver="otlp",transport="http"\} 1\.0$/m);
                        for (const tlsPort of [4317, 4318, 16686]) {
                            await expectRefusedBelowMinimum(standIn, ports.get(tlsPort)!, ca.caPem, "jaeger", minimum, tlsPort === 4317 ? ["h2"] : undefined);
                        }
                    } finally {
                        await standIn.stop();
                    }
                });

                const broken: { file: string; how: "remove" | "unreadable" | "world-readable"; expect: RegExp }[] = [
                    { file: "/etc/jaeger/tls/tls.key", how: "remove", expect: /tls\.key: \(.*receivers\.otlp\.protocols\.grpc\.tls private key\) does not exist/ },
                    { file: "/etc/jaeger/tls/tls.crt", how: "unreadable", expect: /tls\.crt: \(.*\.tls certificate\) is not readable by uid 10001 gid 10001 \(owner 0:0, mode 0000\)/ },
                    { file: "/etc/jaeger/tls/tls.key", how: "world-readable", expect: /tls\.key: \(.*private key\) is a secret readable or writable beyond its owner \(owner 10001:10001, mode 0444\)/ },
                    { file: "/etc/jaeger/config.yml", how: "remove", expect: /config\.yml: \(--config\) does not exist/ },
                ];
                for (const { file, how, expect: message } of broken) {
                    it(`refuses to start, naming the file, when ${file} is ${how === "remove" ? "missing" : how}`, async function () {
                        if (how === "unreadable" && !IS_ROOT) this.skip();
                        const failed = await withBroken(files.hostPath(file), how, async () => {
                            const standIn = start();
                            return { exit: await standIn.failure(), output: standIn.output };
                        });
                        expect(failed.exit.code, failed.output).to.equal(1);
                        expect(failed.output).to.match(message);
                    });
                }

                it("refuses a configuration Jaeger would refuse: an undefined exporter, an unknown key, a storage that is not a backend", async function () {
                    const config = parse(original) as {
                        service: { pipelines: { traces: { exporters: string[] } } };
                        receivers: { otlp: { protocols: { http: Record<string, unknown> } } };
                        extensions: { jaeger_query: { storage: { traces: string } } };
                    };
                    config.service.pipelines.traces.exporters.push("otlp/elsewhere");
                    config.receivers.otlp.protocols.http.endpont = "0.0.0.0:4318";
                    config.extensions.jaeger_query.storage.traces = "nowhere";
                    rewrite(configFile, stringify(config));
                    try {
                        const standIn = start();
                        const exit = await standIn.failure();
                        expect(exit.code, standIn.output).to.equal(1);
                        expect(standIn.output).to.match(/service\.pipelines\.traces\.exporters: references exporter 'otlp\/elsewhere', which is not configured/);
                        expect(standIn.output).to.match(/receivers\.otlp\.protocols\.http: has invalid keys: endpont/);
                        expect(standIn.output).to.match(/extensions\.jaeger_query\.storage\.traces: 'nowhere' is not a jaeger_storage backend/);
                    } finally {
                        rewrite(configFile, original);
                    }
                });
            });
        });
    }

    describe("cAdvisor's flags, on this host", function () {
        it("takes the program's command line, and refuses an undefined flag or metric kind as cAdvisor v0.52.1 does", async function () {
            const stack = await renderedStack("dev");
            const command = stack.containers.cadvisor!.command;
            const run = (args: readonly string[]) => spawnSync(PYTHON, [path.join(FILES, "cadvisor/cadvisor"), ...args], {
                encoding: "utf8", env: { PYTHONPATH: path.join(FILES, "standin"), PYTHONDONTWRITEBYTECODE: "1" }, timeout: 20000,
            });
            // An unreachable Docker API is the first thing it then reports: the flags themselves parsed.
            const program = run(["-logtostderr", ...command, "--docker=unix:///nonexistent/docker.sock"]);
            expect(program.status, program.stderr).to.equal(1);
            expect(program.stderr).to.match(/unix:\/\/\/nonexistent\/docker\.sock: \(--docker\) the Docker API does not answer/);
            const undefinedFlag = run([...command, "--docker_only_typo=true"]);
            expect(undefinedFlag.status, undefinedFlag.stderr).to.equal(2);
            expect(undefinedFlag.stderr).to.include("flag provided but not defined: -docker_only_typo");
            const badMetric = run(["--disable_metrics=percpu,diskio"]);
            expect(badMetric.status, badMetric.stderr).to.equal(2);
            expect(badMetric.stderr).to.include('unsupported metric "diskio" specified');
        });
    });

    describe("the stand-in images on the Docker engine", function () {
        this.timeout(1800000);
        const PREFIX = "standins-test-";
        let engine: Engine;
        const images = new Map<string, Recipe>();
        const stacks = new Map<string, RenderedStack>();
        let ca: TestCa;
        /** Container name -> ID of each stand-in started. */
        const started: Record<string, string> = {};

        /** Everything this suite creates is named with PREFIX: leftovers of an earlier run go first. */
        async function removeOurs(): Promise<void> {
            const containers = await docker(engine, ["ps", "-aq", "--filter", `name=^${PREFIX}`]);
            const ids = containers.stdout.split("\n").filter(Boolean);
            if (ids.length > 0) await docker(engine, ["rm", "-f", "-v", ...ids], { allowFailure: true });
            const volumes = await docker(engine, ["volume", "ls", "-q", "--filter", `name=^${PREFIX}`]);
            const names = volumes.stdout.split("\n").filter(Boolean);
            if (names.length > 0) await docker(engine, ["volume", "rm", "-f", ...names], { allowFailure: true });
        }

        before(async function () {
            engine = await startEngine();
            await removeOurs();
            for (const recipe of loadRecipes().filter((r) => ["grafana", "jaeger", "cadvisor"].includes(r.name))) {
                await ensureImage(engine, recipe);
                images.set(recipe.name, recipe);
            }
            expect([...images.keys()].sort()).to.deep.equal(["cadvisor", "grafana", "jaeger"]);
            for (const target of DOCKER_TARGETS) stacks.set(target.stack, await renderedStack(target.stack, target.overrides));
            ca = new TestCa(openssl(), path.join(scratch, "engine", "ca"));
        });

        after(async function () {
            if (!engine) return;
            await removeOurs();
            await engine.stop();
        });

        it("each image passes its recipe's checks (user, paths, modes, Python with PyYAML and TLS 1.3, GNU wget)", async function () {
            for (const recipe of images.values()) {
                for (const check of recipe.checks) {
                    const [entrypoint, ...args] = check.argv;
                    const run = await docker(engine, ["run", "--rm", "--network", "none", ...(check.user ? ["--user", check.user] : []), "--entrypoint", entrypoint!, recipe.standsInFor[0]!, ...args], { allowFailure: true });
                    expect(run.stdout + run.stderr, `${recipe.name}: ${check.argv.join(" ")}`).to.match(check.expect);
                }
            }
        });

        /**
         * The container as the program declares it, on the engine: its files (real certificates) bind-mounted read-only
         * at the directories the program mounts volumes on (fileRoots), owners and modes as the carrier writes them.
         */
        async function run(stack: RenderedStack, container: RenderedContainer, extra: readonly string[] = []): Promise<string> {
            const root = path.join(scratch, "engine", stack.stack, container.name);
            const user = container.user.split(":").map(Number);
            materialise(container, { root, ca, stack, hostUser: { uid: user[0]!, gid: user[1] ?? user[0]! } });
            // materialise moves container paths under root for runs on this host; in a container they stay as declared.
            for (const upload of container.uploads) {
                const file = path.join(root, upload.file);
                const content = fs.readFileSync(file, "utf8");
                if (content.includes(root)) rewrite(file, content.split(root).join(""));
            }
            const name = `${PREFIX}${container.name}-${stack.stack}`;
            const args = ["run", "-d", "--name", name, "--user", container.user, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true",
                "--network", "none", "--tmpfs", "/tmp:rw,noexec,nosuid,size=64m"];
            for (const [key, value] of Object.entries(container.env)) args.push("--env", `${key}=${value}`);
            for (const dir of fileRoots(container.uploads.map((u) => u.file))) args.push("--mount", `type=bind,source=${path.join(root, dir)},target=${dir},readonly`);
            const image = images.get(container.name)!;
            const id = (await docker(engine, [...args, ...extra, image.standsInFor[0]!, ...container.command])).stdout.trim();
            started[name] = id;
            return name;
        }

        /** Runs the container's own healthcheck command in it until it passes (the program's start period is 30-60 s). */
        async function expectHealthy(container: RenderedContainer, name: string): Promise<void> {
            const [kind, ...command] = container.healthcheck;
            expect(kind).to.equal("CMD");
            const deadline = Date.now() + 60000;
            let last = "";
            for (;;) {
                const check = await docker(engine, ["exec", name, ...command], { allowFailure: true });
                if (check.code === 0) return;
                last = `exit ${check.code}: ${check.stdout}${check.stderr}`;
                const state = await docker(engine, ["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name], { allowFailure: true });
                if (Date.now() > deadline || !state.stdout.startsWith("running")) {
                    const logs = await docker(engine, ["logs", name], { allowFailure: true });
                    throw new Error(`${name} (${state.stdout.trim()}) did not pass \`${command.join(" ")}\` (${last}); its log:\n${tail(logs.stdout + logs.stderr, 40)}`);
                }
                await sleep(1000);
            }
        }

        async function logsOf(name: string): Promise<string> {
            const logs = await docker(engine, ["logs", name]);
            return logs.stdout + logs.stderr;
        }

        for (const target of DOCKER_TARGETS) {
            it(`Grafana (${target.label}) runs as 472:0 with the program's environment and files, its data volume writable, and passes its healthcheck`, async function () {
                const stack = stacks.get(target.stack)!;
                const grafana = stack.containers.grafana!;
                const volume = `${PREFIX}grafana-data-${target.stack}`;
                const name = await run(stack, grafana, ["--mount", `type=volume,source=${volume},target=/var/lib/grafana`]);
                await expectHealthy(grafana, name);
                const log = await logsOf(name);
                for (const upload of grafana.uploads) expect(log, `the start line names ${upload.file}`).to.include(upload.file);
                expect(log).to.include(`min TLSv1_${stack.settings.tls.minVersion.split(".")[1]}`);
                // A fresh volume takes the image's /var/lib/grafana (472:0, 777): Grafana's user writes its database there.
                const data = await docker(engine, ["exec", name, "sh", "-c", "id -u; id -g; stat -c '%u:%g %a' /var/lib/grafana; echo probe > /var/lib/grafana/standins-probe && echo written"]);
                expect(data.stdout).to.equal("472\n0\n472:0 777\nwritten\n");
            });

            it(`Jaeger (${target.label}) runs as 10001:10001 with the program's command and config and passes its healthcheck`, async function () {
                const stack = stacks.get(target.stack)!;
                const jaeger = stack.containers.jaeger!;
                const name = await run(stack, jaeger);
                await expectHealthy(jaeger, name);
                const tls = `TLSv1_${stack.settings.tls.minVersion.split(".")[1]}`;
                expect(await logsOf(name)).to.match(new RegExp(`listening: .*OTLP gRPC \\(otlp\\) on 0\\.0\\.0\\.0:4317 \\(tls, min ${tls}\\).*healthcheckv2 \\(/status\\) on 127\\.0\\.0\\.1:13133 \\(plain\\)`));
                const id = await docker(engine, ["exec", name, "id"]);
                expect(id.stdout.trim()).to.equal("uid=10001 gid=10001 groups=10001");
            });
        }

        it("cAdvisor runs as root without capabilities on read-only host mounts, passes its healthcheck and reports the running containers from the Docker API", async function () {
            const stack = stacks.get("dev")!;
            const cadvisor = stack.containers.cadvisor!;
            if (!engine.dockerHost.startsWith("unix://")) this.skip(); // the host mounts need the engine on this machine
            const socket = engine.dockerHost.slice("unix://".length);
            const dataRoot = (await docker(engine, ["info", "--format", "{{.DockerRootDir}}"])).stdout.trim();
            // The program mounts the Docker host's /, /sys, /var/lib/docker and docker.sock; here the host is this machine
            // and the engine's own data root and socket stand for the last two.
            const mounts: Record<string, string> = { "/": "/rootfs", "/sys": "/sys", [dataRoot]: "/var/lib/docker", [socket]: "/var/run/docker.sock" };
            const extra = Object.entries(mounts).flatMap(([source, target]) => ["--mount", `type=bind,source=${source},target=${target},readonly`]);
            const name = await run(stack, cadvisor, extra);
            await expectHealthy(cadvisor, name);
            const metrics = await docker(engine, ["exec", name, "wget", "-q", "-O", "-", "http://127.0.0.1:8080/metrics"]);
            const names = expectExposition(metrics.stdout, "cAdvisor /metrics");
            expect(names).to.include("container_start_time_seconds");
            expect(Object.keys(started).length, "stand-ins running beside cAdvisor").to.be.at.least(2);
            for (const [running, id] of Object.entries(started)) {
                const created = (await docker(engine, ["inspect", "--format", "{{.Created}}", id])).stdout.trim();
                const line = new RegExp(`^container_start_time_seconds\\{id="/docker/${id}",image="[^"]+",name="${running}"\\} (\\d+)\\.0$`, "m").exec(metrics.stdout);
                expect(line, `a container_start_time_seconds series for ${running}:\n${metrics.stdout}`).to.not.equal(null);
                // cAdvisor's start time of a Docker container is its creation time (container/docker/handler.go).
                expect(Number(line![1])).to.equal(Math.floor(Date.parse(created) / 1000));
            }
            expect(await logsOf(name)).to.match(/in a container: \/rootfs/);
        });
    });
});
