import { expect } from "chai";
import { parse } from "yaml";
import { renderBlackboxConfig } from "../../../components/render/blackbox";
import { renderJaegerConfig } from "../../../components/render/jaeger";
import { renderPgHbaConf, renderPostgresInitScript, renderPostgresqlConf } from "../../../components/render/postgres";
import { renderRedisAuthConf, renderRedisConf } from "../../../components/render/redis";
import { buildSettings } from "../../../components/settings/buildSettings";
import { renderInputs } from "../../support/renderInputs";

const local = buildSettings({ project: "service-stack", stack: "dev", values: {}, secretKeys: new Set() });
const production = buildSettings({ project: "service-stack", stack: "production", values: { environment: "production", images: { api: "registry.example.com/api:1.0.0" }, domain: "example.com", acmeEmail: "ops@example.com" }, secretKeys: new Set() });

describe("postgresql.conf", () => {
    it("turns TLS on with the stack's minimum version and SCRAM hashing", () => {
        const conf = renderPostgresqlConf(renderInputs(local).postgresConf);
        expect(conf).to.contain("ssl = on\n").and.contain("ssl_min_protocol_version = 'TLSv1.2'\n").and.contain("password_encryption = 'scram-sha-256'\n");
        expect(conf).to.contain("ssl_key_file = '/etc/postgresql/tls/tls.key'\n").and.contain("hba_file = '/etc/postgresql/pg_hba.conf'\n");
        expect(renderPostgresqlConf(renderInputs(production).postgresConf)).to.contain("ssl_min_protocol_version = 'TLSv1.3'\n");
    });

    it("carries the production tuning", () => {
        const conf = renderPostgresqlConf(renderInputs(production).postgresConf);
        for (const line of ["max_connections = 200", "shared_buffers = '2048MB'", "effective_cache_size = '6144MB'", "work_mem = '10MB'", "wal_level = 'replica'"]) {
            expect(conf).to.contain(`${line}\n`);
        }
    });
});

describe("pg_hba.conf", () => {
    const hba = renderPgHbaConf(local);
    it("allows TLS with SCRAM and rejects every plaintext connection; the backup role only over TLS, only to the database", () => {
        expect(hba.trim().split("\n")).to.deep.equal([
            "local\tall\t\"postgres_backup\"\treject",
            "hostssl\t\"app\"\t\"postgres_backup\"\t0.0.0.0/0\tscram-sha-256",
            "hostssl\t\"app\"\t\"postgres_backup\"\t::/0\tscram-sha-256",
            "hostssl\tall\t\"postgres_backup\"\t0.0.0.0/0\treject",
            "hostssl\tall\t\"postgres_backup\"\t::/0\treject",
            "local\tall\tall\tscram-sha-256",
            "hostssl\tall\tall\t0.0.0.0/0\tscram-sha-256",
            "hostssl\tall\tall\t::/0\tscram-sha-256",
            "hostnossl\tall\tall\t0.0.0.0/0\treject",
            "hostnossl\tall\tall\t::/0\treject",
        ]);
    });
});

describe("the PostgreSQL init script", () => {
    const script = renderPostgresInitScript(local);
    it("reads passwords from files and binds them as psql variables, never into SQL text", () => {
        expect(script).to.contain('app_password="$(cat /run/secrets/postgres-app-password)"');
        expect(script).to.contain(`CREATE ROLE "app" LOGIN PASSWORD :'app_password';`);
        expect(script).to.contain('GRANT pg_monitor TO "postgres_exporter";');
        expect(script).to.contain("<<'SQL'");
        expect(script.startsWith("#!/usr/bin/env bash\n")).to.equal(true);
    });

    it("quotes every name as an identifier, so a name is never read as a key word", () => {
        expect(script).to.contain('ALTER DATABASE "app" OWNER TO "app";');
        expect(script).to.contain('GRANT ALL ON SCHEMA public TO "app";');
        expect(script.match(/(CREATE ROLE|ALTER DATABASE|GRANT [A-Za-z_ ]+ TO) [a-z]/g)).to.equal(null);
    });
});

describe("redis.conf", () => {
    it("speaks TLS only and keeps the password in a separate include", () => {
        const conf = renderRedisConf(renderInputs(local).redisConf);
        expect(conf).to.match(/^port 0$/m).and.match(/^tls-port 6379$/m).and.match(/^include \/run\/secrets\/redis-auth\.conf$/m);
        expect(conf).to.match(/^tls-protocols "TLSv1\.2 TLSv1\.3"$/m).and.match(/^maxmemory 192mb$/m);
        expect(conf).not.to.contain("requirepass");
        expect(renderRedisConf(renderInputs(production).redisConf)).to.match(/^tls-protocols TLSv1\.3$/m);
    });

    it("quotes a password with awkward characters in the auth include", () => {
        expect(renderRedisAuthConf('a b"c\\d')).to.equal('requirepass "a b\\"c\\\\d"\n');
        expect(renderRedisAuthConf("Abc123")).to.equal("requirepass Abc123\n");
    });
});

describe("the Jaeger v2 config", () => {
    const config = parse(renderJaegerConfig(renderInputs(production).jaeger));
    it("receives OTLP over TLS on 4317 and 4318 with the minimum version", () => {
        expect(config.receivers.otlp.protocols.grpc).to.deep.equal({ endpoint: "0.0.0.0:4317", tls: { cert_file: "/etc/jaeger/tls/tls.crt", key_file: "/etc/jaeger/tls/tls.key", min_version: "1.3" } });
        expect(config.receivers.otlp.protocols.http.endpoint).to.equal("0.0.0.0:4318");
    });
    it("stores traces in memory and serves the UI over TLS; health on loopback only", () => {
        expect(config.extensions.jaeger_storage.backends.memstore.memory.max_traces).to.equal(100000);
        expect(config.extensions.jaeger_query.http.tls.cert_file).to.equal("/etc/jaeger/tls/tls.crt");
        expect(config.extensions.healthcheckv2.http.endpoint).to.equal("127.0.0.1:13133");
        expect(config.service.pipelines.traces).to.deep.equal({ receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] });
    });
});

describe("the blackbox_exporter config", () => {
    it("trusts the internal CA without a domain and the public roots with one", () => {
        const withoutDomain = parse(renderBlackboxConfig(renderInputs(local).blackbox));
        expect(withoutDomain.modules.http_2xx.http.tls_config).to.deep.equal({ ca_file: "/etc/blackbox_exporter/tls/ca.crt" });
        expect(withoutDomain.modules.http_401.http.valid_status_codes).to.deep.equal([401]);
        expect(parse(renderBlackboxConfig(renderInputs(production).blackbox)).modules.http_2xx.http.tls_config).to.equal(undefined);
    });
});
