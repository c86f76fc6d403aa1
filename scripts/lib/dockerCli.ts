import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";

/**
 * The docker CLI against whatever engine the environment names (DOCKER_HOST, `docker context`): the commands never
 * assume this machine is the Docker host, so `DOCKER_HOST=ssh://deploy@host` works as it does for `pulumi up`.
 */

export interface Run {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Thrown when a docker command fails: the command and what it printed. */
export class DockerError extends Error {}

/** `docker <args>`, collecting its output; `stderr` is also shown live when `showErrors` (the job's own messages). */
export function docker(args: readonly string[], options: { input?: string; showErrors?: boolean } = {}): Run {
    const run = spawnSync("docker", [...args], { encoding: "utf8", input: options.input, maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw new DockerError(`docker ${args[0]}: ${run.error.message} (is the docker CLI installed?)`);
    if (options.showErrors && run.stderr) process.stderr.write(run.stderr);
    return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** `docker <args>`, failing with `what` and the CLI's message unless it exits 0. */
export function dockerOk(args: readonly string[], what: string, options: { input?: string; showErrors?: boolean } = {}): string {
    const run = docker(args, options);
    if (run.status !== 0) throw new DockerError(`${what}: ${(run.stderr || run.stdout).trim() || `docker ${args[0]} exited ${run.status}`}`);
    return run.stdout;
}

/** A container's state, or undefined when the engine has none of that name. */
export function containerState(name: string): { running: boolean; health?: string; env: Record<string, string> } | undefined {
    const run = docker(["container", "inspect", "--format", "{{json .State}}\t{{json .Config.Env}}", name]);
    if (run.status !== 0) {
        if (/no such (container|object)/i.test(run.stderr)) return undefined;
        throw new DockerError(`docker container inspect ${name}: ${run.stderr.trim()}`);
    }
    const [state, env] = run.stdout.trim().split("\t");
    const parsed = JSON.parse(state as string) as { Running: boolean; Health?: { Status: string } };
    const vars = Object.fromEntries((JSON.parse(env as string) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    return { running: parsed.Running, health: parsed.Health?.Status, env: vars };
}

/**
 * Streams `docker exec <from> <fromArgv>`'s stdout into `docker exec -i <to> <toArgv>`'s stdin, hashing it on the
 * way. The last chunk is held back until the stream has ended and its SHA-256 equals `sha256`: on a mismatch the
 * consumer gets an incomplete input (and is stopped), so a restore with `--single-transaction` commits nothing.
 */
export function pipeVerified(from: { container: string; argv: readonly string[] }, to: { container: string; argv: readonly string[] }, sha256: string): Promise<{ bytes: number; consumerStderr: string }> {
    return new Promise((resolve, reject) => {
        const source = spawn("docker", ["exec", from.container, ...from.argv], { stdio: ["ignore", "pipe", "pipe"] });
        const sink = spawn("docker", ["exec", "-i", to.container, ...to.argv], { stdio: ["pipe", "inherit", "pipe"] });
        const hash = createHash("sha256");
        let held: Buffer | undefined;
        let bytes = 0;
        let sourceErrors = "";
        let consumerStderr = "";
        let failure: Error | undefined;
        source.stderr.on("data", (d: Buffer) => (sourceErrors += d.toString()));
        sink.stderr.on("data", (d: Buffer) => { consumerStderr += d.toString(); process.stderr.write(d); });
        sink.stdin.on("error", () => undefined);
        source.stdout.on("data", (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
            if (held) sink.stdin.write(held);
            held = chunk;
        });
        source.on("close", (code) => {
            const digest = hash.digest("hex");
            if (code !== 0) failure = new DockerError(`reading the backup failed: ${sourceErrors.trim() || `exit ${code}`}`);
            else if (digest !== sha256) failure = new DockerError(`the bytes read (${bytes}, SHA-256 ${digest}) do not match the backup's checksum ${sha256}: nothing was restored`);
            if (failure) {
                sink.kill("SIGTERM");
                sink.stdin.destroy();
                return;
            }
            if (held) sink.stdin.write(held);
            sink.stdin.end();
        });
        sink.on("close", (code) => {
            if (failure) return reject(failure);
            if (code !== 0) return reject(new DockerError(`pg_restore failed (exit ${code}); with --single-transaction nothing was committed`));
            resolve({ bytes, consumerStderr });
        });
        source.on("error", reject);
        sink.on("error", reject);
    });
}
