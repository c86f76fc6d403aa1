import { expect } from "chai";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { freePort, ServerProcesses } from "./servers";
import { materialise, Materialised, RenderedContainer, RenderedStack, renderedStack, systemUser, TestCa } from "./stackFiles";
import { announceVersion, postgresBin, requireTool, tempDir } from "./tools";

/**
 * PostgreSQL 18 (Debian sid, .ci/install-tools.sh) started the way the postgres image starts it, from the files the
 * program uploads into the `postgres` container: initdb with the container's POSTGRES_INITDB_ARGS and superuser password
 * file, every rendered init script in order, then `postgres -c config_file=…` with our postgresql.conf and pg_hba.conf.
 * Host substitutions only: file paths (under a temp root), the listen address, the port and the socket directory.
 */
export interface StackPostgres {
    readonly bin: string;
    readonly stack: RenderedStack;
    readonly postgres: RenderedContainer;
    readonly files: Materialised;
    readonly ca: TestCa;
    readonly openssl: string;
    readonly port: number;
    readonly socketDir: string;
    /** The temp directory everything lives under. */
    readonly root: string;
    /** Host uid/gid standing in for the container users when the suite runs as root. */
    readonly owner?: { uid: number; gid: number };
    /** The image's superuser over the local socket (SCRAM, password from its file), as the entrypoint connects. */
    superuser(): Record<string, string>;
    /** A psql run with libpq settings from `env` only (no PG* variables of this process leak in). */
    psql(env: Record<string, string>, sql: string): SpawnSyncReturns<string>;
    /** Runs a tool as the stand-in for the container user (PostgreSQL refuses to run as root). */
    asServerUser(tool: string, args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
}

/** The process environment without PG* variables. */
export function cleanEnv(): Record<string, string> {
    return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith("PG") && v !== undefined)) as Record<string, string>;
}

/** Starts PostgreSQL from the files of `target`'s postgres container; stopped with `servers`. Call from `before`. */
export async function startStackPostgres(ctx: Mocha.Context, servers: ServerProcesses, target: { stack: string; overrides: Record<string, unknown> }): Promise<StackPostgres> {
    const openssl = requireTool(ctx, "openssl", "apt-get install openssl");
    const found = postgresBin();
    if (!found) requireTool(ctx, "initdb", "bash .ci/install-tools.sh");
    const bin = found!;
    announceVersion("PostgreSQL", path.join(bin, "postgres"));
    const stack = await renderedStack(target.stack, target.overrides);
    const postgres = stack.containers.postgres!;
    const temp = tempDir(`postgres-${target.stack}`);
    servers.onStop(temp.cleanup);
    fs.chmodSync(temp.dir, 0o755);
    const ca = new TestCa(openssl, path.join(temp.dir, "pki"));
    const owner = process.getuid?.() === 0 ? systemUser("postgres") : undefined;
    const files = materialise(postgres, { root: path.join(temp.dir, "postgres"), ca, stack, hostUser: owner });
    const configFile = postgres.command.find((a) => a.startsWith("config_file="))!.slice("config_file=".length);
    const port = await freePort();
    const [volume] = postgres.mounts;
    const dataDir = files.hostPath(`${volume}/data`);
    const socketDir = files.hostPath("/var/run/postgresql");
    const env = postgres.env;
    const psql = (pgEnv: Record<string, string>, sql: string) => spawnSync(path.join(bin, "psql"), ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], {
        encoding: "utf8", env: { ...cleanEnv(), PGCONNECT_TIMEOUT: "5", ...pgEnv }, timeout: 20000,
    });
    const asServerUser = (tool: string, args: string[], extra: Record<string, string> = {}) =>
        spawnSync(tool, args, { encoding: "utf8", uid: owner?.uid, gid: owner?.gid, env: { ...process.env, ...extra }, timeout: 60000 });
    const superuser = () => ({ PGHOST: socketDir, PGPORT: String(port), PGUSER: env.POSTGRES_USER!, PGPASSWORD: files.read(env.POSTGRES_PASSWORD_FILE!), PGDATABASE: env.POSTGRES_DB! });

    // What the image's entrypoint does on an empty volume: initdb with the superuser's password file and
    // POSTGRES_INITDB_ARGS, then, on a server reachable only by socket, create POSTGRES_DB and run the init scripts.
    const init = asServerUser(path.join(bin, "initdb"), [
        "-D", dataDir, `--username=${env.POSTGRES_USER}`, `--pwfile=${files.hostPath(env.POSTGRES_PASSWORD_FILE!)}`,
        ...env.POSTGRES_INITDB_ARGS!.split(/\s+/), "--no-sync",
    ]);
    expect(init.status, init.stderr + init.stdout).to.equal(0);
    const [program, ...args] = postgres.command;
    expect(program).to.equal("postgres");
    servers.start("postgres", path.join(bin, "postgres"), [
        ...args.map((a) => a.replace(configFile, files.hostPath(configFile))),
        "-D", dataDir,
        "-c", "listen_addresses=127.0.0.1",
        "-c", `port=${port}`,
        "-c", `unix_socket_directories=${socketDir}`,
    ], { uid: owner?.uid, gid: owner?.gid, stopSignal: "SIGINT" });

    // The container's healthcheck, pointed at this socket and port.
    const [kind, tool, ...check] = postgres.healthcheck;
    expect([kind, tool]).to.deep.equal(["CMD", "pg_isready"]);
    const healthArgs = [...check.map((a) => (a === "/var/run/postgresql" ? socketDir : a)), "-p", String(port)];
    await servers.ready("PostgreSQL's healthcheck (pg_isready) passing", 30000, async () =>
        spawnSync(path.join(bin, "pg_isready"), healthArgs, { encoding: "utf8" }).status === 0 || undefined);

    const created = psql({ ...superuser(), PGDATABASE: "postgres" }, `CREATE DATABASE "${env.POSTGRES_DB}"`);
    expect(created.status, created.stderr).to.equal(0);
    // The entrypoint runs every script of /docker-entrypoint-initdb.d in name order, with PGPASSWORD set.
    const scripts = postgres.uploads.filter((u) => u.file.startsWith("/docker-entrypoint-initdb.d/")).sort((a, b) => a.file.localeCompare(b.file));
    expect(scripts.length).to.be.greaterThan(0);
    for (const script of scripts) {
        const run = asServerUser("bash", [files.hostPath(script.file)], { ...superuser(), POSTGRES_USER: env.POSTGRES_USER!, POSTGRES_DB: env.POSTGRES_DB!, POSTGRES_PASSWORD_FILE: files.hostPath(env.POSTGRES_PASSWORD_FILE!) });
        expect(run.status, `${script.file}: ${run.stderr}`).to.equal(0);
    }
    return { bin, stack, postgres, files, ca, openssl, port, socketDir, root: temp.dir, owner, superuser, psql, asServerUser };
}
