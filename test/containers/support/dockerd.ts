/**
 * The Docker engine the container suite runs on: the one DOCKER_HOST names, or a dockerd of our own.
 *
 * Our own daemon is sid's dockerd unpacked by `.ci/install-engine.sh` (fallback: a `dockerd` on PATH), isolated from
 * every other daemon on the machine: its own socket, pidfile, exec-root and config file under a temp dir, its own
 * address pool and cgroup parent, its own containerd namespace, and a data-root in the machine's cache so the images we
 * build survive between runs.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

export interface Engine {
    /** `unix:///…/docker.sock` (or whatever DOCKER_HOST said). */
    readonly dockerHost: string;
    /** The server's version, e.g. `28.5.2+dfsg4`. */
    readonly version: string;
    /** `overlay2` or `vfs` (or the DOCKER_HOST engine's driver). */
    readonly storageDriver: string;
    /** True when this process started the daemon (and `stop` stops it). */
    readonly ownDaemon: boolean;
    /** Stops our daemon and waits for it and its children to exit; does nothing for a DOCKER_HOST engine. */
    stop(): Promise<void>;
}

/** Where install-engine.sh unpacks the engine (SERVICE_STACK_ENGINE_PREFIX overrides, as in the script). */
export function enginePrefix(): string {
    return process.env.SERVICE_STACK_ENGINE_PREFIX ?? "/opt/service-stack-engine";
}

/** The machine's cache for everything the container suite keeps between runs (engine data, images, base rootfs). */
export function cacheRoot(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "service-stack");
}

/** A pool no other daemon here uses (Docker's defaults are 172.17–31/16 and 192.168/16), so networks never overlap. */
const DEFAULT_ADDRESS_POOL = "base=10.213.0.0/16,size=24";
const PING_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

export interface CommandResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface RunOptions {
    /** Written to the command's stdin. */
    readonly input?: string | Buffer;
    /** A file streamed to the command's stdin (large tarballs). */
    readonly inputFile?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
    readonly timeoutMs?: number;
    /** Return a non-zero exit instead of throwing. */
    readonly allowFailure?: boolean;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/** Runs a command, capturing (the last 4 MiB of) stdout and stderr; throws on a non-zero exit unless `allowFailure`. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const keep = (buffer: string, chunk: Buffer) => {
            const joined = buffer + chunk.toString("utf8");
            return joined.length > MAX_CAPTURE ? joined.slice(joined.length - MAX_CAPTURE) : joined;
        };
        child.stdout.on("data", (c: Buffer) => { stdout = keep(stdout, c); });
        child.stderr.on("data", (c: Buffer) => { stderr = keep(stderr, c); });
        const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : undefined;
        child.on("error", (err) => {
            if (timer) clearTimeout(timer);
            reject(new Error(`${command}: ${err.message}`));
        });
        child.on("close", (code, signal) => {
            if (timer) clearTimeout(timer);
            const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
            if (result.code !== 0 && !options.allowFailure) {
                reject(new Error(`\`${[command, ...args].join(" ")}\` exited ${signal ?? result.code}:\n${tail(stderr || stdout, 30)}`));
            } else {
                resolve(result);
            }
        });
        child.stdin.on("error", () => { /* the command may exit before reading all input; its exit code tells */ });
        if (options.inputFile) {
            fs.createReadStream(options.inputFile).on("error", reject).pipe(child.stdin);
        } else {
            child.stdin.end(options.input ?? "");
        }
    });
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines: number): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Runs the docker CLI against the engine (`docker(engine, ["ps", "-a"])`). */
export function docker(engine: Pick<Engine, "dockerHost">, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return runCommand("docker", args, { ...options, env: { ...(options.env ?? process.env), DOCKER_HOST: engine.dockerHost } });
}

/** The engine DOCKER_HOST names, or our own daemon started now. */
export async function startEngine(): Promise<Engine> {
    const host = process.env.DOCKER_HOST;
    if (host) return externalEngine(host);
    return ownEngine();
}

async function externalEngine(dockerHost: string): Promise<Engine> {
    const target = { dockerHost };
    const version = await docker(target, ["version", "--format", "{{.Server.Version}}"], { allowFailure: true, timeoutMs: 30_000 });
    if (version.code !== 0) {
        throw new Error(`no Docker engine answers at DOCKER_HOST=${dockerHost}:\n${tail(version.stderr, 10)}`);
    }
    const driver = await docker(target, ["info", "--format", "{{.Driver}}"], { timeoutMs: 30_000 });
    return { dockerHost, version: version.stdout.trim(), storageDriver: driver.stdout.trim(), ownDaemon: false, stop: async () => {} };
}

