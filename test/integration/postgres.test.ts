import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { eventually, suiteServers } from "../support/servers";
import { DOCKER_TARGETS, materialise, Materialised, RenderedContainer, RenderedStack } from "../support/stackFiles";
import { StackPostgres, startStackPostgres } from "../support/stackPostgres";

/**
 * PostgreSQL 18 started from the files the program uploads into the `postgres` container (test/support/stackPostgres.ts:
 * initdb with the container's arguments, every init script, our postgresql.conf and pg_hba.conf). Clients connect with
 * the settings the program gives its consumers (the API's DATABASE_* variables, postgres_exporter's DATA_SOURCE_*),
 * each to the server's alias pointed at 127.0.0.1, TLS verified against the CA.
 */

/** `key = value` lines of a postgresql.conf, values unquoted. */
function parseConf(text: string): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const line of text.split("\n")) {
        const match = /^(\w+)\s*=\s*(.*)$/.exec(line.trim());
        if (match) entries[match[1]!] = match[2]!.replace(/^'(.*)'$/, "$1").replace(/''/g, "'");
    }
    return entries;
}

/** libpq's name of the stack's minimum TLS version, and of the version just below it. */
const TLS_VERSIONS = {
    "1.3": { minimum: "TLSv1.3", below: "TLSv1.2", belowFlag: "-tls1_2" },
    "1.2": { minimum: "TLSv1.2", below: "TLSv1.1", belowFlag: "-tls1_1" },
} as const;

