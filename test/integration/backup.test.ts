import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BACKUP_METRICS } from "../../components/render/alerts/backup";
import { BACKUP_NAME } from "../../components/render/backup";
import { CONFIG_PATHS, POSTGRES_BACKUP_USER, SECRET_FILES, workloadSpecs } from "../../components/workloads/catalogue";
import { eventually, suiteServers } from "../support/servers";
import { DOCKER_TARGETS, materialise, Materialised, RenderedContainer } from "../support/stackFiles";
import { cleanEnv, StackPostgres, startStackPostgres } from "../support/stackPostgres";

/**
 * The backup job's rendered script, run as its container runs it (bash, PostgreSQL 18's pg_dump and pg_restore, GNU
 * coreutils, findutils and util-linux's flock, as the postgres image carries them) against PostgreSQL 18 started from
 * the stack's own files: the dump-only role over TLS verify-full, each dump verified, retention, the metrics the
 * alerts read, and the failures an operator must be able to act on. Host substitutions: the paths (under a temp
 * root), the server's address (the alias pointed at 127.0.0.1 by PGHOSTADDR) and port.
 */

for (const target of DOCKER_TARGETS) {
    describe(`the backup job's script against PostgreSQL 18 with the files of ${target.label}`, function () {
        this.timeout(60000);
        const servers = suiteServers();
        let pg: StackPostgres;
        let backup: RenderedContainer;
        let files: Materialised;
        let script: string;
        let dumps: string;
        let metricsFile: string;

        /**
         * The script with one of its commands, as the container's user, whose home is the image's /var/lib/postgresql
         * (the backup volume); libpq reaches the alias at 127.0.0.1. PostgreSQL 18's client tools come first on PATH, as
         * the image's pg_wrapper picks its only installed major (this host's own may be older).
         */
        function job(...args: string[]) {
            const env = { ...cleanEnv(), HOME: files.hostPath("/var/lib/postgresql"), PGHOSTADDR: "127.0.0.1", PATH: `${pg.bin}:${process.env.PATH}` };
            return spawnSync("bash", [script, ...args], { encoding: "utf8", uid: pg.owner?.uid, gid: pg.owner?.gid, env, timeout: 60000 });
        }

        function dumpNames(): string[] {
            return fs.readdirSync(dumps).filter((f) => f.endsWith(".dump")).sort();
        }

        /** The samples of the metrics file: `name{labels}` to value. */
        function metrics(): Record<string, number> {
            const samples: Record<string, number> = {};
            for (const line of fs.readFileSync(metricsFile, "utf8").split("\n")) {
                const match = /^([a-z_]+\{[^}]*\}) (\d+)$/.exec(line);
                if (match) samples[match[1]!] = Number(match[2]);
            }
            return samples;
        }

        before(async function () {
            this.timeout(180000);
            pg = await startStackPostgres(this, servers, target);
            backup = pg.stack.containers.backup!;
            files = materialise(backup, { root: path.join(pg.root, "backup"), ca: pg.ca, stack: pg.stack, hostUser: pg.owner });
            const [shell, containerScript, mode] = backup.command;
            expect([shell, containerScript, mode]).to.deep.equal(["bash", CONFIG_PATHS.backupScript, "schedule"]);
            script = files.hostPath(containerScript!);
            // The server's port here instead of 5432, in the script and in the role's password file.
            fs.writeFileSync(script, files.read(containerScript!).replace("PGPORT=5432", `PGPORT=${pg.port}`));
            const pgpass = files.hostPath(SECRET_FILES.backupPgpass);
            fs.writeFileSync(pgpass, files.read(SECRET_FILES.backupPgpass).replace(":5432:", `:${pg.port}:`));
            dumps = files.hostPath("/var/lib/postgresql/backups");
            metricsFile = files.hostPath("/var/lib/backup-metrics/backup.prom");
            const rows = pg.psql(pg.superuser(), "CREATE TABLE backup_marker (v text); INSERT INTO backup_marker VALUES ('before the dump')");
            expect(rows.status, rows.stderr).to.equal(0);
        });

        it("takes a dump as the dump-only role over TLS, stores its SHA-256 beside it, and reports success", async () => {
            const run = job("run", "pre-deploy");
            expect(run.status, run.stderr).to.equal(0);
            const name = run.stdout.trim();
            expect(name).to.match(BACKUP_NAME).and.match(/-pre-deploy\.dump$/);
            expect(dumpNames()).to.deep.equal([name]);
            const check = spawnSync("sha256sum", ["--check", "--strict", `${name}.sha256`], { cwd: dumps, encoding: "utf8" });
            expect(check.status, check.stderr).to.equal(0);
            expect(fs.statSync(path.join(dumps, name)).mode & 0o777).to.equal(0o600);
            const toc = spawnSync(path.join(pg.bin, "pg_restore"), ["--list", path.join(dumps, name)], { encoding: "utf8" });
            expect(toc.stdout).to.match(/TABLE DATA public backup_marker/);
            const samples = metrics();
            expect(samples[`${BACKUP_METRICS.lastRunStatus}{destination="volume"}`]).to.equal(1);
            expect(samples[`${BACKUP_METRICS.lastSuccessTimestamp}{destination="volume"}`]).to.be.within(Date.now() / 1000 - 60, Date.now() / 1000 + 1);
            expect(samples['backup_kept_dumps{destination="volume"}']).to.equal(1);
            // The session the server logged (log_connections): the backup role, over TLS.
            const authorized = new RegExp(`connection authorized: user=${POSTGRES_BACKUP_USER} database=${pg.postgres.env.POSTGRES_DB} application_name=service-stack-backup SSL enabled \\(protocol=TLSv1\\.[23]`);
            await eventually("the server logging the backup role's TLS session", 5000, async () => authorized.test(servers.log("postgres")) || undefined);
        });

        it("writes a dump that restores the rows (pg_restore into a scratch database)", () => {
            const name = dumpNames().at(-1)!;
            expect(pg.psql({ ...pg.superuser(), PGDATABASE: "postgres" }, "CREATE DATABASE scratch").status).to.equal(0);
            const restore = spawnSync(path.join(pg.bin, "pg_restore"), ["--exit-on-error", "--single-transaction", "--dbname", "scratch", path.join(dumps, name)], { encoding: "utf8", env: { ...cleanEnv(), ...pg.superuser(), PGDATABASE: "scratch" } });
            expect(restore.status, restore.stderr).to.equal(0);
            expect(pg.psql({ ...pg.superuser(), PGDATABASE: "scratch" }, "SELECT v FROM backup_marker").stdout.trim()).to.equal("before the dump");
        });

        it("gives the role read access and nothing else: no write, no superuser, TLS only, this database only", () => {
            const pass = files.read(SECRET_FILES.backupPgpass).trim().split(":").pop()!;
            const asBackup = (extra: Record<string, string> = {}) => ({
                PGHOST: "postgres", PGHOSTADDR: "127.0.0.1", PGPORT: String(pg.port), PGUSER: POSTGRES_BACKUP_USER, PGPASSWORD: pass,
                PGDATABASE: pg.postgres.env.POSTGRES_DB!, PGSSLMODE: "verify-full", PGSSLROOTCERT: files.hostPath(workloadSpecs(pg.stack.settings).backup.ca), ...extra,
            });
            const attributes = pg.psql(asBackup(), "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, pg_has_role('pg_read_all_data', 'MEMBER'), count(*) FROM pg_roles, backup_marker WHERE rolname = current_user GROUP BY 1, 2, 3, 4, 5");
            expect(attributes.status, attributes.stderr).to.equal(0);
            expect(attributes.stdout.trim()).to.equal("f|f|f|f|t|1");
            for (const sql of ["INSERT INTO backup_marker VALUES ('x')", "BEGIN READ WRITE; INSERT INTO backup_marker VALUES ('x'); COMMIT", "CREATE TABLE intruder (v text)", "DELETE FROM backup_marker"]) {
                const refused = pg.psql(asBackup(), sql);
                expect(refused.status, sql).to.not.equal(0);
                expect(refused.stderr, sql).to.match(/permission denied|read-only transaction/);
            }
            expect(pg.psql(asBackup({ PGSSLMODE: "disable" }), "SELECT 1").stderr).to.match(/pg_hba\.conf rejects connection .*no encryption/);
            expect(pg.psql(asBackup({ PGDATABASE: "postgres" }), "SELECT 1").stderr).to.match(/pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "postgres_backup", database "postgres", SSL encryption/);
            const { PGHOSTADDR: _network, ...overSocket } = asBackup({ PGHOST: pg.socketDir });
            expect(pg.psql(overSocket, "SELECT 1").stderr).to.match(/pg_hba\.conf rejects connection for host "\[local\]"/);
        });

        it("refuses a dump whose checksum does not match, and one without a checksum", () => {
            const name = dumpNames().at(-1)!;
            const copy = name.replace("-pre-deploy.dump", "-tampered.dump");
            const bytes = fs.readFileSync(path.join(dumps, name));
            bytes[Math.floor(bytes.length / 2)] ^= 0xff;
            fs.writeFileSync(path.join(dumps, copy), bytes);
            fs.writeFileSync(path.join(dumps, `${copy}.sha256`), fs.readFileSync(path.join(dumps, `${name}.sha256`), "utf8").replace(name, copy));
            const tampered = job("verify", copy);
            expect(tampered.status).to.equal(1);
            expect(tampered.stderr).to.contain(`${copy} does not match its SHA-256`);
            fs.rmSync(path.join(dumps, `${copy}.sha256`));
            expect(job("verify", copy).stderr).to.contain(`${copy} has no checksum file: refusing it`);
            fs.rmSync(path.join(dumps, copy));
            expect(job("verify", name).status).to.equal(0);
            expect(job("verify", "../etc/passwd").status).to.equal(2);
        });

        it("keeps the newest `keepCount` dumps younger than `keepDays`, and never the newest alone", () => {
            const { keepDays, keepCount } = pg.stack.settings.backup;
            const newest = dumpNames().at(-1)!;
            // Older dumps: copies named and dated as earlier runs' (one beyond the age limit).
            const fake = (daysAgo: number, i: number) => {
                const when = new Date(Date.now() - daysAgo * 86400_000 - i * 1000);
                const stamp = when.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
                const name = `${pg.postgres.env.POSTGRES_DB}-${stamp}-scheduled.dump`;
                fs.copyFileSync(path.join(dumps, newest), path.join(dumps, name));
                fs.writeFileSync(path.join(dumps, `${name}.sha256`), "");
                fs.utimesSync(path.join(dumps, name), when, when);
                return name;
            };
            const old = fake(keepDays + 1, 0);
            const recent = Array.from({ length: keepCount + 1 }, (_, i) => fake(0.5, i + 1));
            const run = job("run", "scheduled");
            expect(run.status, run.stderr).to.equal(0);
            const kept = dumpNames();
            expect(kept).to.have.length(keepCount);
            expect(kept).to.include(run.stdout.trim()).and.include(newest);
            expect(kept).to.not.include(old);
            expect(run.stderr).to.contain(`removed ${old} (retention: ${keepCount} dumps, ${keepDays} days)`);
            expect(recent.filter((r) => !kept.includes(r))).to.have.length(3);
            expect(metrics()['backup_kept_dumps{destination="volume"}']).to.equal(keepCount);
        });

        it("reports a failed run (status 0, the last success kept), removes nothing, and says how to create a missing role", () => {
            const before = metrics()[`${BACKUP_METRICS.lastSuccessTimestamp}{destination="volume"}`];
            const kept = dumpNames();
            expect(pg.psql(pg.superuser(), `DROP ROLE ${POSTGRES_BACKUP_USER}`).status).to.equal(0);
            const run = job("run", "scheduled");
            expect(run.status).to.equal(1);
            expect(run.stderr).to.contain(`PostgreSQL refused the role ${POSTGRES_BACKUP_USER}`).and.contain(`'npm run backup -- --stack ${pg.stack.stack}' creates it, then backs up`);
            expect(metrics()[`${BACKUP_METRICS.lastRunStatus}{destination="volume"}`]).to.equal(0);
            expect(metrics()[`${BACKUP_METRICS.lastSuccessTimestamp}{destination="volume"}`]).to.equal(before);
            expect(dumpNames()).to.deep.equal(kept);
            expect(fs.readdirSync(dumps).filter((f) => f.endsWith(".partial"))).to.deep.equal([]);
        });

        it("gets the role back on an existing database from the same init script, run again (idempotent), and succeeds", () => {
            const roleScript = pg.postgres.uploads.find((u) => u.file === CONFIG_PATHS.postgresBackupRoleScript)!;
            const env = { ...pg.superuser(), POSTGRES_USER: pg.postgres.env.POSTGRES_USER!, POSTGRES_DB: pg.postgres.env.POSTGRES_DB!, POSTGRES_PASSWORD_FILE: pg.files.hostPath(pg.postgres.env.POSTGRES_PASSWORD_FILE!) };
            for (let i = 0; i < 2; i++) {
                const created = pg.asServerUser("bash", [pg.files.hostPath(roleScript.file)], env);
                expect(created.status, created.stderr).to.equal(0);
            }
            const run = job("run", "scheduled");
            expect(run.status, run.stderr).to.equal(0);
            expect(metrics()[`${BACKUP_METRICS.lastRunStatus}{destination="volume"}`]).to.equal(1);
        });

        it("is unhealthy without the scheduler's heartbeat, and lists the dumps newest first", () => {
            const health = job("health");
            expect(health.status).to.equal(1);
            expect(health.stdout).to.contain("heartbeat is stale");
            const listed = job("list").stdout.trim().split("\n").map((l) => l.split("\t")[0]);
            expect(listed).to.deep.equal([...dumpNames()].reverse());
        });
    });
}