/** The dockerd binary to start and the PATH it needs (containerd, shims, docker-proxy, docker-init beside it). */
function findDockerd(): { binary: string; pathDirs: string[] } {
    const prefix = enginePrefix();
    const own = path.join(prefix, "usr/sbin/dockerd");
    if (isExecutable(own)) return { binary: own, pathDirs: [path.join(prefix, "usr/sbin"), path.join(prefix, "usr/bin")] };
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, "dockerd");
        if (dir && isExecutable(candidate)) return { binary: candidate, pathDirs: [] };
    }
    throw new Error(`no Docker engine: run \`bash .ci/install-engine.sh\` or set DOCKER_HOST (no ${own} and no dockerd on PATH)`);
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * One daemon per data-root: a second dockerd (or its containerd) on the same directory corrupts or blocks it. The lock
 * names this process and, once started, its dockerd. A lock whose process is gone is taken over, unless the dockerd it
 * names still runs on the data-root (its run was killed before it could stop it): that one is named, not touched.
 */
function lockDataRoot(dataRoot: string): { setDaemon(pid: number): void; release(): void } {
    const file = `${dataRoot}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(file, String(process.pid), { flag: "wx" });
            return {
                setDaemon: (pid) => fs.writeFileSync(file, `${process.pid} ${pid}`),
                release: () => fs.rmSync(file, { force: true }),
            };
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
            const [holder, daemon] = fs.readFileSync(file, "utf8").trim().split(" ").map(Number);
            if (holder && holder !== process.pid && pidAlive(holder)) {
                throw new Error(`another service-stack engine (process ${holder}) is using ${dataRoot}; wait for it, or point DOCKER_HOST at a running engine`);
            }
            if (daemon && pidAlive(daemon) && commandLine(daemon).includes(dataRoot)) {
                throw new Error(`a dockerd left by an earlier run (process ${daemon}) still uses ${dataRoot}: stop it (kill ${daemon}) and run again`);
            }
            fs.rmSync(file, { force: true });
        }
    }
    throw new Error(`could not lock ${dataRoot}`);
}

function commandLine(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
        return "";
    }
}

async function ownEngine(): Promise<Engine> {
    const { binary, pathDirs } = findDockerd();
    const dataRoot = process.env.SERVICE_STACK_ENGINE_DATA_ROOT ?? path.join(cacheRoot(), "engine");
    fs.mkdirSync(dataRoot, { recursive: true });
    const lock = lockDataRoot(dataRoot);
    const requested = process.env.SERVICE_STACK_ENGINE_STORAGE_DRIVER;
    const drivers = requested ? [requested] : ["overlay2", "vfs"];
    const failures: string[] = [];
    try {
        for (const driver of drivers) {
            const started = await startDaemon(binary, pathDirs, dataRoot, driver, (pid) => lock.setDaemon(pid));
            if ("engine" in started) {
                const engine = started.engine;
                return { ...engine, stop: async () => { try { await engine.stop(); } finally { lock.release(); } } };
            }
            failures.push(`with --storage-driver=${driver}: ${started.failure}`);
        }
    } catch (err) {
        lock.release();
        throw err;
    }
    lock.release();
    throw new Error(`our dockerd (${binary}) did not start:\n${failures.join("\n")}`);
}

type StartResult = { engine: Engine } | { failure: string };

async function startDaemon(binary: string, pathDirs: string[], dataRoot: string, driver: string, started: (pid: number) => void): Promise<StartResult> {
    // Short temp path: containerd's socket lives under exec-root and unix socket paths are limited to 108 bytes.
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "ss-engine-"));
    const socket = path.join(runDir, "docker.sock");
    const logFile = path.join(runDir, "dockerd.log");
    const configFile = path.join(runDir, "daemon.json");
    // An empty config file: the machine's /etc/docker/daemon.json must not reach our daemon.
    fs.writeFileSync(configFile, "{}\n");
    const args = [
        "--config-file", configFile,
        "--host", `unix://${socket}`,
        "--pidfile", path.join(runDir, "docker.pid"),
        "--exec-root", path.join(runDir, "exec"),
        "--data-root", dataRoot,
        "--storage-driver", driver,
        // Warnings and errors only: a failed start is then explained by the last lines of the log.
        "--log-level", "warn",
        "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--bridge=none",
        "--default-address-pool", process.env.SERVICE_STACK_ENGINE_ADDRESS_POOL ?? DEFAULT_ADDRESS_POOL,
        // Containers of this daemon live in a cgroup of their own (one per daemon, so a forced stop ends exactly
        // its containers) and in their own containerd namespace: nothing of another daemon's is ever touched.
        "--cgroup-parent", cgroupParent(runDir),
        "--containerd-namespace", "service-stack",
        "--containerd-plugins-namespace", "service-stack-plugins",
    ];
    const log = fs.openSync(logFile, "a");
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: [...pathDirs, process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"].join(path.delimiter) };
    delete env.DOCKER_HOST;
    // Its own process group: stop() can signal dockerd and the containerd it starts together.
    const child = spawn(binary, args, { detached: true, stdio: ["ignore", log, log], env });
    fs.closeSync(log);
    if (child.pid) started(child.pid);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // If this process exits without stop() (a test runner ending early), the daemon still stops, synchronously.
    const killOnExit = () => stopSync(child.pid, runDir, dataRoot);
    process.on("exit", killOnExit);

    const cleanup = async () => {
        await stopProcessGroup(child, exited, runDir);
        process.removeListener("exit", killOnExit);
        await removeRunDir(runDir, dataRoot);
    };

    const ready = await Promise.race([
        waitForPing(socket, PING_TIMEOUT_MS).then(() => "ready" as const),
        exited.then(() => "exited" as const),
    ]);
    if (ready !== "ready") {
        const logTail = readTail(logFile, 25);
        await cleanup();
        return { failure: ready === "exited" ? `dockerd exited; its last log lines:\n${logTail}` : `no answer on ${socket} in ${PING_TIMEOUT_MS / 1000}s; its last log lines:\n${logTail}` };
    }
    const dockerHost = `unix://${socket}`;
    const version = (await docker({ dockerHost }, ["version", "--format", "{{.Server.Version}}"])).stdout.trim();
    const storageDriver = (await docker({ dockerHost }, ["info", "--format", "{{.Driver}}"])).stdout.trim();
    let stopped = false;
    return {
        engine: {
            dockerHost,
            version,
            storageDriver,
            ownDaemon: true,
            stop: async () => {
                if (stopped) return;
                stopped = true;
                await cleanup();
            },
        },
    };
}

