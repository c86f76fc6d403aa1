import { expect } from "chai";
import { parsePgHba, parsePostgresqlConf, parseRedisConf, tlsVersionRank } from "../../../policy/lib/serverConfigs";
import { requirePostgresTlsAndScram, requireRedisTlsAndAuth } from "../../../policy/policies/tls/dataStores";
import { changed, compliantContainer, encrypted, upload } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

describe("server config readers", () => {
    it("reads postgresql.conf settings with quotes, comments and both separators", () => {
        const conf = parsePostgresqlConf("ssl = on # tls\nssl_min_protocol_version='TLSv1.3'\nlisten_addresses '*'\n");
        expect(Object.fromEntries(conf)).to.deep.equal({ ssl: "on", ssl_min_protocol_version: "TLSv1.3", listen_addresses: "*" });
    });
    it("finds the method of pg_hba rules, with and without a separate netmask", () => {
        const rules = parsePgHba("local all all scram-sha-256\nhostssl all all 10.0.0.0 255.0.0.0 scram-sha-256\nhostnossl all all all reject\n");
        expect(rules.map((r) => [r.type, r.method])).to.deep.equal([["local", "scram-sha-256"], ["hostssl", "scram-sha-256"], ["hostnossl", "reject"]]);
    });
    it("reads redis.conf directives with quoted arguments", () => {
        expect(parseRedisConf("tls-protocols \"TLSv1.2 TLSv1.3\"\nport 0\n").get("tls-protocols")).to.deep.equal([["TLSv1.2 TLSv1.3"]]);
    });
    it("orders the TLS version spellings of PostgreSQL, Redis, Go and our settings", () => {
        expect(["TLSv1.2", "TLS12", "1.2", "VersionTLS13", "TLSv1.3", "TLSv1"].map(tlsVersionRank)).to.deep.equal([2, 2, 2, 3, 3, NaN]);
    });
});

const POSTGRESQL_CONF = [
    "listen_addresses = '*'",
    "ssl = on",
    "ssl_cert_file = '/etc/postgresql/tls/tls.crt'",
    "ssl_key_file = '/etc/postgresql/tls/tls.key'",
    "ssl_min_protocol_version = 'TLSv1.3'",
    "password_encryption = 'scram-sha-256'",
    "hba_file = '/etc/postgresql/pg_hba.conf'",
].join("\n");
const PG_HBA = [
    "local   all  all                scram-sha-256",
    "hostssl all  all  0.0.0.0/0     scram-sha-256",
    "hostssl all  all  ::/0          scram-sha-256",
    "hostnossl all all 0.0.0.0/0     reject",
    "hostnossl all all ::/0          reject",
].join("\n");
const postgres = compliantContainer("service-stack-test-postgres", {
    uploads: [upload("/etc/postgresql/postgresql.conf", POSTGRESQL_CONF), upload("/etc/postgresql/pg_hba.conf", PG_HBA)],
});
const pgConf = (text: string) => changed(postgres, (i) => { i.uploads[0].content = text; });
const hba = (text: string) => changed(postgres, (i) => { i.uploads[1].content = text; });
specifyResourcePolicy(requirePostgresTlsAndScram, postgres, [
    { when: "ssl is off", input: pgConf(POSTGRESQL_CONF.replace("ssl = on", "ssl = off")), violations: [/`ssl` is not on/] },
    { when: "passwords are hashed with md5", input: pgConf(POSTGRESQL_CONF.replace("'scram-sha-256'", "md5")), violations: [/password_encryption.*md5/] },
    { when: "TLS 1.2 is accepted where 1.3 is required", input: pgConf(POSTGRESQL_CONF.replace("TLSv1.3", "TLSv1.2")), config: { minTlsVersion: "1.3" }, violations: [/TLSv1.2; at least TLS 1.3/] },
    { when: "the minimum is PostgreSQL's default TLSv1.2 and 1.2 is allowed", input: pgConf(POSTGRESQL_CONF.replace(/ssl_min_protocol_version.*\n/, "")), config: { minTlsVersion: "1.2" } },
    { when: "a `host` rule accepts plain TCP", input: hba(`${PG_HBA}\nhost all all 10.0.0.0/8 scram-sha-256`), violations: [/`host` accepts connections without TLS/] },
    { when: "a TLS rule trusts without a password", input: hba(PG_HBA.replace("0.0.0.0/0     scram-sha-256", "0.0.0.0/0 trust")), violations: [/method `trust`/] },
    { when: "a TLS rule uses md5", input: hba(PG_HBA.replace("::/0          scram-sha-256", "::/0 md5")), violations: [/method `md5`/] },
    { when: "`hostnossl` allows instead of rejecting", input: hba(PG_HBA.replace("0.0.0.0/0     reject", "0.0.0.0/0 scram-sha-256")), violations: [/`hostnossl` must `reject`/] },
    { when: "no rule rejects non-TLS connections explicitly", input: hba(PG_HBA.split("\n").slice(0, 3).join("\n")), violations: [/no `hostnossl … reject` rule/] },
    { when: "the config is an encrypted secret in a state file", input: changed(postgres, (i) => { i.uploads[0].content = encrypted(); }) },
    { when: "the whole uploads list is encrypted in a state file (one secret file makes it so)", input: changed(postgres, (i) => { i.uploads = encrypted(); }) },
], { minTlsVersion: "1.3" });

const REDIS_CONF = [
    "port 0",
    "tls-port 6379",
    "tls-cert-file /usr/local/etc/redis/tls/tls.crt",
    "tls-key-file /usr/local/etc/redis/tls/tls.key",
    "tls-ca-cert-file /usr/local/etc/redis/tls/ca.crt",
    "tls-protocols \"TLSv1.2 TLSv1.3\"",
    "include /run/secrets/redis-auth.conf",
].join("\n");
const redis = compliantContainer("service-stack-test-redis", { uploads: [upload("/usr/local/etc/redis/redis.conf", REDIS_CONF)] });
const redisConf = (text: string) => changed(redis, (i) => { i.uploads[0].content = text; });
specifyResourcePolicy(requireRedisTlsAndAuth, redis, [
    { when: "plain TCP stays on the default port", input: redisConf(REDIS_CONF.replace("port 0\n", "")), violations: [/plain-TCP `port` is 6379 \(default\)/] },
    { when: "there is no TLS port", input: redisConf(REDIS_CONF.replace("tls-port 6379\n", "")), violations: [/no `tls-port`/] },
    { when: "the TLS key is missing", input: redisConf(REDIS_CONF.replace(/tls-key-file.*\n/, "")), violations: [/`tls-key-file` is not set/] },
    { when: "TLS 1.2 is allowed where 1.3 is required", input: redis, config: { minTlsVersion: "1.3" }, violations: [/TLSv1.2 TLSv1.3.*at least TLS 1.3/] },
    { when: "only TLS 1.3 is allowed where 1.3 is required", input: redisConf(REDIS_CONF.replace("\"TLSv1.2 TLSv1.3\"", "TLSv1.3")), config: { minTlsVersion: "1.3" } },
    { when: "there is no authentication", input: redisConf(REDIS_CONF.replace(/include.*$/, "")), violations: [/no authentication/] },
    { when: "the password is inline (still authentication)", input: redisConf(REDIS_CONF.replace(/include.*$/, "requirepass xyz")) },
]);
