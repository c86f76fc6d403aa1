import { expect } from "chai";
import { RDS_ROLE_PASSWORD_ENV, renderRdsRolesSql } from "../../../components/render/rdsRoles";
import { quoteIdent, quoteLiteral } from "../../../components/render/sql";
import { buildSettings } from "../../../components/settings/buildSettings";

const settings = buildSettings({ project: "service-stack", stack: "production", values: { postgres: { appUser: "orders", database: "orders_db" } }, secretKeys: new Set() });

describe("renderRdsRolesSql", () => {
    const sql = renderRdsRolesSql(settings);
    const lines = sql.trim().split("\n");

    it("quotes identifiers and literals by doubling quotes", () => {
        expect(quoteIdent('we"ird')).to.equal('"we""ird"');
        expect(quoteLiteral("it's")).to.equal("'it''s'");
    });

    it("stops on the first error and reads every password from the environment, never from the file", () => {
        expect(lines.slice(0, 4)).to.deep.equal([
            "\\set ON_ERROR_STOP on",
            `\\getenv app_password ${RDS_ROLE_PASSWORD_ENV.app}`,
            `\\getenv exporter_password ${RDS_ROLE_PASSWORD_ENV.exporter}`,
            `\\getenv backup_password ${RDS_ROLE_PASSWORD_ENV.backup}`,
        ]);
        expect(lines.filter((l) => /PASSWORD/.test(l) && !l.startsWith("\\getenv"))).to.deep.equal([
            `ALTER ROLE "orders" WITH LOGIN PASSWORD :'app_password';`,
            `ALTER ROLE "postgres_exporter" WITH LOGIN PASSWORD :'exporter_password';`,
            `ALTER ROLE "postgres_backup" WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD :'backup_password';`,
        ]);
    });

    it("gives the backup task's role reading and read-only transactions, nothing else", () => {
        expect(sql).to.contain('GRANT pg_read_all_data TO "postgres_backup";');
        expect(sql).to.contain('ALTER ROLE "postgres_backup" SET default_transaction_read_only = on;');
    });

    it("creates each role only when missing, hands the database and schema to the application role, pg_monitor to the exporter", () => {
        expect(sql).to.contain(`SELECT format('CREATE ROLE %I LOGIN', 'orders') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'orders') \\gexec`);
        expect(sql).to.contain('ALTER DATABASE "orders_db" OWNER TO "orders";');
        expect(sql).to.contain('ALTER SCHEMA public OWNER TO "orders";');
        expect(sql).to.contain('GRANT pg_monitor TO "postgres_exporter";');
    });

    it("serialises concurrent runs with an advisory lock it releases at the end", () => {
        expect(lines[4]).to.equal("SELECT pg_advisory_lock(hashtext('service-stack-production roles'));");
        expect(lines[lines.length - 1]).to.equal("SELECT pg_advisory_unlock(hashtext('service-stack-production roles'));");
    });
});
