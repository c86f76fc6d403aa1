import { stringify } from "yaml";
import type { PublicEndpoint, TlsVersion } from "../settings/types";
import { BASIC_AUTH_USERS, CONFIG_PATHS, PROMETHEUS_TSDB_DIR, SECRET_FILES } from "../workloads/catalogue";
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

/** A server Prometheus reaches by name: its catalogue alias (the name its certificate carries) and the port it is scraped on. */
export interface ScrapeTarget {
    readonly alias: string;
    readonly port: number;
}

/** The servers with a scrape job, by workload. */
export type ScrapeTargets = Readonly<Record<"prometheus" | "alertmanager" | "api" | "postgresExporter" | "redisExporter" | "grafana" | "jaeger" | "nodeExporter" | "cadvisor" | "blackboxExporter", ScrapeTarget>>;

/** A public endpoint blackbox_exporter probes: the URL and the module whose answer counts as up. */
export interface Probe {
    readonly endpoint: PublicEndpoint;
    readonly url: string;
    readonly module: string;
}

/** What the scrape jobs are rendered from. */
export interface ScrapeInput {
    /** The internal CA every scraped certificate chains to, as Prometheus holds it. */
    readonly caFile: string;
    readonly minVersion: TlsVersion;
    readonly targets: ScrapeTargets;
    readonly api: { readonly scheme: "http" | "https"; readonly metricsPath: string };
    /**
     * A Docker host has a node and containers to measure and reaches the API by its name; Fargate has neither (ECS
     * reports task metrics itself, jobs whose targets never resolve would only fire TargetDown) and lists the API's
     * tasks in a file.
     */
    readonly onHost: boolean;
    readonly probes: readonly Probe[];
}

/** Every internal certificate is signed by the one internal CA, which Prometheus holds beside its own certificate. */
function tlsTo(input: ScrapeInput, target: ScrapeTarget): TlsClientConfig {
    return { ca_file: input.caFile, server_name: target.alias, min_version: exporterTlsVersion(input.minVersion) };
}

function https(input: ScrapeInput, jobName: string, target: ScrapeTarget, extra: Partial<ScrapeJob> = {}): ScrapeJob {
    return { job_name: jobName, scheme: "https", tls_config: tlsTo(input, target), static_configs: [{ targets: [`${target.alias}:${target.port}`] }], ...extra };
}

function plainHttp(jobName: string, target: ScrapeTarget): ScrapeJob {
    return { job_name: jobName, scheme: "http", static_configs: [{ targets: [`${target.alias}:${target.port}`] }] };
}

/** The API's job: its metrics path with the bearer token; on AWS each task a target of its own, verified by the API's name. */
function apiJob(input: ScrapeInput): ScrapeJob {
    const { api, targets } = input;
    return {
        job_name: SCRAPE_JOB_NAMES.api,
        scheme: api.scheme,
        metrics_path: api.metricsPath,
        ...(api.scheme === "https" ? { tls_config: tlsTo(input, targets.api) } : {}),
        // The API requires a key for its metrics path.
        authorization: { type: "Bearer", credentials_file: SECRET_FILES.apiMetricsToken },
        // Counters of different tasks never interleave in one series.
        ...(input.onHost
            ? { static_configs: [{ targets: [`${targets.api.alias}:${targets.api.port}`] }] }
            : { file_sd_configs: [{ files: [API_TARGETS_FILE], refresh_interval: "1m" }] }),
    };
}

/** Probes of the public hostnames, so they exercise routing and the public certificate, through blackbox_exporter. */
function blackboxJob(input: ScrapeInput): ScrapeJob {
    const blackbox = input.targets.blackboxExporter;
    return https(input, SCRAPE_JOB_NAMES.blackbox, blackbox, {
        metrics_path: "/probe",
        static_configs: input.probes.map((probe) => ({
            targets: [probe.url],
            labels: { [PROBE_ENDPOINT_LABEL]: probe.endpoint, __param_module: probe.module },
        })),
        relabel_configs: [
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: `${blackbox.alias}:${blackbox.port}` },
        ],
    });
}

