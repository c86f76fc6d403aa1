import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { Duplex } from "stream";

/**
 * Where the Engine API is and how to reach it, from `DOCKER_HOST` exactly as the docker CLI reads it: a unix socket,
 * tcp (TLS when `DOCKER_TLS_VERIFY`/`DOCKER_TLS` is set, certificates from `DOCKER_CERT_PATH`), or `ssh://user@host`
 * through `ssh … docker system dial-stdio` on the remote side. Nothing here assumes the engine runs on this machine.
 */
export interface EngineTransport {
    /** The `DOCKER_HOST` value this transport was made from (default: the local socket). */
    readonly dockerHost: string;
    /** Options every request starts from: socket path, host/port, agent. */
    readonly base: http.RequestOptions;
    readonly protocol: typeof http | typeof https;
    /** Ends pooled connections (and, for ssh, their ssh processes). */
    close(): void;
}

const DEFAULT_HOST = "unix:///var/run/docker.sock";

export function engineTransport(dockerHost: string | undefined, env: NodeJS.ProcessEnv = process.env): EngineTransport {
    const host = dockerHost && dockerHost.length > 0 ? dockerHost : DEFAULT_HOST;
    const scheme = host.slice(0, host.indexOf("://"));
    if (scheme === "unix") return socketTransport(host);
    if (scheme === "tcp" || scheme === "http" || scheme === "https") return tcpTransport(host, env);
    if (scheme === "ssh") return sshTransport(host, env);
    throw new Error(`DOCKER_HOST "${host}": expected unix://, tcp:// or ssh:// (the others are not supported by this client)`);
}

function socketTransport(host: string): EngineTransport {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    return { dockerHost: host, base: { socketPath: host.slice("unix://".length), agent }, protocol: http, close: () => agent.destroy() };
}

function tcpTransport(host: string, env: NodeJS.ProcessEnv): EngineTransport {
    const url = new URL(host.replace(/^tcp:/, "http:"));
    const tls = Boolean(env.DOCKER_TLS_VERIFY) || Boolean(env.DOCKER_TLS) || url.protocol === "https:";
    const port = Number(url.port || (tls ? 2376 : 2375));
    if (!tls) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
        return { dockerHost: host, base: { host: url.hostname, port, agent }, protocol: http, close: () => agent.destroy() };
    }
    const certPath = env.DOCKER_CERT_PATH || path.join(os.homedir(), ".docker");
    const read = (file: string) => (fs.existsSync(path.join(certPath, file)) ? fs.readFileSync(path.join(certPath, file)) : undefined);
    const agent = new https.Agent({
        keepAlive: true,
        maxSockets: 8,
        ca: read("ca.pem"),
        cert: read("cert.pem"),
        key: read("key.pem"),
        // DOCKER_TLS without _VERIFY encrypts without checking the server, as the CLI does.
        rejectUnauthorized: Boolean(env.DOCKER_TLS_VERIFY),
    });
    return { dockerHost: host, base: { host: url.hostname, port, agent }, protocol: https, close: () => agent.destroy() };
}

/** The ssh command line the docker CLI runs for `ssh://[user@]host[:port]`. */
export function sshArgv(host: string): string[] {
    const url = new URL(host);
    if (url.pathname && url.pathname !== "/") throw new Error(`DOCKER_HOST "${host}": an ssh host takes no path`);
    const argv: string[] = [];
    if (url.username) argv.push("-l", decodeURIComponent(url.username));
    if (url.port) argv.push("-p", url.port);
    argv.push("-o", "ConnectTimeout=30", "-T", "--", url.hostname, "docker", "system", "dial-stdio");
    return argv;
}

function sshTransport(host: string, env: NodeJS.ProcessEnv): EngineTransport {
    const argv = sshArgv(host);
    const agent = new DialStdioAgent(() => spawn("ssh", argv, { env, stdio: ["pipe", "pipe", "pipe"] }));
    // The Host header is not used by the daemon; any name does.
    return { dockerHost: host, base: { host: "docker", port: 80, agent }, protocol: http, close: () => agent.destroy() };
}

/**
 * One `docker system dial-stdio` process as a socket: bytes written go to its stdin, its stdout is what the daemon
 * answered. The http agent pools these like TCP sockets, so a run opens a handful of ssh sessions, not one a request.
 */
export class DialStdioSocket extends Duplex {
    private stderr = "";

    constructor(private readonly child: ChildProcess) {
        super();
        child.stdout!.on("data", (chunk: Buffer) => {
            if (!this.push(chunk)) child.stdout!.pause();
        });
        child.stdout!.on("end", () => this.push(null));
        child.stderr!.on("data", (chunk: Buffer) => { this.stderr = (this.stderr + chunk.toString()).slice(-2000); });
        child.on("error", (error) => this.destroy(error));
        child.on("exit", (code) => {
            if (code !== 0 && !this.destroyed) this.destroy(new Error(`ssh dial-stdio exited with ${code}: ${this.stderr.trim()}`));
        });
    }

    override _read(): void {
        this.child.stdout!.resume();
    }

    override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        this.child.stdin!.write(chunk, callback);
    }

    override _final(callback: (error?: Error | null) => void): void {
        this.child.stdin!.end(callback);
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
        if (this.child.exitCode === null) this.child.kill();
        callback(error);
    }

    // What the http agent calls on a pooled net.Socket; a process pipe needs none of it but ref/unref.
    setKeepAlive(): this { return this; }
    setNoDelay(): this { return this; }
    setTimeout(_ms: number, callback?: () => void): this {
        if (callback) this.once("timeout", callback);
        return this;
    }
    ref(): this {
        this.child.ref();
        for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
        return this;
    }
    unref(): this {
        this.child.unref();
        for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
        return this;
    }
}

class DialStdioAgent extends http.Agent {
    constructor(private readonly dial: () => ChildProcess) {
        super({ keepAlive: true, maxSockets: 4 });
    }

    // Node's Agent creates each pooled connection through this method.
    override createConnection(): Duplex {
        return new DialStdioSocket(this.dial());
    }
}
