import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as https from "https";
import * as net from "net";

/** A free TCP port on 127.0.0.1 (the kernel's choice; released before it is returned). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

/** Retries `probe` until it returns a value other than undefined, or fails after `ms` with the last error seen. */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
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

export interface Reply {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

export interface RequestOptions {
    readonly port: number;
    readonly path?: string;
    readonly method?: string;
    /** `user:password` for basic auth. */
    readonly auth?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
    /** HTTPS only: the CA to verify the server against, and the name its certificate must carry (SNI too). */
    readonly ca?: string;
    readonly serverName?: string;
}

/** One HTTP(S) request to 127.0.0.1; HTTPS when `ca` is given, verifying the certificate for `serverName`. */
export function request(options: RequestOptions): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const common = {
            host: "127.0.0.1",
            port: options.port,
            path: options.path ?? "/",
            method: options.method ?? "GET",
            auth: options.auth,
            headers: { ...(options.serverName ? { host: options.serverName } : {}), ...options.headers },
            timeout: 5000,
        };
        const onResponse = (response: http.IncomingMessage) => {
            let body = "";
            response.on("data", (chunk) => (body += chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        };
        const req = options.ca !== undefined
            ? https.request({ ...common, ca: options.ca, servername: options.serverName, agent: false }, onResponse)
            : http.request({ ...common, agent: false }, onResponse);
        req.on("error", reject);
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.end(options.body);
    });
}

interface Running {
    readonly name: string;
    readonly child: ChildProcess;
    readonly stopSignal: NodeJS.Signals;
    log: string;
}

export interface StartOptions {
    /** Run as this uid/gid (the test runs as root in CI; servers such as PostgreSQL refuse root). */
    readonly uid?: number;
    readonly gid?: number;
    readonly cwd?: string;
    readonly env?: Readonly<Record<string, string>>;
    /** The signal that stops the server promptly (PostgreSQL: SIGINT, a fast shutdown). Default SIGTERM. */
    readonly stopSignal?: NodeJS.Signals;
}

/**
 * Server processes a suite starts: their output is kept, so a failure can print the server's own log lines, and
 * `stopAll` stops every one and waits for it to exit (SIGKILL after a grace period), so no process is left behind.
 */
export class ServerProcesses {
    private readonly running: Running[] = [];
    private readonly teardowns: (() => void | Promise<void>)[] = [];

    /** Something to undo once the servers have stopped (a temp dir, a stand-in server); the last registered runs first. */
    onStop(teardown: () => void | Promise<void>): void {
        this.teardowns.push(teardown);
    }

    start(name: string, command: string, args: readonly string[], options: StartOptions = {}): ChildProcess {
        const child = spawn(command, [...args], {
            stdio: ["ignore", "pipe", "pipe"],
            uid: options.uid,
            gid: options.gid,
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
        });
        const entry: Running = { name, child, stopSignal: options.stopSignal ?? "SIGTERM", log: "" };
        child.stdout!.on("data", (d) => (entry.log += d));
        child.stderr!.on("data", (d) => (entry.log += d));
        child.on("error", (e) => (entry.log += `\n[spawn error] ${e.message}\n`));
        this.running.push(entry);
        return child;
    }

    /** Everything the named server has printed so far. */
    log(name: string): string {
        return this.running.filter((r) => r.name === name).map((r) => r.log).join("");
    }

    /** True while the named server's process is alive. */
    alive(name: string): boolean {
        return this.running.some((r) => r.name === name && r.child.exitCode === null && r.child.signalCode === null);
    }

    /** The last `lines` lines of every server's output, for a failed test's report. */
    tails(lines = 25): string {
        return this.running.map((r) => `      --- ${r.name} (last ${lines} lines) ---\n${r.log.split("\n").slice(-lines).map((l) => `      ${l}`).join("\n")}`).join("\n");
    }

    /** `eventually`, with every server's log tail in the error when it times out (for readiness waits in `before`). */
    async ready<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
        try {
            return await eventually(what, ms, probe);
        } catch (e) {
            throw new Error(`${(e as Error).message}\n${this.tails()}`);
        }
    }

    /** Stops every server and waits for each to exit, then runs the `onStop` teardowns. */
    async stopAll(graceMs = 10000): Promise<void> {
        await Promise.all(this.running.map(async (r) => {
            if (r.child.exitCode !== null || r.child.signalCode !== null) return;
            const exited = new Promise<void>((resolve) => r.child.once("exit", () => resolve()));
            r.child.kill(r.stopSignal);
            const timer = setTimeout(() => r.child.kill("SIGKILL"), graceMs);
            await exited;
            clearTimeout(timer);
        }));
        for (const teardown of this.teardowns.splice(0).reverse()) await teardown();
    }
}

/**
 * The server processes of the enclosing `describe`: after a failed test every server's last log lines are printed,
 * and after the suite (even one whose `before` failed) every server is stopped and every teardown run.
 */
export function suiteServers(): ServerProcesses {
    const servers = new ServerProcesses();
    afterEach(function () {
        if (this.currentTest?.state === "failed") console.log(servers.tails());
    });
    after(() => servers.stopAll());
    return servers;
}

/** Closes a stand-in server if it is listening (a `before` may have failed before it started). */
export function closeServer(server: net.Server | undefined): Promise<void> {
    return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
}