function waitForPing(socket: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
        const attempt = () => {
            const req = http.get({ socketPath: socket, path: "/_ping", timeout: 2000 }, (res) => {
                res.resume();
                if (res.statusCode === 200) resolve();
                else retry();
            });
            req.on("error", retry);
            req.on("timeout", () => req.destroy());
        };
        const retry = () => {
            if (Date.now() > deadline) reject(new Error("timeout"));
            else setTimeout(attempt, 200);
        };
        attempt();
    });
}

/** SIGTERM to dockerd (it stops its containers and containerd), SIGKILL to the whole group after the grace period. */
async function stopProcessGroup(child: ChildProcess, exited: Promise<number | null>, runDir: string): Promise<void> {
    const pid = child.pid;
    if (pid && child.exitCode === null && child.signalCode === null) {
        try { process.kill(pid, "SIGTERM"); } catch { /* gone */ }
        let timer: NodeJS.Timeout | undefined;
        const graceful = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), STOP_GRACE_MS); })]);
        // A pending grace timer would keep the test process alive for the whole period after a clean stop.
        clearTimeout(timer);
        if (!graceful) {
            try { process.kill(-pid, "SIGKILL"); } catch { /* gone */ }
            await exited;
        }
    }
    if (pid) {
        // containerd is in dockerd's group; after a clean stop it is gone too, after a SIGKILL it must be.
        try { process.kill(-pid, "SIGKILL"); } catch { /* the group is empty */ }
    }
    // Shims re-parent themselves; after a forced stop they and their containers outlive the daemon. They all name
    // our run dir (the containerd address) on their command line or sit in our cgroup parent: end exactly those.
    for (const orphan of processesOf(runDir)) {
        try { process.kill(orphan, "SIGKILL"); } catch { /* gone */ }
    }
    const deadline = Date.now() + 10_000;
    while (processesOf(runDir).length > 0 && Date.now() < deadline) await sleep(100);
}

