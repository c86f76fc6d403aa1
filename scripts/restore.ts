import * as path from "path";
import { BACKUP_NAME } from "../components/render/backup";
import { CONFIG_PATHS } from "../components/workloads/catalogue";
import { containerState, docker, dockerOk, DockerError, pipeVerified } from "./lib/dockerCli";
import { parseOptions, stackTarget, StackTarget, UsageError } from "./lib/stackTarget";

/**
 * Restores a verified backup into a Docker stack's database:
 *   npm run restore -- --stack <stack> --list
 *   npm run restore -- --stack <stack> --backup <name> [--into-database <name> | --replace-live-database]
 * Without a flag it restores only into an empty live database (one whose volume was lost and re-created); a database
 * holding tables is never dropped unless `--replace-live-database` says so. Exit codes: 0 restored, 1 refused or
 * failed (nothing committed), 2 bad input.
 */

const ROOT = path.resolve(__dirname, "..");

const USAGE = `usage: npm run restore -- --stack <stack> [--platform docker] --list
       npm run restore -- --stack <stack> --backup <name> [--into-database <new-name> | --replace-live-database]
  --list                   the stack's backups, newest first
  --backup                 the dump to restore (a name from --list); refused unless its SHA-256 matches
  --into-database          restore beside the live database, into a new one (the live one is untouched)
  --replace-live-database  drop the live database and restore in its place; the API is stopped meanwhile
Without --into-database or --replace-live-database, only an empty live database is restored into.`;

/** What a restore does with the live database. */
export type RestorePlan =
    | { readonly kind: "into-empty-live"; readonly database: string }
    | { readonly kind: "into-new"; readonly database: string }
    | { readonly kind: "replace-live"; readonly database: string };

const SQL_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Decides the restore from the flags and the live database's table count; refuses what would lose data. */
export function restorePlan(live: string, liveRelations: number, options: { intoDatabase?: string; replaceLive: boolean }): RestorePlan {
    if (options.intoDatabase !== undefined && options.replaceLive) throw new UsageError("--into-database and --replace-live-database exclude each other");
    if (options.intoDatabase !== undefined) {
        if (!SQL_NAME.test(options.intoDatabase)) throw new UsageError(`--into-database "${options.intoDatabase}": expected a lower-case letter, then lower-case letters, digits or _ (at most 63).`);
        if (options.intoDatabase === live) throw new UsageError(`--into-database ${live} is the live database: use --replace-live-database to replace it.`);
        return { kind: "into-new", database: options.intoDatabase };
    }
    if (options.replaceLive) return { kind: "replace-live", database: live };
    if (liveRelations > 0) {
        throw new DockerError(`the live database ${live} holds ${liveRelations} tables, views or sequences: refusing to restore over it. `
            + `Restore beside it with --into-database ${live}_restore, or drop it and restore in its place with --replace-live-database.`);
    }
    return { kind: "into-empty-live", database: live };
}

