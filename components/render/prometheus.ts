import { stringify } from "yaml";
import {
    BASIC_AUTH_USERS,
    BLACKBOX_MODULES,
    CONFIG_PATHS,
    EDGE_CONTAINER_PORTS,
    JAEGER_PORTS,
    PROMETHEUS_TSDB_DIR,
    SECRET_FILES,
    WorkloadSpec,
    workloadSpecs,
} from "../workloads/catalogue";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSettings } from "../settings/types";
import { publicUrl } from "./publicUrl";
import { exporterTlsVersion } from "./webConfig";

/**
 * Scrape job names. They are the `job` label of every series, so alert rules and dashboards select by them: keep
 * them stable.
 *
 * | job            | target                                    | what it measures                                |
 * |----------------|-------------------------------------------|-------------------------------------------------|
 * | `prometheus`   | `prometheus:9090` (basic auth)            | Prometheus itself: rule evaluation, reloads      |
 * | `alertmanager` | `alertmanager:9093` (basic auth)          | notification delivery                           |
 * | `api`          | `api:<api.port><api.metricsPath>` (bearer) | the team's API: request rate, errors, latency   |
 * | `postgres`     | `postgres-exporter:9187`                  | PostgreSQL (`pg_up`, connections, deadlocks)    |
 * | `redis`        | `redis-exporter:9121`                     | Redis (`redis_up`, memory, rejected connections) |
 * | `grafana`      | `grafana:3000/metrics`                    | Grafana                                         |
 * | `jaeger`       | `jaeger:8888` (plain HTTP, see below)     | Jaeger's internal telemetry                     |
 * | `node`         | `node-exporter:9100` (Docker only)        | the Docker host: disk, memory, CPU              |
 * | `cadvisor`     | `cadvisor:8080` (plain HTTP; Docker only) | every container: restarts, memory, CPU          |
 * | `blackbox`     | `blackbox-exporter:9115/probe`            | every public endpoint through the edge: `probe_success`, `probe_ssl_earliest_cert_expiry` |
 */
export const SCRAPE_JOB_NAMES = {
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    api: "api",
    postgres: "postgres",
    redis: "redis",
    grafana: "grafana",
    jaeger: "jaeger",
    node: "node",
    cadvisor: "cadvisor",
    blackbox: "blackbox",
} as const;

/**
 * Jobs scraped over plain HTTP, each because the program serving the metrics has no TLS server: cAdvisor
 * (google/cadvisor#2539, "use a reverse proxy") and Jaeger's internal telemetry endpoint (the OpenTelemetry
 * collector's pull exporter takes only host and port). Both are reached on internal networks only, never published.
 */
export const PLAIN_HTTP_JOBS: readonly string[] = [SCRAPE_JOB_NAMES.cadvisor, SCRAPE_JOB_NAMES.jaeger];

/**
 * Where Prometheus reads the API's targets on AWS (file_sd): a sidecar of its task writes every API task's address
 * there from Cloud Map's API, since a DNS lookup of the service name returns one random task per scrape (and at most
 * eight). Its own mount, not inside /etc/prometheus, which the init container fills read-only.
 */
export const API_TARGETS_FILE = "/run/prometheus-sd/api.json";

/** Label on every blackbox probe series naming the public endpoint it probes. */
export const PROBE_ENDPOINT_LABEL = "endpoint";

interface TlsClientConfig {
    readonly ca_file: string;
    readonly server_name: string;
    readonly min_version: "TLS12" | "TLS13";
}

interface StaticConfig {
    readonly targets: readonly string[];
    readonly labels?: Readonly<Record<string, string>>;
}

interface RelabelConfig {
    readonly source_labels?: readonly string[];
    readonly target_label: string;
    readonly replacement?: string;
}