for (const target of DOCKER_TARGETS) {
    describe(`PostgreSQL 18 on loopback with the files uploaded for ${target.label}`, function () {
        const servers = suiteServers();
        let pg: StackPostgres;
        let stack: RenderedStack;
        let postgres: RenderedContainer;
        let files: Materialised;
        let api: { container: RenderedContainer; files: Materialised };
        let exporter: { container: RenderedContainer; files: Materialised };
        let conf: Record<string, string>;
        let port: number;
        let openssl: string;
        let psql: StackPostgres["psql"];
        let superuser: StackPostgres["superuser"];

        /** How the API connects: its DATABASE_* variables, the alias pointed at loopback, files from its own uploads. */
        function asApi(overrides: Record<string, string> = {}): Record<string, string> {
            const env = api.container.env;
            return {
                PGHOST: env.DATABASE_HOST!,
                PGHOSTADDR: "127.0.0.1",
                PGPORT: String(port),
                PGDATABASE: env.DATABASE_NAME!,
                PGUSER: env.DATABASE_USER!,
                PGPASSWORD: api.files.read(env.DATABASE_PASSWORD_FILE!),
                PGSSLMODE: env.DATABASE_SSLMODE!,
                PGSSLROOTCERT: api.files.hostPath(env.DATABASE_SSLROOTCERT!),
                ...overrides,
            };
        }

        before(async function () {
            this.timeout(180000);
            pg = await startStackPostgres(this, servers, target);
            ({ stack, postgres, files, port, openssl, psql, superuser } = pg);
            api = { container: stack.containers.api!, files: materialise(stack.containers.api!, { root: path.join(pg.root, "api"), ca: pg.ca, stack }) };
            exporter = {
                container: stack.containers["postgres-exporter"]!,
                files: materialise(stack.containers["postgres-exporter"]!, { root: path.join(pg.root, "postgres-exporter"), ca: pg.ca, stack }),
            };
            const configFile = postgres.command.find((a) => a.startsWith("config_file="))!.slice("config_file=".length);
            conf = parseConf(files.read(configFile));
        });

        it("runs our postgresql.conf and pg_hba.conf, on a cluster initialised with the container's initdb arguments", () => {
            // Some of these are visible to superusers only: ask as the superuser, over the socket as the entrypoint does.
            const shown = psql(superuser(), "SELECT name || '=' || setting FROM pg_settings WHERE name IN ('config_file', 'hba_file', 'max_connections', 'wal_level', 'password_encryption', 'ssl', 'ssl_min_protocol_version', 'data_checksums') ORDER BY name");
            expect(shown.status, shown.stderr).to.equal(0);
            const settings = Object.fromEntries(shown.stdout.trim().split("\n").map((l) => l.split("=")));
            expect(settings).to.deep.equal({
                config_file: files.hostPath(postgres.command.find((a) => a.startsWith("config_file="))!.slice("config_file=".length)),
                data_checksums: "on",
                hba_file: conf.hba_file,
                max_connections: conf.max_connections,
                password_encryption: conf.password_encryption,
                ssl: "on",
                ssl_min_protocol_version: conf.ssl_min_protocol_version,
                wal_level: conf.wal_level,
            });
            const memory = psql(asApi(), ["shared_buffers", "effective_cache_size", "work_mem"]
                .map((name) => `SELECT pg_size_bytes(current_setting('${name}')) = pg_size_bytes('${conf[name]}')`).join(" UNION ALL "));
            expect(memory.stdout.trim().split("\n"), memory.stderr).to.deep.equal(["t", "t", "t"]);
        });

        it("created the application role as the database owner, and the exporter role in pg_monitor, from the init script", () => {
            const app = asApi().PGUSER!;
            const roles = psql(asApi(), `SELECT pg_get_userbyid(datdba) = '${app}', rolsuper, pg_has_role('postgres_exporter', 'pg_monitor', 'MEMBER') FROM pg_database, pg_roles WHERE datname = current_database() AND rolname = '${app}'`);
            expect(roles.status, roles.stderr).to.equal(0);
            expect(roles.stdout.trim()).to.equal("t|f|t");
        });

        it("lets the API in as it is configured: verify-full against the CA, its password file, over TLS", () => {
            const session = psql(asApi(), "SELECT current_user, ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            expect(session.status, session.stderr).to.equal(0);
            const [user, ssl, version] = session.stdout.trim().split("|");
            expect([user, ssl]).to.deep.equal([asApi().PGUSER, "t"]);
            expect(["TLSv1.2", "TLSv1.3"]).to.include(version);
            expect(version! >= conf.ssl_min_protocol_version!).to.equal(true);
        });

        it("lets postgres_exporter in with its DATA_SOURCE_URI, user and password file", () => {
            const env = exporter.container.env;
            const uri = new URL(`postgresql://${env.DATA_SOURCE_URI}`);
            const session = psql({
                PGHOST: uri.hostname,
                PGHOSTADDR: "127.0.0.1",
                PGPORT: String(port),
                PGDATABASE: uri.pathname.slice(1),
                PGUSER: env.DATA_SOURCE_USER!,
                PGPASSWORD: exporter.files.read(env.DATA_SOURCE_PASS_FILE!),
                PGSSLMODE: uri.searchParams.get("sslmode")!,
                PGSSLROOTCERT: exporter.files.hostPath(uri.searchParams.get("sslrootcert")!),
            }, "SELECT current_user, pg_has_role('pg_monitor', 'MEMBER')");
            expect(session.status, session.stderr).to.equal(0);
            expect(session.stdout.trim()).to.equal("postgres_exporter|t");
            expect(uri.searchParams.get("sslmode")).to.equal("verify-full");
        });

        it("fails verification for a name its certificate does not carry", () => {
            const session = psql(asApi({ PGHOST: "localhost" }), "SELECT 1");
            expect(session.status).to.not.equal(0);
            expect(session.stderr).to.match(/server certificate for "[^"]+" does not match host name "localhost"/);
        });

        it("refuses a plaintext connection", () => {
            const session = psql(asApi({ PGSSLMODE: "disable" }), "SELECT 1");
            expect(session.status).to.not.equal(0);
            expect(session.stderr).to.match(/pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "[^"]+", database "[^"]+", no encryption/);
        });

        it("refuses a wrong password", () => {
            const session = psql(asApi({ PGPASSWORD: "not-the-generated-password" }), "SELECT 1");
            expect(session.status).to.not.equal(0);
            expect(session.stderr).to.match(/password authentication failed for user "[^"]+"/);
        });

        it("refuses a client whose highest TLS version is below the configured minimum, and accepts the minimum", async () => {
            // The stack's setting, not the file's: the file must carry it.
            const { minimum, belowFlag } = TLS_VERSIONS[stack.settings.tls.minVersion];
            const atMinimum = psql(asApi({ PGSSLMINPROTOCOLVERSION: minimum, PGSSLMAXPROTOCOLVERSION: minimum }), "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            expect(atMinimum.status, atMinimum.stderr).to.equal(0);
            expect(atMinimum.stdout.trim()).to.equal(minimum);

            const before = servers.log("postgres").length;
            // libpq's OpenSSL 3.5 will not even offer TLS 1.1 at its security level, so the client below the minimum is
            // openssl s_client speaking PostgreSQL's SSLRequest, with the security level lowered to allow the attempt.
            const below = spawnSync(openssl, ["s_client", "-connect", `127.0.0.1:${port}`, "-starttls", "postgres", belowFlag, "-cipher", "DEFAULT@SECLEVEL=0"], { input: "", encoding: "utf8", timeout: 10000 });
            expect(below.status, below.stdout).to.not.equal(0);
            expect(below.stderr + below.stdout).to.match(/alert protocol version|unsupported protocol|no protocols available/i);
            // The server, not only the client, turned it down: it logs the failed handshake and its own range.
            const refusal = await eventually("the server logging the refused handshake", 5000, async () =>
                /could not accept SSL connection: unsupported protocol[\s\S]*/.exec(servers.log("postgres").slice(before))?.[0]);
            expect(refusal).to.contain(`between ${minimum} and TLSv1.3`);
        });
    });
}
