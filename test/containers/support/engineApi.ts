import * as http from "http";
import { demultiplex, Demuxed, readTar, TarEntry } from "./engineStreams";
import { engineTransport, EngineTransport } from "./engineTransport";

/**
 * A small Docker Engine API client: the calls the container suite needs, over the transport `DOCKER_HOST` names.
 * Errors name the method, path, status and the daemon's own message, so a refusal reads as the daemon wrote it.
 */

/** The API version the Docker provider's client library (docker/docker v28.5.2, pulumi-docker's go.mod) speaks at most. */
export const MAX_API_VERSION = "1.51";
/** Below this the provider's own checks refuse features the program uses (mount volume options need 1.45). */
export const MIN_API_VERSION = "1.41";

export class EngineError extends Error {
    constructor(readonly method: string, readonly path: string, readonly status: number, readonly daemonMessage: string) {
        super(`${method} ${path}: ${status} ${daemonMessage}`);
        this.name = "EngineError";
    }
}

export interface EngineResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
}

export interface RequestOptions {
    readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
    /** A Buffer is sent as is (with `contentType`); anything else as JSON. */
    readonly body?: unknown;
    readonly contentType?: string;
    /** Status codes that are not errors besides 2xx (e.g. 304 "already started"). */
    readonly accept?: readonly number[];
}

export interface EngineVersion {
    readonly Version: string;
    readonly ApiVersion: string;
    readonly MinAPIVersion?: string;
    readonly Os: string;
    readonly Arch: string;
}

export interface ExecResult {
    readonly exitCode: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** The parts of `docker inspect` the suite reads; the rest is there as the daemon sent it. */
export interface ContainerInspect {
    readonly Id: string;
    readonly Name: string;
    readonly Image: string;
    readonly RestartCount: number;
    readonly State: {
        readonly Status: string;
        readonly Running: boolean;
        readonly ExitCode: number;
        readonly Error: string;
        readonly OOMKilled: boolean;
        readonly StartedAt: string;
        readonly FinishedAt: string;
        readonly Health?: { readonly Status: string; readonly FailingStreak: number; readonly Log: readonly { readonly ExitCode: number; readonly Output: string; readonly End: string }[] | null };
    };
    readonly Config: Record<string, unknown> & { readonly Tty: boolean; readonly Labels: Record<string, string> | null };
    readonly HostConfig: Record<string, unknown>;
    readonly NetworkSettings: { readonly Networks: Record<string, { readonly Aliases: string[] | null; readonly DNSNames?: string[] | null; readonly IPAddress: string; readonly Gateway: string }> };
    readonly Mounts: readonly { readonly Type: string; readonly Name?: string; readonly Source: string; readonly Destination: string; readonly RW: boolean }[];
}

function compareVersions(a: string, b: string): number {
    const [am, an] = a.split(".").map(Number);
    const [bm, bn] = b.split(".").map(Number);
    return am! - bm! || an! - bn!;
}

function queryString(query: RequestOptions["query"]): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
    const text = params.toString();
    return text ? `?${text}` : "";
}

function daemonMessage(body: Buffer): string {
    const text = body.toString("utf8").trim();
    try {
        const parsed = JSON.parse(text) as { message?: string };
        if (typeof parsed.message === "string") return parsed.message;
    } catch {
        // plain text
    }
    return text;
}

export class EngineApi {
    private constructor(private readonly transport: EngineTransport, readonly apiVersion: string, readonly server: EngineVersion) {}

    /** Connects to `dockerHost` (default: `DOCKER_HOST`, else the local socket) and negotiates the API version. */
    static async connect(dockerHost: string | undefined = process.env.DOCKER_HOST, env: NodeJS.ProcessEnv = process.env): Promise<EngineApi> {
        const transport = engineTransport(dockerHost, env);
        try {
            const probe = new EngineApi(transport, "", { Version: "", ApiVersion: "", Os: "", Arch: "" });
            const server = await probe.call<EngineVersion>("GET", "/version", { unversioned: true });
            if (compareVersions(server.ApiVersion, MIN_API_VERSION) < 0) {
                throw new Error(`Docker engine ${server.Version} at ${transport.dockerHost} speaks API ${server.ApiVersion}; at least ${MIN_API_VERSION} is needed`);
            }
            const version = compareVersions(server.ApiVersion, MAX_API_VERSION) < 0 ? server.ApiVersion : MAX_API_VERSION;
            return new EngineApi(transport, version, server);
        } catch (error) {
            transport.close();
            throw error;
        }
    }

    get dockerHost(): string {
        return this.transport.dockerHost;
    }

    /** True when the negotiated version is at least `version`. */
    atLeast(version: string): boolean {
        return compareVersions(this.apiVersion, version) >= 0;
    }

    close(): void {
        this.transport.close();
    }

