import { renderAlertRules } from "../render/alertRules";
import { renderHttpClientConfig } from "../render/httpClientConfig";
import { prometheusArgs, renderPrometheusConfig } from "../render/prometheus";
import { renderWebConfig } from "../render/webConfig";
import { BASIC_AUTH_USERS, CONFIG_PATHS, PROMETHEUS_TSDB_DIR, SECRET_FILES, WORKLOAD_NAMES } from "./catalogue";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config, configDirectory, secret } from "./files";

/**
 * Prometheus behind TLS and basic auth, scraping every workload over TLS, evaluating the alert rules, its TSDB on a
 * volume of its own. Its healthcheck verifies its certificate by name through the client config it is given.
 */
export function prometheusWorkload({ settings, specs, generated, selfHost }: WorkloadContext): WorkloadDescription {
    const spec = specs.prometheus;
    return {
        name: WORKLOAD_NAMES.prometheus,
        certificate: "prometheus",
        image: settings.images.prometheus,
        user: spec.user,
        limits: settings.resources.prometheus,
        command: prometheusArgs(settings),
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.prometheusConfig, renderPrometheusConfig(settings)),
            // The web config carries a bcrypt hash: a secret.
            secret(CONFIG_PATHS.prometheusWebConfig, generated.prometheusPassword.bcryptHash.apply((hash) =>
                renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion, basicAuthUsers: { [BASIC_AUTH_USERS.prometheus]: hash } }))),
            ...configDirectory(CONFIG_PATHS.prometheusRulesDir, renderAlertRules(settings)),
            config(CONFIG_PATHS.prometheusHealthcheckConfig, renderHttpClientConfig({
                caFile: spec.tls.ca,
                serverName: spec.alias,
                basicAuth: { username: BASIC_AUTH_USERS.prometheus, passwordFile: SECRET_FILES.prometheusPassword },
            })),
            sharedFile("prometheusPassword"),
            // Checked by Alertmanager and the API, which are not rolled back with Prometheus.
            sharedFile("alertmanagerPassword", { readCurrent: true }),
            sharedFile("apiMetricsToken", { readCurrent: true }),
            ...tlsFiles(spec.tls),
        ],
        volumes: [{ volume: "prometheus-data", path: PROMETHEUS_TSDB_DIR, owns: "state" }],
        healthcheck: {
            test: ["CMD", "promtool", "check", "healthy", `--url=https://${selfHost(spec)}:${spec.port}`, `--http.config.file=${CONFIG_PATHS.prometheusHealthcheckConfig}`],
            startPeriodSeconds: 60,
        },
    };
}