/** One `scrape_configs` entry, in Prometheus's own field names. */
export interface ScrapeJob {
    readonly job_name: string;
    readonly scheme: "http" | "https";
    readonly metrics_path?: string;
    readonly tls_config?: TlsClientConfig;
    readonly basic_auth?: { readonly username: string; readonly password_file: string };
    readonly authorization?: { readonly type: "Bearer"; readonly credentials_file: string };
    /** Fixed targets (every job but the API's on AWS). */
    readonly static_configs?: readonly StaticConfig[];
    /** Targets from files (the API's tasks on AWS). */
    readonly file_sd_configs?: readonly { readonly files: readonly string[]; readonly refresh_interval: string }[];
    readonly relabel_configs?: readonly RelabelConfig[];
}

/** What each public endpoint is probed at, and the answer that counts as up. */
function publicProbes(settings: StackSettings): Readonly<Record<PublicEndpoint, { path: string; module: string }>> {
    return {
        api: { path: settings.api.livePath, module: BLACKBOX_MODULES.http2xx },
        grafana: { path: "/api/health", module: BLACKBOX_MODULES.http2xx },
        prometheus: { path: "/-/healthy", module: BLACKBOX_MODULES.http401 },
        alertmanager: { path: "/-/healthy", module: BLACKBOX_MODULES.http401 },
        jaeger: { path: "/", module: BLACKBOX_MODULES.http401 },
    };
}

/** Every scrape job of prometheus.yml, in order; exported for tests. */
export function scrapeJobs(settings: StackSettings): ScrapeJob[] {
    const specs = workloadSpecs(settings);
    // Every internal certificate is signed by the one internal CA, which Prometheus holds beside its own certificate.
    const tlsTo = (spec: WorkloadSpec): TlsClientConfig => ({
        ca_file: specs.prometheus.tls.ca,
        server_name: spec.alias,
        min_version: exporterTlsVersion(settings.tls.minVersion),
    });
    const https = (jobName: string, spec: WorkloadSpec, extra: Partial<ScrapeJob> = {}): ScrapeJob => ({
        job_name: jobName,
        scheme: "https",
        tls_config: tlsTo(spec),
        static_configs: [{ targets: [`${spec.alias}:${spec.port}`] }],
        ...extra,
    });
    const probes = publicProbes(settings);
    const blackbox = specs.blackboxExporter;
    const onDocker = settings.platform === "docker";
    const hostJobs: ScrapeJob[] = [
        https(SCRAPE_JOB_NAMES.node, specs.nodeExporter),
        {
            job_name: SCRAPE_JOB_NAMES.cadvisor,
            scheme: "http",
            static_configs: [{ targets: [`${specs.cadvisor.alias}:${specs.cadvisor.port}`] }],
        },
    ];

    return [
        https(SCRAPE_JOB_NAMES.prometheus, specs.prometheus, {
            basic_auth: { username: BASIC_AUTH_USERS.prometheus, password_file: SECRET_FILES.prometheusPassword },
        }),
        https(SCRAPE_JOB_NAMES.alertmanager, specs.alertmanager, {
            basic_auth: { username: BASIC_AUTH_USERS.alertmanager, password_file: SECRET_FILES.alertmanagerPassword },
        }),
        {
            job_name: SCRAPE_JOB_NAMES.api,
            scheme: settings.api.scheme,
            metrics_path: settings.api.metricsPath,
            ...(settings.api.scheme === "https" ? { tls_config: tlsTo(specs.api) } : {}),
            // The API requires a key for its metrics path.
            authorization: { type: "Bearer", credentials_file: SECRET_FILES.apiMetricsToken },
            // On AWS each task is a target of its own (addresses, verified against the API's name): counters of
            // different tasks never interleave in one series.
            ...(onDocker
                ? { static_configs: [{ targets: [`${specs.api.alias}:${specs.api.port}`] }] }
                : { file_sd_configs: [{ files: [API_TARGETS_FILE], refresh_interval: "1m" }] }),
        },
        https(SCRAPE_JOB_NAMES.postgres, specs.postgresExporter),
        https(SCRAPE_JOB_NAMES.redis, specs.redisExporter),
        https(SCRAPE_JOB_NAMES.grafana, specs.grafana, { metrics_path: "/metrics" }),
        {
            job_name: SCRAPE_JOB_NAMES.jaeger,
            scheme: "http",
            static_configs: [{ targets: [`${specs.jaeger.alias}:${JAEGER_PORTS.metrics}`] }],
        },
        // A Docker host has a node and containers to measure; Fargate has neither (ECS reports task metrics itself),
        // and jobs whose targets never resolve would only fire TargetDown.
        ...(onDocker ? hostJobs : []),
        https(SCRAPE_JOB_NAMES.blackbox, blackbox, {
            metrics_path: "/probe",
            // Probes go to the public hostnames so they exercise routing and the public certificate: on Docker
            // these are network aliases of the edge, reached on the port it listens on inside its container; on AWS
            // they resolve to the load balancer, which listens on 443.
            static_configs: PUBLIC_ENDPOINTS.map((endpoint) => ({
                targets: [`https://${settings.hostnames[endpoint]}${onDocker ? `:${EDGE_CONTAINER_PORTS.https}` : ""}${probes[endpoint].path}`],
                labels: { [PROBE_ENDPOINT_LABEL]: endpoint, __param_module: probes[endpoint].module },
            })),
            relabel_configs: [
                { source_labels: ["__address__"], target_label: "__param_target" },
                { source_labels: ["__param_target"], target_label: "instance" },
                { target_label: "__address__", replacement: `${blackbox.alias}:${blackbox.port}` },
            ],
        }),
    ];
}

