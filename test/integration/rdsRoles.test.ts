import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RDS_ROLE_PASSWORD_ENV, renderRdsRolesSql } from "../../components/render/rdsRoles";
import { POSTGRES_BACKUP_USER, POSTGRES_EXPORTER_USER } from "../../components/workloads/catalogue";
import { buildSettings } from "../../components/settings/buildSettings";
import { announceVersion, postgresBin, requireTool, tempDir } from "../support/tools";

/**
 * The role set-up script run by psql 18 against a real PostgreSQL 18, as an administrator shaped like RDS's (not a
 * superuser; CREATEROLE, owner of the application database): it sets up both roles, runs again unchanged, and a
 * second run with new passwords rotates them. Passwords are checked by logging in with SCRAM.
 */

const settings = buildSettings({ project: "service-stack", stack: "production", values: {}, secretKeys: new Set() });
const PORT = 55439;
const ADMIN = "stack_admin";

describe("the RDS role set-up script against PostgreSQL", function () {
    let bin: string;
    let socketDir: string;
    let cleanup: () => void;
    let asPostgres: string[] = [];
    let script: string;

    const run = (tool: string, args: string[], env: Record<string, string> = {}) =>
        spawnSync(asPostgres[0] ?? tool, [...asPostgres.slice(1), ...(asPostgres.length > 0 ? [tool] : []), ...args], {
            encoding: "utf8",
            env: { ...process.env, ...env },
            timeout: 30000,
        });
    const psql = (user: string, sql: string, env: Record<string, string> = {}) =>
        run("psql", ["--no-psqlrc", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(PORT), "-U", user, "-d", settings.postgres.database, "-c", sql], env);
    const applyScript = (appPassword: string, exporterPassword: string, backupPassword = "first-backup-password") =>
        run("psql", ["--no-psqlrc", "-X", "-h", socketDir, "-p", String(PORT), "-U", ADMIN, "-d", settings.postgres.database, "--file", script], {
            [RDS_ROLE_PASSWORD_ENV.app]: appPassword,
            [RDS_ROLE_PASSWORD_ENV.exporter]: exporterPassword,
            [RDS_ROLE_PASSWORD_ENV.backup]: backupPassword,
        });

    before(function () {
        requireTool(this, "psql", "bash .ci/install-tools.sh");
        const found = postgresBin();
        if (!found) requireTool(this, "initdb", "bash .ci/install-tools.sh");
        bin = found!;
        announceVersion("PostgreSQL", path.join(bin, "postgres"));
        const temp = tempDir("rds-roles");
        socketDir = temp.dir;
        cleanup = temp.cleanup;
        // initdb refuses to run as root: run the server as the postgres user when we are root.
        if (process.getuid?.() === 0) {
            const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
            const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
            fs.chownSync(socketDir, uid, gid);
            asPostgres = ["runuser", "-u", "postgres", "--"];
        }
        const data = path.join(socketDir, "data");
        const init = run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
        expect(init.status, init.stderr).to.equal(0);
        // The application roles log in with SCRAM passwords; the superuser and the administrator are trusted locally.
        fs.writeFileSync(path.join(data, "pg_hba.conf"), [
            `local all ${settings.postgres.appUser} scram-sha-256`,
            `local all ${POSTGRES_EXPORTER_USER} scram-sha-256`,
            `local all ${POSTGRES_BACKUP_USER} scram-sha-256`,
            "local all all trust",
            "",
        ].join("\n"));
        const start = run(path.join(bin, "pg_ctl"), ["-D", data, "-w", "-l", path.join(socketDir, "log"), "-o", `-k ${socketDir} -p ${PORT} -c listen_addresses=''`, "start"]);
        expect(start.status, start.stderr + start.stdout).to.equal(0);
        const setup = run("psql", ["--no-psqlrc", "-X", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(PORT), "-U", "postgres", "-d", "postgres",
            "-c", `CREATE ROLE ${ADMIN} LOGIN CREATEROLE CREATEDB`,
            "-c", `CREATE DATABASE ${settings.postgres.database} OWNER ${ADMIN}`,
            "-c", `GRANT pg_monitor TO ${ADMIN} WITH ADMIN OPTION`,
            // As RDS gives rds_superuser (of which the administrator is a member) the predefined roles to hand on.
            "-c", `GRANT pg_read_all_data TO ${ADMIN} WITH ADMIN OPTION`]);
        expect(setup.status, setup.stderr).to.equal(0);
        script = path.join(socketDir, "roles.sql");
        fs.writeFileSync(script, renderRdsRolesSql(settings));
        fs.chmodSync(script, 0o644);
    });

    after(() => {
        if (bin) run(path.join(bin, "pg_ctl"), ["-D", path.join(socketDir, "data"), "-m", "immediate", "stop"]);
        cleanup?.();
    });

    it("sets up the application and exporter roles as a non-superuser administrator", () => {
        const first = applyScript("first-app-password", "first-exporter-password");
        expect(first.status, first.stderr).to.equal(0);
        expect(psql("postgres", `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${settings.postgres.database}'`).stdout.trim()).to.equal(settings.postgres.appUser);
        expect(psql("postgres", `SELECT pg_has_role('${POSTGRES_EXPORTER_USER}', 'pg_monitor', 'MEMBER')`).stdout.trim()).to.equal("t");
        expect(psql("postgres", `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = '${settings.postgres.appUser}'`).stdout.trim()).to.equal("f|f");
    });

    it("sets up the backup task's role: reading every row in read-only transactions, writing nothing", () => {
        expect(psql("postgres", `SELECT rolsuper, rolcreatedb, rolcreaterole, pg_has_role('${POSTGRES_BACKUP_USER}', 'pg_read_all_data', 'MEMBER') FROM pg_roles WHERE rolname = '${POSTGRES_BACKUP_USER}'`).stdout.trim()).to.equal("f|f|f|t");
        const asBackup = { PGPASSWORD: "first-backup-password" };
        expect(psql(settings.postgres.appUser, "CREATE TABLE IF NOT EXISTS orders_probe (id int); INSERT INTO orders_probe VALUES (1)", { PGPASSWORD: "first-app-password" }).status).to.equal(0);
        expect(psql(POSTGRES_BACKUP_USER, "SELECT count(*) FROM orders_probe", asBackup).stdout.trim()).to.equal("1");
        const write = psql(POSTGRES_BACKUP_USER, "INSERT INTO orders_probe VALUES (2)", asBackup);
        expect(write.status).to.not.equal(0);
        expect(write.stderr).to.match(/read-only transaction|permission denied/);
        const dump = run(path.join(bin, "pg_dump"), ["-h", socketDir, "-p", String(PORT), "-U", POSTGRES_BACKUP_USER, "-d", settings.postgres.database, "--format=custom", "--file", path.join(socketDir, "probe.dump")], asBackup);
        expect(dump.status, dump.stderr).to.equal(0);
    });

    it("stores SCRAM hashes that log the roles in with their passwords, and refuses others", () => {
        expect(psql("postgres", `SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '${settings.postgres.appUser}'`).stdout.trim()).to.equal("SCRAM-SHA-256$");
        expect(psql(settings.postgres.appUser, "SELECT current_user", { PGPASSWORD: "first-app-password" }).stdout.trim()).to.equal(settings.postgres.appUser);
        expect(psql(POSTGRES_EXPORTER_USER, "SELECT 1", { PGPASSWORD: "first-exporter-password" }).status).to.equal(0);
        expect(psql(settings.postgres.appUser, "SELECT 1", { PGPASSWORD: "wrong" }).status).not.to.equal(0);
    });

    it("runs again without error, and a rotated password takes effect", () => {
        const again = applyScript("second-app-password", "first-exporter-password", "second-backup-password");
        expect(again.status, again.stderr).to.equal(0);
        expect(psql(settings.postgres.appUser, "SELECT 1", { PGPASSWORD: "second-app-password" }).status).to.equal(0);
        expect(psql(settings.postgres.appUser, "SELECT 1", { PGPASSWORD: "first-app-password" }).status).not.to.equal(0);
        expect(psql(POSTGRES_BACKUP_USER, "SELECT 1", { PGPASSWORD: "second-backup-password" }).status).to.equal(0);
    });

    it("never prints a password", () => {
        const output = applyScript("third-app-password", "third-exporter-password", "third-backup-password");
        expect(output.status, output.stderr).to.equal(0);
        expect(output.stdout + output.stderr).not.to.contain("third-");
    });
});
