import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { onContainers, uploadsEndingWith } from "../../lib/docker";
import { MIN_TLS_VERSION_SCHEMA, parsePgHba, parsePostgresqlConf, parseRedisConf, postgresTrue, tlsVersionRank } from "../../lib/serverConfigs";

/** Requires PostgreSQL to accept only TLS connections authenticated with SCRAM. */
export const requirePostgresTlsAndScram: ResourceValidationPolicy = {
    name: "require-postgres-tls-and-scram",
    description: "PostgreSQL has `ssl = on` (and the minimum TLS version), SCRAM password hashing, and pg_hba.conf allows network logins only over TLS with SCRAM, rejecting the rest explicitly.",
    remediationSteps: "In the rendered postgresql.conf set `ssl = on`, `ssl_min_protocol_version`, `password_encryption = scram-sha-256`; in pg_hba.conf use only `hostssl … scram-sha-256` lines and end with `hostnossl all all all reject`.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minTlsVersion: MIN_TLS_VERSION_SCHEMA } },
    validateResource: onContainers((c, args, report) => {
        const { minTlsVersion } = configOf(args, { minTlsVersion: "1.2" });
        for (const conf of uploadsEndingWith(c, "postgresql.conf")) {
            const settings = parsePostgresqlConf(conf.content);
            if (!postgresTrue(settings.get("ssl"))) report(`${conf.file}: \`ssl\` is not on.`);
            const encryption = settings.get("password_encryption");
            if (encryption !== undefined && encryption.toLowerCase() !== "scram-sha-256") report(`${conf.file}: \`password_encryption\` is ${encryption}; use scram-sha-256.`);
            // PostgreSQL's default minimum is TLSv1.2.
            const minProtocol = settings.get("ssl_min_protocol_version") ?? "TLSv1.2";
            if (!(tlsVersionRank(minProtocol) >= tlsVersionRank(minTlsVersion))) report(`${conf.file}: \`ssl_min_protocol_version\` is ${minProtocol}; at least TLS ${minTlsVersion} required.`);
        }
        for (const hba of uploadsEndingWith(c, "pg_hba.conf")) {
            const rules = parsePgHba(hba.content);
            for (const rule of rules) {
                if (rule.type === "host") report(`${hba.file}:${rule.line}: \`host\` accepts connections without TLS (\`${rule.text}\`); use \`hostssl\`.`);
                else if (rule.type === "hostnossl" && rule.method !== "reject") report(`${hba.file}:${rule.line}: \`hostnossl\` must \`reject\` (\`${rule.text}\`).`);
                if (rule.type.startsWith("host") && ["trust", "md5", "password"].includes(rule.method)) report(`${hba.file}:${rule.line}: method \`${rule.method}\` on a network rule (\`${rule.text}\`); use scram-sha-256.`);
            }
            if (!rules.some((r) => r.type === "hostnossl" && r.method === "reject")) report(`${hba.file}: no \`hostnossl … reject\` rule: connections without TLS are not rejected explicitly.`);
        }
    }),
};

/** Requires Redis to listen on TLS only, with authentication. */
export const requireRedisTlsAndAuth: ResourceValidationPolicy = {
    name: "require-redis-tls-and-auth",
    description: "Redis listens on TLS only (`port 0`, `tls-port`, certificate and key), accepts only allowed TLS versions, and requires authentication.",
    remediationSteps: "In the rendered redis.conf set `port 0`, `tls-port 6379`, `tls-cert-file`, `tls-key-file`, `tls-protocols`, and include the secret file with `requirepass` (or an ACL file).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minTlsVersion: MIN_TLS_VERSION_SCHEMA } },
    validateResource: onContainers((c, args, report) => {
        const { minTlsVersion } = configOf(args, { minTlsVersion: "1.2" });
        for (const conf of uploadsEndingWith(c, "redis.conf")) {
            const d = parseRedisConf(conf.content);
            const last = (name: string): string[] | undefined => {
                const all = d.get(name);
                return all ? all[all.length - 1] : undefined;
            };
            const port = last("port")?.[0];
            if (port !== "0") report(`${conf.file}: plain-TCP \`port\` is ${port ?? "6379 (default)"}; set \`port 0\`.`);
            const tlsPort = Number(last("tls-port")?.[0] ?? 0);
            if (!(tlsPort > 0)) report(`${conf.file}: no \`tls-port\`: Redis does not listen on TLS.`);
            for (const required of ["tls-cert-file", "tls-key-file"]) if (!last(required)?.[0]) report(`${conf.file}: \`${required}\` is not set.`);
            const protocols = last("tls-protocols")?.join(" ");
            // Redis' default accepts TLSv1.2 and TLSv1.3.
            const lowest = protocols ? Math.min(...protocols.split(/\s+/).map(tlsVersionRank)) : 2;
            if (!(lowest >= tlsVersionRank(minTlsVersion))) report(`${conf.file}: \`tls-protocols\` is "${protocols ?? "(default TLSv1.2 TLSv1.3)"}"; at least TLS ${minTlsVersion} required.`);
            if (!d.has("requirepass") && !d.has("include") && !d.has("aclfile") && !d.has("user")) report(`${conf.file}: no authentication (\`requirepass\`, an included secret file, \`aclfile\` or \`user\`).`);
        }
    }),
};
