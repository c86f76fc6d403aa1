import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { checkedExemptions, configOf, globMatches, schemaWithExemptions } from "../../lib/config";
import { onContainers, uploadFiles } from "../../lib/docker";
import { MIN_TLS_VERSION_SCHEMA, tlsVersionRank } from "../../lib/serverConfigs";

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