/** stop() for an `exit` handler, where nothing asynchronous runs: the same steps, waiting by sleeping. */
function stopSync(pid: number | undefined, runDir: string, dataRoot: string): void {
    const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    // A zombie (exited, not yet reaped: nothing reaps in an exit handler) counts as gone.
    const running = (p: number) => pidAlive(p) && !/^\d+ \(.*\) Z/.test(readFileOr(`/proc/${p}/stat`));
    if (pid && running(pid)) {
        try { process.kill(pid, "SIGTERM"); } catch { /* gone */ }
        for (const deadline = Date.now() + STOP_GRACE_MS; running(pid) && Date.now() < deadline;) sleepSync(100);
        try { process.kill(-pid, "SIGKILL"); } catch { /* the group is empty */ }
    }
    for (const orphan of processesOf(runDir)) {
        try { process.kill(orphan, "SIGKILL"); } catch { /* gone */ }
    }
    for (const mountPoint of mountsUnder([runDir, dataRoot])) spawnSync("umount", ["-l", mountPoint]);
    removeCgroups(runDir);
    if (mountsUnder([runDir]).length === 0) fs.rmSync(runDir, { recursive: true, force: true });
    fs.rmSync(`${dataRoot}.lock`, { force: true });
}

function readFileOr(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return "";
    }
}

/** The cgroup parent of one daemon's containers: named after its run dir, unique on the machine. */
function cgroupParent(runDir: string): string {
    return `service-stack-engine-${path.basename(runDir)}`;
}

/** Pids whose command line names our run dir, or that are in our daemon's cgroup parent. */
function processesOf(runDir: string): number[] {
    const pids = new Set<number>();
    const inParent = `:/${cgroupParent(runDir)}/`;
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
            const cgroup = fs.readFileSync(`/proc/${entry}/cgroup`, "utf8");
            if (cmdline.includes(runDir) || cgroup.includes(inParent)) pids.add(Number(entry));
        } catch {
            /* exited meanwhile */
        }
    }
    return [...pids];
}

/** The (empty, once its processes are gone) cgroup directories runc created under our parent, in every hierarchy. */
function removeCgroups(runDir: string): void {
    const root = "/sys/fs/cgroup";
    const parent = cgroupParent(runDir);
    let hierarchies: string[] = [];
    try {
        hierarchies = ["", ...fs.readdirSync(root)];
    } catch {
        return;
    }
    for (const hierarchy of hierarchies) {
        const dir = path.join(root, hierarchy, parent);
        if (!fs.existsSync(dir)) continue;
        // Children first: container cgroups docker did not remove after a forced stop.
        for (const child of fs.readdirSync(dir, { withFileTypes: true })) {
            if (child.isDirectory()) try { fs.rmdirSync(path.join(dir, child.name)); } catch { /* still busy */ }
        }
        try { fs.rmdirSync(dir); } catch { /* still busy */ }
    }
}

/** Unmounts whatever the daemon left mounted under its dirs (after a forced stop), then removes the run dir. */
async function removeRunDir(runDir: string, dataRoot: string): Promise<void> {
    for (const mountPoint of mountsUnder([runDir, dataRoot])) {
        await runCommand("umount", ["-l", mountPoint], { allowFailure: true });
    }
    const left = mountsUnder([runDir]);
    if (left.length > 0) throw new Error(`still mounted after the daemon stopped, not removing ${runDir}: ${left.join(", ")}`);
    removeCgroups(runDir);
    fs.rmSync(runDir, { recursive: true, force: true });
}

/** Mount points at or under any of `dirs`, deepest first. */
export function mountsUnder(dirs: readonly string[]): string[] {
    const points = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")
        .map((line) => line.split(" ")[4])
        .filter((p): p is string => !!p)
        .map((p) => p.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))));
    return [...new Set(points.filter((p) => dirs.some((d) => p === d || p.startsWith(`${d}/`))))]
        .sort((a, b) => b.length - a.length);
}

/** The log's last lines, skipping info/debug chatter (containerd's plugin list) when there is anything else. */
function readTail(file: string, lines: number): string {
    try {
        const all = fs.readFileSync(file, "utf8").trimEnd().split("\n");
        const telling = all.filter((line) => !/level=(info|debug)/.test(line));
        return (telling.length > 0 ? telling : all).slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
