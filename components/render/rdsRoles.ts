import { POSTGRES_BACKUP_USER, POSTGRES_EXPORTER_USER } from "../workloads/catalogue";
import type { StackSettings } from "../settings/types";
import { quoteIdent, quoteLiteral } from "./sql";

/** Environment variables the psql client reads the role passwords from (ECS `secrets`, never this file). */
export const RDS_ROLE_PASSWORD_ENV = { app: "APP_PASSWORD", exporter: "EXPORTER_PASSWORD", backup: "BACKUP_PASSWORD" } as const;

/**
 * The psql script that sets up the database roles on RDS (where no init script runs): the application role owning
 * its database and the `public` schema, postgres_exporter as a member of pg_monitor, and the backup task's dump-only
 * role as a member of pg_read_all_data with read-only transactions (RDS lets no role bypass row-level security, so
 * a table with a policy stops its pg_dump; README "Backups and restore"). Run by the API task before
 * the API starts, as the RDS administrator; idempotent (roles are created once, passwords set every time, so a
 * rotated password takes effect at the next start) and serialised by an advisory lock, since several API tasks may
 * start at once. Holds no secret: psql reads the passwords from the environment with `\getenv` (psql 15 or later)
 * and interpolates them as literals (`:'var'`). ON_ERROR_STOP makes any failure fail the container.
 */
export function renderRdsRolesSql(settings: Pick<StackSettings, "postgres" | "namePrefix">): string {
    const app = settings.postgres.appUser;
    const db = settings.postgres.database;
    const lockKey = quoteLiteral(`${settings.namePrefix} roles`);
    const ensureRole = (role: string) =>
        `SELECT format('CREATE ROLE %I LOGIN', ${quoteLiteral(role)}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(role)}) \\gexec`;
    return [
        "\\set ON_ERROR_STOP on",
        `\\getenv app_password ${RDS_ROLE_PASSWORD_ENV.app}`,
        `\\getenv exporter_password ${RDS_ROLE_PASSWORD_ENV.exporter}`,
        `\\getenv backup_password ${RDS_ROLE_PASSWORD_ENV.backup}`,
        `SELECT pg_advisory_lock(hashtext(${lockKey}));`,
        ensureRole(app),
        `ALTER ROLE ${quoteIdent(app)} WITH LOGIN PASSWORD :'app_password';`,
        // The administrator is not a superuser on RDS: it must be a member of the role it hands ownership to.
        `GRANT ${quoteIdent(app)} TO CURRENT_USER;`,
        `ALTER DATABASE ${quoteIdent(db)} OWNER TO ${quoteIdent(app)};`,
        `ALTER SCHEMA public OWNER TO ${quoteIdent(app)};`,
        ensureRole(POSTGRES_EXPORTER_USER),
        `ALTER ROLE ${quoteIdent(POSTGRES_EXPORTER_USER)} WITH LOGIN PASSWORD :'exporter_password';`,
        `GRANT pg_monitor TO ${quoteIdent(POSTGRES_EXPORTER_USER)};`,
        ensureRole(POSTGRES_BACKUP_USER),
        `ALTER ROLE ${quoteIdent(POSTGRES_BACKUP_USER)} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD :'backup_password';`,
        `ALTER ROLE ${quoteIdent(POSTGRES_BACKUP_USER)} SET default_transaction_read_only = on;`,
        `GRANT pg_read_all_data TO ${quoteIdent(POSTGRES_BACKUP_USER)};`,
        `SELECT pg_advisory_unlock(hashtext(${lockKey}));`,
        "",
    ].join("\n");
}