/** Every scrape job of prometheus.yml, in order; exported for tests. */
export function scrapeJobs(input: ScrapeInput): ScrapeJob[] {
    const { targets } = input;
    return [
        https(input, SCRAPE_JOB_NAMES.prometheus, targets.prometheus, {
            basic_auth: { username: BASIC_AUTH_USERS.prometheus, password_file: SECRET_FILES.prometheusPassword },
        }),
        https(input, SCRAPE_JOB_NAMES.alertmanager, targets.alertmanager, {
            basic_auth: { username: BASIC_AUTH_USERS.alertmanager, password_file: SECRET_FILES.alertmanagerPassword },
        }),
        apiJob(input),
        https(input, SCRAPE_JOB_NAMES.postgres, targets.postgresExporter),
        https(input, SCRAPE_JOB_NAMES.redis, targets.redisExporter),
        https(input, SCRAPE_JOB_NAMES.grafana, targets.grafana, { metrics_path: "/metrics" }),
        plainHttp(SCRAPE_JOB_NAMES.jaeger, targets.jaeger),
        ...(input.onHost ? [https(input, SCRAPE_JOB_NAMES.node, targets.nodeExporter), plainHttp(SCRAPE_JOB_NAMES.cadvisor, targets.cadvisor)] : []),
        blackboxJob(input),
    ];
}

/** What prometheus.yml is rendered from. */
export interface PrometheusConfigInput {
    readonly scrapeInterval: string;
    readonly evaluationInterval: string;
    readonly externalLabels: { readonly environment: string; readonly stack: string };
    readonly alertmanager: ScrapeTarget;
    readonly scrape: ScrapeInput;
}

/**
 * prometheus.yml: scrape and evaluation intervals, the rule files, Alertmanager over TLS with basic auth, and one
 * job per metric source (see SCRAPE_JOB_NAMES). Holds no secret: passwords and tokens are files. Only fields that
 * both the validating promtool (2.42) and the deployed Prometheus (3.5) accept.
 */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
    const { alertmanager, scrape } = input;
    const config = {
        global: {
            scrape_interval: input.scrapeInterval,
            evaluation_interval: input.evaluationInterval,
            external_labels: { environment: input.externalLabels.environment, stack: input.externalLabels.stack },
        },
        rule_files: [`${CONFIG_PATHS.prometheusRulesDir}/*.yml`],
        alerting: {
            alertmanagers: [{
                scheme: "https",
                tls_config: tlsTo(scrape, alertmanager),
                basic_auth: { username: BASIC_AUTH_USERS.alertmanager, password_file: SECRET_FILES.alertmanagerPassword },
                static_configs: [{ targets: [`${alertmanager.alias}:${alertmanager.port}`] }],
            }],
        },
        scrape_configs: scrapeJobs(scrape),
    };
    return stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/**
 * Command-line flags of the Prometheus container. Retention is a flag, not a prometheus.yml field; the lifecycle
 * API (`--web.enable-lifecycle`) stays off, so nobody can reload or stop Prometheus over HTTP.
 */
export function prometheusArgs(input: { readonly port: number; readonly externalUrl: string; readonly retentionTime: string; readonly retentionSize?: string }): string[] {
    return [
        `--config.file=${CONFIG_PATHS.prometheusConfig}`,
        `--web.config.file=${CONFIG_PATHS.prometheusWebConfig}`,
        `--web.listen-address=:${input.port}`,
        `--web.external-url=${input.externalUrl}`,
        `--storage.tsdb.path=${PROMETHEUS_TSDB_DIR}`,
        `--storage.tsdb.retention.time=${input.retentionTime}`,
        ...(input.retentionSize ? [`--storage.tsdb.retention.size=${input.retentionSize}`] : []),
    ];
}