/** psql as the image's superuser over the container's socket; the password read from its file inside the container. */
function superuserPsql(container: string, sql: string, variables: Record<string, string>, what: string): string {
    const vars = Object.entries(variables).flatMap(([k, v]) => ["-v", `${k}=${v}`]);
    return dockerOk(["exec", "-i", container, "bash", "-c", 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" exec psql -X -q -tA -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres "$@"', "psql", ...vars], what, { input: sql });
}

function liveRelationCount(postgres: string, database: string): number {
    const sql = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";
    const out = dockerOk(["exec", "-i", postgres, "bash", "-c", 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" exec psql -X -tA -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$1"', "psql", database], `counting the tables of ${database}`, { input: sql });
    return Number(out.trim());
}

/** Verifies the dump in the backup container (checksum, table of contents) and returns its recorded SHA-256. */
function verifiedDigest(job: string, name: string): string {
    const check = docker(["exec", job, "bash", CONFIG_PATHS.backupScript, "verify", name], { showErrors: true });
    if (check.status !== 0) throw new DockerError(`refusing ${name}: it did not verify (above).`);
    return dockerOk(["exec", job, "cat", `/var/lib/postgresql/backups/${name}.sha256`], `reading ${name}.sha256`).split(/\s+/)[0] as string;
}

/** Restores `name` as planned; the dump streams from the backup container into pg_restore in the postgres container. */
export async function restoreOnDocker(target: StackTarget, name: string, options: { intoDatabase?: string; replaceLive: boolean }, log: (line: string) => void): Promise<RestorePlan> {
    const job = `${target.namePrefix}-backup`;
    const postgres = `${target.namePrefix}-postgres`;
    const api = `${target.namePrefix}-api`;
    const pg = containerState(postgres);
    if (!pg?.running || !containerState(job)?.running) throw new DockerError(`${postgres} and ${job} must both be running (docker ps -a; docker start …).`);
    const live = pg.env.POSTGRES_DB as string;
    const digest = verifiedDigest(job, name);
    const plan = restorePlan(live, options.intoDatabase || options.replaceLive ? 0 : liveRelationCount(postgres, live), options);
    const owner = superuserPsql(postgres, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'live'", { live }, "reading the live database's owner").trim();
    const started = Date.now();
    const stopApi = plan.kind === "replace-live" && containerState(api)?.running === true;
    if (stopApi) {
        log(`stopping ${api} while its database is replaced`);
        dockerOk(["stop", api], `stopping ${api}`);
    }
    try {
        if (plan.kind === "replace-live") {
            log(`dropping the live database ${live} (--replace-live-database)`);
            superuserPsql(postgres, 'DROP DATABASE :"target" WITH (FORCE);', { target: live }, `dropping ${live}`);
        }
        if (plan.kind !== "into-empty-live") superuserPsql(postgres, 'CREATE DATABASE :"target" OWNER :"owner";', { target: plan.database, owner }, `creating ${plan.database}`);
        log(`restoring ${name} into ${plan.database} (one transaction; the bytes checked against SHA-256 ${digest} before it commits)`);
        const restore = 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" exec pg_restore --username "$POSTGRES_USER" --dbname "$1" --exit-on-error --single-transaction --no-password';
        const { bytes } = await pipeVerified({ container: job, argv: ["cat", `/var/lib/postgresql/backups/${name}`] }, { container: postgres, argv: ["bash", "-c", restore, "pg_restore", plan.database] }, digest);
        dockerOk(["exec", "-i", postgres, "bash", "-c", 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" exec psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$1"', "psql", plan.database], `analysing ${plan.database}`, { input: "ANALYZE;\n" });
        log(`restored ${name} (${bytes} bytes) into ${plan.database} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
        if (stopApi) dockerOk(["start", api], `starting ${api} again`);
    }
    return plan;
}

async function main(argv: readonly string[]): Promise<number> {
    const options = parseOptions(argv, ["stack", "backup", "into-database", "platform"], ["list", "replace-live-database", "help"]);
    if (options.help) {
        console.log(USAGE);
        return 0;
    }
    if (typeof options.stack !== "string") throw new UsageError("--stack is required");
    const target = stackTarget(ROOT, options.stack, options.platform);
    if (target.platform === "aws") {
        throw new UsageError(`${target.stack} runs on AWS: restore with RDS point-in-time recovery or a snapshot, or pg_restore an export from the backup bucket (README.md, "Backups and restore").`);
    }
    const log = (line: string) => console.log(`restore: ${line}`);
    if (options.list) {
        process.stdout.write(dockerOk(["exec", `${target.namePrefix}-backup`, "bash", CONFIG_PATHS.backupScript, "list"], "listing the backups"));
        return 0;
    }
    if (typeof options.backup !== "string") throw new UsageError("--backup <name> is required (see --list)");
    if (!BACKUP_NAME.test(options.backup)) throw new UsageError(`--backup "${options.backup}": expected a dump's name such as app-20260101T023000Z-scheduled.dump (see --list).`);
    const into = typeof options["into-database"] === "string" ? options["into-database"] : undefined;
    await restoreOnDocker(target, options.backup, { intoDatabase: into, replaceLive: options["replace-live-database"] === true }, log);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code), (error: Error) => {
        if (error instanceof UsageError) {
            console.error(`restore: ${error.message}\n${USAGE}`);
            process.exitCode = 2;
        } else if (error instanceof DockerError) {
            console.error(`restore: ${error.message}`);
            process.exitCode = 1;
        } else {
            console.error(error);
            process.exitCode = 1;
        }
    });
}