/**
 * prometheus.yml: scrape and evaluation intervals, the rule files, Alertmanager over TLS with basic auth, and one
 * job per metric source (see SCRAPE_JOB_NAMES). Holds no secret: passwords and tokens are files. Only fields that
 * both the validating promtool (2.42) and the deployed Prometheus (3.5) accept.
 */
export function renderPrometheusConfig(settings: StackSettings): string {
    const specs = workloadSpecs(settings);
    const alertmanager = specs.alertmanager;
    const config = {
        global: {
            scrape_interval: settings.prometheus.scrapeInterval,
            evaluation_interval: settings.prometheus.evaluationInterval,
            external_labels: { environment: settings.environment, stack: settings.stack },
        },
        rule_files: [`${CONFIG_PATHS.prometheusRulesDir}/*.yml`],
        alerting: {
            alertmanagers: [{
                scheme: "https",
                tls_config: {
                    ca_file: specs.prometheus.tls.ca,
                    server_name: alertmanager.alias,
                    min_version: exporterTlsVersion(settings.tls.minVersion),
                },
                basic_auth: { username: BASIC_AUTH_USERS.alertmanager, password_file: SECRET_FILES.alertmanagerPassword },
                static_configs: [{ targets: [`${alertmanager.alias}:${alertmanager.port}`] }],
            }],
        },
        scrape_configs: scrapeJobs(settings),
    };
    return stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/**
 * Command-line flags of the Prometheus container. Retention is a flag, not a prometheus.yml field; the lifecycle
 * API (`--web.enable-lifecycle`) stays off, so nobody can reload or stop Prometheus over HTTP.
 */
export function prometheusArgs(settings: StackSettings): string[] {
    return [
        `--config.file=${CONFIG_PATHS.prometheusConfig}`,
        `--web.config.file=${CONFIG_PATHS.prometheusWebConfig}`,
        `--web.listen-address=:${workloadSpecs(settings).prometheus.port}`,
        `--web.external-url=${publicUrl(settings, "prometheus")}`,
        `--storage.tsdb.path=${PROMETHEUS_TSDB_DIR}`,
        `--storage.tsdb.retention.time=${settings.prometheus.retentionTime}`,
        ...(settings.prometheus.retentionSize ? [`--storage.tsdb.retention.size=${settings.prometheus.retentionSize}`] : []),
    ];
}