    /** One request; the body is read whole (a followed log or an exec stream ends when the process does). */
    request(method: string, path: string, options: RequestOptions & { unversioned?: boolean } = {}): Promise<EngineResponse> {
        const fullPath = `${options.unversioned ? "" : `/v${this.apiVersion}`}${path}${queryString(options.query)}`;
        const payload = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(JSON.stringify(options.body));
        const headers: http.OutgoingHttpHeaders = {};
        if (payload) {
            headers["Content-Type"] = Buffer.isBuffer(options.body) ? options.contentType ?? "application/x-tar" : "application/json";
            headers["Content-Length"] = payload.length;
        }
        return new Promise((resolve, reject) => {
            const req = this.transport.protocol.request({ ...this.transport.base, method, path: fullPath, headers }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
                res.on("error", reject);
            });
            req.on("error", (error) => reject(new Error(`${method} ${path} on ${this.transport.dockerHost}: ${error.message}`)));
            req.end(payload);
        });
    }

    /** A request whose non-2xx answer throws an EngineError; returns the raw response. */
    async send(method: string, path: string, options: RequestOptions & { unversioned?: boolean } = {}): Promise<EngineResponse> {
        const response = await this.request(method, path, options);
        const ok = (response.status >= 200 && response.status < 300) || (options.accept ?? []).includes(response.status);
        if (!ok) throw new EngineError(method, path, response.status, daemonMessage(response.body));
        return response;
    }

    /** A JSON call. */
    async call<T>(method: string, path: string, options: RequestOptions & { unversioned?: boolean } = {}): Promise<T> {
        const response = await this.send(method, path, options);
        const text = response.body.toString("utf8");
        return (text.trim() === "" ? undefined : JSON.parse(text)) as T;
    }

    // --- system
    async ping(): Promise<string> {
        return (await this.send("GET", "/_ping", { unversioned: true })).body.toString("utf8");
    }
    version(): Promise<EngineVersion> {
        return this.call("GET", "/version");
    }
    info(): Promise<Record<string, unknown> & { Driver: string; DockerRootDir: string; OSType: string; Name: string }> {
        return this.call("GET", "/info");
    }

    // --- networks
    createNetwork(body: Record<string, unknown>): Promise<{ Id: string; Warning?: string }> {
        return this.call("POST", "/networks/create", { body });
    }
    inspectNetwork(idOrName: string): Promise<Record<string, unknown> & { Id: string; Name: string; Internal: boolean; Labels: Record<string, string> }> {
        return this.call("GET", `/networks/${encodeURIComponent(idOrName)}`);
    }
    listNetworks(filters: Record<string, string[]> = {}): Promise<{ Id: string; Name: string; Labels: Record<string, string> }[]> {
        return this.call("GET", "/networks", { query: { filters: JSON.stringify(filters) } });
    }
    async removeNetwork(idOrName: string): Promise<void> {
        await this.send("DELETE", `/networks/${encodeURIComponent(idOrName)}`);
    }
    async connectNetwork(network: string, container: string, endpointConfig: Record<string, unknown>): Promise<void> {
        await this.send("POST", `/networks/${encodeURIComponent(network)}/connect`, { body: { Container: container, EndpointConfig: endpointConfig } });
    }
    async disconnectNetwork(network: string, container: string, force = false): Promise<void> {
        await this.send("POST", `/networks/${encodeURIComponent(network)}/disconnect`, { body: { Container: container, Force: force } });
    }

    // --- volumes
    createVolume(body: Record<string, unknown>): Promise<{ Name: string; Mountpoint: string; Labels: Record<string, string> | null }> {
        return this.call("POST", "/volumes/create", { body });
    }
    inspectVolume(name: string): Promise<{ Name: string; Mountpoint: string; Driver: string; Labels: Record<string, string> | null }> {
        return this.call("GET", `/volumes/${encodeURIComponent(name)}`);
    }
    async listVolumes(filters: Record<string, string[]> = {}): Promise<{ Name: string; Labels: Record<string, string> | null }[]> {
        const answer = await this.call<{ Volumes: { Name: string; Labels: Record<string, string> | null }[] | null }>("GET", "/volumes", { query: { filters: JSON.stringify(filters) } });
        return answer.Volumes ?? [];
    }
    async removeVolume(name: string, force = false): Promise<void> {
        await this.send("DELETE", `/volumes/${encodeURIComponent(name)}`, { query: { force: force || undefined } });
    }

    // --- images
    inspectImage(reference: string): Promise<{ Id: string; RepoTags: string[] | null; Config: Record<string, unknown> }> {
        return this.call("GET", `/images/${encodeURIComponent(reference)}/json`);
    }
    listImages(filters: Record<string, string[]> = {}): Promise<{ Id: string; RepoTags: string[] | null }[]> {
        return this.call("GET", "/images/json", { query: { filters: JSON.stringify(filters) } });
    }
    async tagImage(source: string, repo: string, tag: string): Promise<void> {
        await this.send("POST", `/images/${encodeURIComponent(source)}/tag`, { query: { repo, tag } });
    }
    /** `docker import`: a root filesystem tar as an image `repo:tag`, with Dockerfile `changes` (e.g. `CMD [...]`). */
    async importImage(rootfs: Buffer, repo: string, tag: string, changes: readonly string[] = []): Promise<string> {
        const params = new URLSearchParams({ fromSrc: "-", repo, tag });
        for (const change of changes) params.append("changes", change);
        const response = await this.send("POST", `/images/create?${params.toString()}`, { body: rootfs });
        const lines = response.body.toString("utf8").trim().split("\n").map((l) => JSON.parse(l) as { error?: string });
        const failed = lines.find((l) => l.error);
        if (failed) throw new Error(`image import ${repo}:${tag}: ${failed.error}`);
        return (await this.inspectImage(`${repo}:${tag}`)).Id;
    }

    // --- containers
    createContainer(name: string, body: Record<string, unknown>, platform?: string): Promise<{ Id: string; Warnings: string[] | null }> {
        return this.call("POST", "/containers/create", { query: { name, platform }, body });
    }
    async startContainer(id: string): Promise<void> {
        await this.send("POST", `/containers/${id}/start`, { accept: [304] });
    }
    async stopContainer(id: string, timeoutSeconds?: number): Promise<void> {
        await this.send("POST", `/containers/${id}/stop`, { query: { t: timeoutSeconds }, accept: [304] });
    }
    async removeContainer(id: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
        await this.send("DELETE", `/containers/${id}`, { query: { force: options.force || undefined, v: options.volumes || undefined } });
    }
    inspectContainer(id: string): Promise<ContainerInspect> {
        return this.call("GET", `/containers/${id}/json`);
    }
    listContainers(filters: Record<string, string[]> = {}): Promise<{ Id: string; Names: string[]; Labels: Record<string, string>; State: string }[]> {
        return this.call("GET", "/containers/json", { query: { all: true, filters: JSON.stringify(filters) } });
    }
    /** `POST /containers/{id}/wait`: blocks until the condition (`not-running`, `next-exit`, `removed`). */
    waitContainer(id: string, condition = "not-running"): Promise<{ StatusCode: number; Error?: { Message: string } | null }> {
        return this.call("POST", `/containers/${id}/wait`, { query: { condition } });
    }
    /** Logs, demultiplexed (raw when the container has a TTY). `follow` returns when the container stops. */
    async logs(id: string, options: { tail?: number; follow?: boolean; tty?: boolean } = {}): Promise<Demuxed> {
        const response = await this.send("GET", `/containers/${id}/logs`, { query: { stdout: true, stderr: true, follow: options.follow || undefined, tail: options.tail ?? "all" } });
        return demultiplex(response.body, options.tty ?? false);
    }

    /** `PUT /containers/{id}/archive`: extracts `tar` at `path`, as the provider's CopyToContainer does. */
    async putArchive(id: string, path: string, tar: Buffer, options: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
        await this.send("PUT", `/containers/${id}/archive`, {
            query: { path, noOverwriteDirNonDir: options.noOverwriteDirNonDir ? "true" : undefined, copyUIDGID: options.copyUIDGID ? "true" : undefined },
            body: tar,
            contentType: "application/x-tar",
        });
    }
    /** `GET /containers/{id}/archive`: the tar of `path`. */
    async getArchive(id: string, path: string): Promise<Buffer> {
        return (await this.send("GET", `/containers/${id}/archive`, { query: { path } })).body;
    }
    /** One file of a container (running or not), with its mode and numeric owner. */
    async readEntry(id: string, path: string): Promise<TarEntry> {
        const entries = readTar(await this.getArchive(id, path));
        const entry = entries[0];
        if (!entry || entry.type !== "file") throw new Error(`${path} in container ${id.slice(0, 12)} is not a regular file (archive holds ${entries.map((e) => `${e.type} ${e.name}`).join(", ") || "nothing"})`);
        return entry;
    }

    /** Runs `argv` in a running container and returns its output and exit code. */
    async exec(id: string, argv: readonly string[], options: { user?: string; env?: readonly string[]; workingDir?: string } = {}): Promise<ExecResult> {
        const created = await this.call<{ Id: string }>("POST", `/containers/${id}/exec`, {
            body: { AttachStdout: true, AttachStderr: true, Cmd: argv, User: options.user, Env: options.env, WorkingDir: options.workingDir },
        });
        const stream = await this.send("POST", `/exec/${created.Id}/start`, { body: { Detach: false, Tty: false } });
        const output = demultiplex(stream.body);
        const inspected = await this.call<{ ExitCode: number | null; Running: boolean }>("GET", `/exec/${created.Id}/json`);
        return { exitCode: inspected.ExitCode ?? -1, stdout: output.stdout.toString("utf8"), stderr: output.stderr.toString("utf8") };
    }
}
