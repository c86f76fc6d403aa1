import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Where .ci/install-tools.sh unpacks the servers at the versions the stack deploys (PostgreSQL 18, Redis 8,
 * Prometheus 3.5, Alertmanager 0.28, Caddy 2.11); its `bin/` is searched before PATH.
 */
export const SERVERS_PREFIX = process.env.SERVICE_STACK_SERVERS_PREFIX ?? "/opt/service-stack-servers";

/** Absolute path of `name` in the servers prefix or on PATH, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
    for (const dir of [path.join(SERVERS_PREFIX, "bin"), ...(process.env.PATH ?? "").split(path.delimiter)]) {
        const candidate = path.join(dir, name);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not in this directory
        }
    }
    return undefined;
}

/**
 * The directory of PostgreSQL's server binaries (initdb, postgres, pg_ctl): the servers prefix's or one on PATH,
 * else Debian's newest /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH); undefined when PostgreSQL is
 * not installed.
 */
export function postgresBin(): string | undefined {
    const onPath = findTool("initdb");
    if (onPath) return path.dirname(fs.realpathSync(onPath));
    const base = "/usr/lib/postgresql";
    if (!fs.existsSync(base)) return undefined;
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    return versions[0] ? path.join(base, versions[0], "bin") : undefined;
}

/**
 * For a mocha `before` hook: the tool's path, or the suite skipped with a message naming the missing tool.
 * In CI (`CI=true`) a missing tool fails instead: a check that silently did not run proves nothing.
 */
export function requireTool(ctx: Mocha.Context, name: string, installHint: string): string {
    const found = findTool(name);
    if (found) return found;
    const message = `${name} is not installed (${installHint})`;
    if (process.env.CI === "true") throw new Error(`${message}; CI must run this check.`);
    console.log(`      skipped: ${message}`);
    ctx.skip();
    throw new Error("unreachable: ctx.skip() throws");
}

export interface ToolRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Wall-clock time of the run in milliseconds. */
    readonly ms: number;
}

/** Runs a tool to completion and returns what it printed. */
export function runTool(tool: string, args: readonly string[], cwd?: string): ToolRun {
    const start = process.hrtime.bigint();
    const result = spawnSync(tool, [...args], { cwd, encoding: "utf8", timeout: 30000 });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix: string): { readonly dir: string; readonly cleanup: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const announced = new Set<string>();

/**
 * Prints, once per run, the version of the server a suite starts (e.g. `PostgreSQL 18.6 (Debian 18.6-3)`), so every
 * run's output says which versions it proved the files against.
 */
export function announceVersion(server: string, tool: string, args: readonly string[] = ["--version"]): void {
    if (announced.has(tool)) return;
    announced.add(tool);
    const run = runTool(tool, args);
    const text = `${run.stdout}${run.stderr}`.split("\n")[0]!.trim();
    const version = /\d+\.\d+(\.\d+)?\S*( \([^)]*\))?/.exec(text)?.[0] ?? text;
    console.log(`      ${server} ${version} (${tool})`);
}

/** The environment with the servers prefix's tools first on PATH, for a shell line that names tools (a healthcheck). */
export function toolEnv(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: [path.join(SERVERS_PREFIX, "bin"), process.env.PATH ?? ""].join(path.delimiter) };
}
