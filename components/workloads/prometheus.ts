import { renderAlertRules } from "../render/alertRules";
import { renderHttpClientConfig } from "../render/httpClientConfig";
import { PrometheusConfigInput, prometheusArgs, renderPrometheusConfig, ScrapeTargets } from "../render/prometheus";
import { publicUrl } from "../render/publicUrl";
import { renderWebConfig } from "../render/webConfig";
import { PUBLIC_ENDPOINTS, StackSettings } from "../settings/types";
import {
    BASIC_AUTH_USERS,
    BLACKBOX_MODULES,
    CONFIG_PATHS,
    EDGE_CONTAINER_PORTS,
    JAEGER_PORTS,
    PROMETHEUS_TSDB_DIR,
    SECRET_FILES,
    WORKLOAD_NAMES,
    WorkloadSpecs,
} from "./catalogue";
import { publicHealth } from "./publicEndpoints";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config, configDirectory, secret } from "./files";

/** Every server Prometheus scrapes, by its catalogue name; Jaeger on its telemetry port. */
function scrapeTargets(specs: WorkloadSpecs): ScrapeTargets {
    const at = (spec: { alias: string; port: number }) => ({ alias: spec.alias, port: spec.port });
    return {
        prometheus: at(specs.prometheus),
        alertmanager: at(specs.alertmanager),
        api: at(specs.api),
        postgresExporter: at(specs.postgresExporter),
        redisExporter: at(specs.redisExporter),
        grafana: at(specs.grafana),
        jaeger: { alias: specs.jaeger.alias, port: JAEGER_PORTS.metrics },
        nodeExporter: at(specs.nodeExporter),
        cadvisor: at(specs.cadvisor),
        blackboxExporter: at(specs.blackboxExporter),
    };
}

/** What prometheus.yml is rendered from: the intervals, Alertmanager, every scrape target and public probe. */
export function prometheusConfigInput(settings: StackSettings, specs: WorkloadSpecs): PrometheusConfigInput {
    const onHost = settings.platform === "docker";
    const health = publicHealth(settings.api.livePath);
    return {
        scrapeInterval: settings.prometheus.scrapeInterval,
        evaluationInterval: settings.prometheus.evaluationInterval,
        externalLabels: { environment: settings.environment, stack: settings.stack },
        alertmanager: { alias: specs.alertmanager.alias, port: specs.alertmanager.port },
        scrape: {
            caFile: specs.prometheus.tls.ca,
            minVersion: settings.tls.minVersion,
            targets: scrapeTargets(specs),
            api: { scheme: settings.api.scheme, metricsPath: settings.api.metricsPath },
            onHost,
            // The public hostnames: on Docker network aliases of the edge, reached on the port it listens on inside its
            // container; on AWS they resolve to the load balancer, which listens on 443. An endpoint behind basic auth
            // (its own or the edge's) answers 401, which still proves TLS, routing and the certificate.
            probes: PUBLIC_ENDPOINTS.map((endpoint) => ({
                endpoint,
                url: `https://${settings.hostnames[endpoint]}${onHost ? `:${EDGE_CONTAINER_PORTS.https}` : ""}${health[endpoint].path}`,
                module: health[endpoint].guard === "none" ? BLACKBOX_MODULES.http2xx : BLACKBOX_MODULES.http401,
            })),
        },
    };
}

/** What Prometheus's flags are rendered from: its port, public URL and retention. */
export function prometheusArgsInput(settings: StackSettings, specs: WorkloadSpecs): Parameters<typeof prometheusArgs>[0] {
    const { retentionTime, retentionSize } = settings.prometheus;
    return { port: specs.prometheus.port, externalUrl: publicUrl(settings, "prometheus"), retentionTime, ...(retentionSize ? { retentionSize } : {}) };
}

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
        command: prometheusArgs(prometheusArgsInput(settings, specs)),
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.prometheusConfig, renderPrometheusConfig(prometheusConfigInput(settings, specs))),
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
