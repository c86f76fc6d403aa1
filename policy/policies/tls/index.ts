import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { checkedExemptions, configOf, globMatches, schemaWithExemptions } from "../../lib/config";
import { onContainers, uploadFiles, uploadsEndingWith } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { MIN_TLS_VERSION_SCHEMA, parsePgHba, parsePostgresqlConf, parseRedisConf, postgresTrue, tlsVersionRank } from "../../lib/serverConfigs";

export const TLS = {
    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
} as const;

/** Requires private keys of adequate strength: RSA ≥ minRsaBits, ECDSA on an allowed curve, or Ed25519. */
export const requireStrongPrivateKeys: ResourceValidationPolicy = {
    name: "require-strong-private-keys",
    description: "TLS private keys are RSA of at least 2048 bits, ECDSA on P-256 or stronger, or Ed25519.",
    remediationSteps: "Create the tls.PrivateKey with `algorithm: \"ECDSA\", ecdsaCurve: \"P256\"` (or P384), or RSA with `rsaBits` ≥ the minimum.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minRsaBits: { type: "integer", minimum: 2048, default: 2048 },
            allowedCurves: { type: "array", items: { type: "string", enum: ["P224", "P256", "P384", "P521"] }, default: ["P256", "P384", "P521"] },
        },
    },
    validateResource: onTypes<{ algorithm?: string; rsaBits?: number; ecdsaCurve?: string }>([TLS.privateKey], (props, args, report) => {
        const { minRsaBits, allowedCurves } = configOf(args, { minRsaBits: 2048, allowedCurves: ["P256", "P384", "P521"] });
        const algorithm = String(props.algorithm ?? "").toUpperCase();
        if (algorithm === "RSA") {
            // The provider's default is 2048 bits.
            const bits = props.rsaBits ?? 2048;
            if (Number(bits) < minRsaBits) report(`RSA key of ${bits} bits; at least ${minRsaBits} required.`);
        } else if (algorithm === "ECDSA") {
            // The provider's default curve is P224, which is too weak: the curve must be explicit.
            const curve = props.ecdsaCurve ?? "P224";
            if (!allowedCurves.includes(String(curve))) report(`ECDSA key on curve ${curve}${props.ecdsaCurve ? "" : " (the provider default)"}; use one of ${allowedCurves.join(", ")}.`);
        } else if (algorithm !== "ED25519") {
            report(`Unknown key algorithm "${props.algorithm ?? ""}".`);
        }
    }),
};

const HOURS_PER_DAY = 24;
const CERT_DEFAULTS = { maxValidityHours: 825 * HOURS_PER_DAY, maxCaValidityHours: 3650 * HOURS_PER_DAY };

/** Requires bounded certificate lifetimes and early renewal on `pulumi up`. */
export const requireBoundedCertificateValidity: ResourceValidationPolicy = {
    name: "require-bounded-certificate-validity",
    description: "Certificates expire within the configured maximum (CA certificates within their own) and renew early (`earlyRenewalHours` > 0, below the validity).",
    remediationSteps: "Lower `tls.certValidityDays` / `tls.caValidityDays` in the stack config and keep `tls.earlyRenewalDays` ≥ 1, so `pulumi up` re-issues before expiry.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxValidityHours: { type: "integer", minimum: 1, default: CERT_DEFAULTS.maxValidityHours },
            maxCaValidityHours: { type: "integer", minimum: 1, default: CERT_DEFAULTS.maxCaValidityHours },
        },
    },
    validateResource: onTypes<{ validityPeriodHours?: number; earlyRenewalHours?: number; isCaCertificate?: boolean }>([TLS.selfSignedCert, TLS.locallySignedCert], (props, args, report) => {
        const { maxValidityHours, maxCaValidityHours } = configOf(args, CERT_DEFAULTS);
        const isCa = props.isCaCertificate === true;
        const max = isCa ? maxCaValidityHours : maxValidityHours;
        const validity = Number(props.validityPeriodHours);
        if (!(validity > 0)) report("`validityPeriodHours` is not set.");
        else if (validity > max) report(`${isCa ? "CA certificate" : "Certificate"} valid for ${validity} hours (${Math.round(validity / HOURS_PER_DAY)} days); at most ${max} hours (${Math.round(max / HOURS_PER_DAY)} days) allowed.`);
        const early = Number(props.earlyRenewalHours ?? 0);
        if (!(early > 0)) report("`earlyRenewalHours` is not set: the certificate is only replaced after it has expired.");
        else if (validity > 0 && early >= validity) report(`\`earlyRenewalHours\` (${early}) is not below the validity (${validity}): every update would re-issue it.`);
    }),
};

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

const WEB_CONFIG_DEFAULTS = {
    webConfigPaths: ["*/web.yml", "*/web-config.yml"],
    basicAuthPaths: ["/etc/prometheus/web.yml", "/etc/alertmanager/web.yml"],
    minTlsVersion: "1.2",
};

/** Requires exporter-toolkit web configs (Prometheus, Alertmanager, exporters) to serve TLS, with basic auth where required. */
export const requireWebConfigTlsAndAuth: ResourceValidationPolicy = {
    name: "require-web-config-tls-and-auth",
    description: "Prometheus, Alertmanager and exporter web configs (web.yml) serve TLS with the minimum version; Prometheus and Alertmanager also require basic auth.",
    remediationSteps: "Render web.yml with `tls_server_config` (cert_file, key_file, min_version) and, for Prometheus and Alertmanager, `basic_auth_users` with a bcrypt hash.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            webConfigPaths: { type: "array", items: { type: "string" }, default: WEB_CONFIG_DEFAULTS.webConfigPaths },
            basicAuthPaths: { type: "array", items: { type: "string" }, default: WEB_CONFIG_DEFAULTS.basicAuthPaths },
            minTlsVersion: MIN_TLS_VERSION_SCHEMA,
        },
    },
    validateResource: onContainers((c, args, report) => {
        const { webConfigPaths, basicAuthPaths, minTlsVersion } = configOf(args, WEB_CONFIG_DEFAULTS);
        for (const upload of uploadFiles(c)) {
            if (!webConfigPaths.some((g) => globMatches(g, upload.file)) || typeof upload.content !== "string") continue;
            let doc: { tls_server_config?: Record<string, unknown>; basic_auth_users?: Record<string, unknown> } | null;
            try {
                doc = parse(upload.content) as typeof doc;
            } catch (error) {
                report(`${upload.file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
                continue;
            }
            const tls = doc?.tls_server_config;
            if (!tls || !(tls.cert_file || tls.cert) || !(tls.key_file || tls.key)) {
                report(`${upload.file} has no \`tls_server_config\` with a certificate and key: the endpoint speaks plain HTTP.`);
            } else {
                // exporter-toolkit's default minimum is TLS12.
                const minVersion = String(tls.min_version ?? "TLS12");
                if (!(tlsVersionRank(minVersion) >= tlsVersionRank(minTlsVersion))) report(`${upload.file}: \`min_version\` is ${minVersion}; at least TLS ${minTlsVersion} required.`);
            }
            const users = doc?.basic_auth_users;
            if (basicAuthPaths.some((g) => globMatches(g, upload.file)) && (!users || Object.keys(users).length === 0)) {
                report(`${upload.file} has no \`basic_auth_users\`: anyone who reaches the port can use the API.`);
            }
        }
    }),
};

/** Requires Prometheus to scrape and alert over TLS, except for named jobs. */
export const requireTlsScrapeTargets: ResourceValidationPolicy = {
    name: "require-tls-scrape-targets",
    description: "Prometheus scrapes targets and reaches Alertmanager over HTTPS with certificate verification; plain-HTTP jobs need a named exemption.",
    remediationSteps: "Set `scheme: https` and a `tls_config` with `ca_file` and `server_name` on the job; a target without a TLS server needs an exemption `{ scrapeJob, reason }` in the policy config.",
    enforcementLevel: "mandatory",
    configSchema: schemaWithExemptions({ prometheusConfigPaths: { type: "array", items: { type: "string" }, default: ["*/prometheus.yml"] } }),
    validateResource: onContainers((c, args, report) => {
        const config = configOf(args, { prometheusConfigPaths: ["*/prometheus.yml"], exemptions: [] as unknown[] });
        const exemptJobs = checkedExemptions("require-tls-scrape-targets", config.exemptions).flatMap((e) => (e.scrapeJob ? [e.scrapeJob] : []));
        for (const upload of uploadFiles(c)) {
            if (!config.prometheusConfigPaths.some((g) => globMatches(g, upload.file)) || typeof upload.content !== "string") continue;
            type Endpoint = { job_name?: string; scheme?: string; tls_config?: { insecure_skip_verify?: boolean } };
            let doc: { scrape_configs?: Endpoint[]; alerting?: { alertmanagers?: Endpoint[] } } | null;
            try {
                doc = parse(upload.content) as typeof doc;
            } catch (error) {
                report(`${upload.file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
                continue;
            }
            const endpoints: { what: string; job?: string; e: Endpoint }[] = [
                ...(doc?.scrape_configs ?? []).map((e) => ({ what: `scrape job ${e.job_name ?? "?"}`, job: e.job_name, e })),
                ...(doc?.alerting?.alertmanagers ?? []).map((e, i) => ({ what: `alertmanagers[${i}]`, e })),
            ];
            for (const { what, job, e } of endpoints) {
                if (job !== undefined && exemptJobs.some((g) => globMatches(g, job))) continue;
                // Prometheus' default scheme is http.
                if ((e.scheme ?? "http") !== "https") report(`${upload.file}: ${what} uses plain HTTP.`);
                if (e.tls_config?.insecure_skip_verify === true) report(`${upload.file}: ${what} skips certificate verification.`);
            }
        }
    }),
};

/** Every TLS policy, in the order the pack lists them. */
export const tlsPolicies: readonly ResourceValidationPolicy[] = [
    requireStrongPrivateKeys,
    requireBoundedCertificateValidity,
    requirePostgresTlsAndScram,
    requireRedisTlsAndAuth,
    requireWebConfigTlsAndAuth,
    requireTlsScrapeTargets,
];
