import type { StackSettings, WorkloadName } from "../settings/types";

/** TLS material of one workload, as files inside its container. */
export interface TlsFiles {
    readonly cert: string;
    readonly key: string;
    readonly ca: string;
}

/** How one workload is reached and what it runs as; the same on every platform. */
export interface WorkloadSpec {
    /** Name other workloads use to reach it (Docker network alias, Cloud Map service name). */
    readonly alias: string;
    /** Port it serves on (for Jaeger, the query UI; see JAEGER_PORTS). */
    readonly port: number;
    /** Numeric `uid:gid` the process runs as; owner of its uploaded files. */
    readonly user: string;
    /** Where its TLS certificate, key and the CA certificate live. */
    readonly tls: TlsFiles;
}

/** A workload that only connects to others: it serves no port and holds no certificate, only the CA it verifies with. */
export interface ClientSpec {
    /** Its network alias (and the suffix of its container's name). */
    readonly alias: string;
    /** Numeric `uid:gid` the process runs as; owner of its uploaded files. */
    readonly user: string;
    /** The CA certificate it verifies servers with. */
    readonly ca: string;
}

/**
 * Each workload's short name: its Docker network alias (and the suffix of its container's host name), its container's
 * name in a Fargate task, the name its description goes by.
 */
export const WORKLOAD_NAMES: Readonly<Record<WorkloadName, string>> = {
    postgres: "postgres",
    redis: "redis",
    api: "api",
    prometheus: "prometheus",
    grafana: "grafana",
    alertmanager: "alertmanager",
    jaeger: "jaeger",
    postgresExporter: "postgres-exporter",
    redisExporter: "redis-exporter",
    nodeExporter: "node-exporter",
    cadvisor: "cadvisor",
    blackboxExporter: "blackbox-exporter",
    edge: "edge",
    backup: "backup",
    backupOffsite: "backup-offsite",
};

/** Workloads that serve nothing: the backup job is only a client of PostgreSQL, its off-host copy one of S3. */
export const CLIENT_WORKLOADS = ["backup", "backupOffsite"] as const;
export type ClientWorkload = (typeof CLIENT_WORKLOADS)[number];
export type ServingWorkload = Exclude<WorkloadName, ClientWorkload>;

/** Every workload's spec: a server's port and certificate paths, a client's CA path. */
export type WorkloadSpecs = { readonly [W in WorkloadName]: W extends ClientWorkload ? ClientSpec : WorkloadSpec };

/** True for a workload that serves (has a port and a server certificate). */
export function isServing(workload: WorkloadName): workload is ServingWorkload {
    return !(CLIENT_WORKLOADS as readonly string[]).includes(workload);
}

/** The specs of the workloads that serve, each with its port and certificate paths. */
export function servingSpecs(specs: WorkloadSpecs): Readonly<Partial<Record<ServingWorkload, WorkloadSpec>>> {
    return Object.fromEntries(Object.entries(specs).filter(([w]) => isServing(w as WorkloadName))) as Partial<Record<ServingWorkload, WorkloadSpec>>;
}

function tlsIn(dir: string): TlsFiles {
    return { cert: `${dir}/tls.crt`, key: `${dir}/tls.key`, ca: `${dir}/ca.crt` };
}

/** Secrets reach containers as files under this directory (the `*_FILE` convention). */
export const SECRETS_DIR = "/run/secrets";

/** Jaeger v2 listens on several ports. */
export const JAEGER_PORTS = { ui: 16686, otlpGrpc: 4317, otlpHttp: 4318, metrics: 8888, health: 13133 } as const;

/** Ports the edge listens on inside its container (unprivileged; the host maps 80/443 to them). */
export const EDGE_CONTAINER_PORTS = { http: 8080, https: 8443 } as const;

/** Where each workload's configuration files go inside its container. */
export const CONFIG_PATHS = {
    postgresConf: "/etc/postgresql/postgresql.conf",
    pgHbaConf: "/etc/postgresql/pg_hba.conf",
    postgresInitScript: "/docker-entrypoint-initdb.d/10-app-user.sh",
    /** Creates (or brings up to date) the backup job's role; idempotent, so it also serves stacks initialised before it. */
    postgresBackupRoleScript: "/docker-entrypoint-initdb.d/20-backup-role.sh",
    backupScript: "/etc/backup/backup.sh",
    offsiteScript: "/etc/backup-offsite/offsite.sh",
    offsiteAwsConfig: "/etc/backup-offsite/aws-config",
    offsiteCaBundle: "/etc/backup-offsite/tls/ca.crt",
    redisConf: "/usr/local/etc/redis/redis.conf",
    prometheusConfig: "/etc/prometheus/prometheus.yml",
    prometheusWebConfig: "/etc/prometheus/web.yml",
    prometheusRulesDir: "/etc/prometheus/rules",
    /** HTTP client config the healthcheck's promtool uses (TLS + basic auth, password from a file). */
    prometheusHealthcheckConfig: "/etc/prometheus/healthcheck.yml",
    alertmanagerHealthcheckConfig: "/etc/alertmanager/healthcheck.yml",
    alertmanagerConfig: "/etc/alertmanager/alertmanager.yml",
    alertmanagerWebConfig: "/etc/alertmanager/web.yml",
    grafanaDatasources: "/etc/grafana/provisioning/datasources/datasources.yml",
    grafanaDashboardProviders: "/etc/grafana/provisioning/dashboards/dashboards.yml",
    grafanaDashboardsDir: "/var/lib/grafana-dashboards",
    jaegerConfig: "/etc/jaeger/config.yml",
    postgresExporterWebConfig: "/etc/postgres_exporter/web.yml",
    nodeExporterWebConfig: "/etc/node_exporter/web.yml",
    blackboxExporterConfig: "/etc/blackbox_exporter/config.yml",
    blackboxExporterWebConfig: "/etc/blackbox_exporter/web.yml",
    caddyfile: "/etc/caddy/Caddyfile",
} as const;

/** Names of the secret files under SECRETS_DIR. */
export const SECRET_FILES = {
    postgresSuperuserPassword: `${SECRETS_DIR}/postgres-superuser-password`,
    postgresAppPassword: `${SECRETS_DIR}/postgres-app-password`,
    postgresExporterPassword: `${SECRETS_DIR}/postgres-exporter-password`,
    postgresBackupPassword: `${SECRETS_DIR}/postgres-backup-password`,
    /** The backup job's libpq password file (host:port:database:role:password). */
    backupPgpass: `${SECRETS_DIR}/backup-pgpass`,
    /** The off-host copy's S3 credentials, in the AWS CLI's shared-credentials format. */
    backupS3Credentials: `${SECRETS_DIR}/backup-s3-credentials`,
    redisPassword: `${SECRETS_DIR}/redis-password`,
    /** redis.conf includes this file; it holds `requirepass` so redis.conf itself carries no secret. */
    redisAuthConf: `${SECRETS_DIR}/redis-auth.conf`,
    /** The Caddyfile imports this snippet; it holds the bcrypt hash guarding the Jaeger UI. */
    edgeJaegerBasicAuth: `${SECRETS_DIR}/jaeger-basic-auth.caddy`,
    /** redis_exporter reads a JSON map of Redis URL to password. */
    redisExporterPasswordMap: `${SECRETS_DIR}/redis-password-map.json`,
    grafanaAdminPassword: `${SECRETS_DIR}/grafana-admin-password`,
    prometheusPassword: `${SECRETS_DIR}/prometheus-password`,
    alertmanagerPassword: `${SECRETS_DIR}/alertmanager-password`,
    apiSigningKey: `${SECRETS_DIR}/api-signing-key`,
    apiMetricsToken: `${SECRETS_DIR}/api-metrics-token`,
    slackWebhookUrl: `${SECRETS_DIR}/slack-webhook-url`,
    webhookUrl: `${SECRETS_DIR}/webhook-url`,
    pagerdutyRoutingKey: `${SECRETS_DIR}/pagerduty-routing-key`,
    smtpPassword: `${SECRETS_DIR}/smtp-password`,
    watchdogUrl: `${SECRETS_DIR}/watchdog-url`,
} as const;

/** Where Prometheus keeps its TSDB inside its container: the mount point of its named volume. */
export const PROMETHEUS_TSDB_DIR = "/prometheus";

/**
 * blackbox_exporter modules the public-endpoint probes use: open endpoints must answer 2xx; endpoints behind basic
 * auth (Prometheus, Alertmanager, Jaeger) must answer 401, which still proves TLS, routing and the certificate.
 */
export const BLACKBOX_MODULES = { http2xx: "http_2xx", http401: "http_401" } as const;

/** Basic-auth user names of the services that require basic auth. */
export const BASIC_AUTH_USERS = { prometheus: "prometheus", alertmanager: "alertmanager", jaeger: "jaeger" } as const;

/** The database role postgres_exporter connects as (member of pg_monitor). */
export const POSTGRES_EXPORTER_USER = "postgres_exporter";

/**
 * The database role the backup job connects as: it may log in and read every row (pg_read_all_data, BYPASSRLS so a
 * dump holds rows that row-level security would hide), and nothing else. Created by the init script.
 */
export const POSTGRES_BACKUP_USER = "postgres_backup";

/** Exporters that run as sidecars of the Prometheus task on AWS, reached by that task's name. */
export const PROMETHEUS_TASK_SIDECARS = ["postgresExporter", "redisExporter", "blackboxExporter"] as const;

/**
 * Workloads the AWS platform does not run: Fargate has no host to mount (node_exporter, cAdvisor; Container
 * Insights measures the tasks) and the load balancer replaces the edge. They keep their Docker aliases.
 */
export const NOT_ON_AWS = ["nodeExporter", "cadvisor", "edge"] as const;

/** The Cloud Map private DNS namespace the AWS platform registers services in, e.g. `service-stack-production.internal`. */
export function serviceNamespace(settings: StackSettings): string {
    return `${settings.namePrefix}.internal`;
}

/**
 * The name a workload is reached by: its Docker network alias, or on AWS its name in the Cloud Map namespace
 * (`prometheus.<namespace>`); sidecars share the Prometheus task's name, and PostgreSQL and Redis are CNAMEs there
 * for the RDS and ElastiCache endpoints.
 */
function aliasOn(settings: StackSettings, workload: WorkloadName): string {
    const dockerAlias = WORKLOAD_NAMES[workload];
    if (settings.platform !== "aws" || (NOT_ON_AWS as readonly string[]).includes(workload)) return dockerAlias;
    const task = (PROMETHEUS_TASK_SIDECARS as readonly string[]).includes(workload) ? WORKLOAD_NAMES.prometheus : dockerAlias;
    return `${task}.${serviceNamespace(settings)}`;
}

/** Every workload's alias, port, user and TLS paths. */
export function workloadSpecs(settings: StackSettings): WorkloadSpecs {
    const alias = (workload: WorkloadName) => aliasOn(settings, workload);
    return {
        postgres: { alias: alias("postgres"), port: 5432, user: "999:999", tls: tlsIn("/etc/postgresql/tls") },
        redis: { alias: alias("redis"), port: 6379, user: "999:999", tls: tlsIn("/usr/local/etc/redis/tls") },
        api: { alias: alias("api"), port: settings.api.port, user: settings.api.user, tls: tlsIn("/etc/api/tls") },
        prometheus: { alias: alias("prometheus"), port: 9090, user: "65534:65534", tls: tlsIn("/etc/prometheus/tls") },
        grafana: { alias: alias("grafana"), port: 3000, user: "472:0", tls: tlsIn("/etc/grafana/tls") },
        alertmanager: { alias: alias("alertmanager"), port: 9093, user: "65534:65534", tls: tlsIn("/etc/alertmanager/tls") },
        jaeger: { alias: alias("jaeger"), port: JAEGER_PORTS.ui, user: "10001:10001", tls: tlsIn("/etc/jaeger/tls") },
        postgresExporter: { alias: alias("postgresExporter"), port: 9187, user: "65534:65534", tls: tlsIn("/etc/postgres_exporter/tls") },
        redisExporter: { alias: alias("redisExporter"), port: 9121, user: "59000:59000", tls: tlsIn("/etc/redis_exporter/tls") },
        // Host and container metrics need read-only host mounts: explicit, named exemptions in the policy config.
        nodeExporter: { alias: alias("nodeExporter"), port: 9100, user: "65534:65534", tls: tlsIn("/etc/node_exporter/tls") },
        cadvisor: { alias: alias("cadvisor"), port: 8080, user: "0:0", tls: tlsIn("/etc/cadvisor/tls") },
        blackboxExporter: { alias: alias("blackboxExporter"), port: 9115, user: "65534:65534", tls: tlsIn("/etc/blackbox_exporter/tls") },
        // Caddy's image keeps ACME state in root-owned /data; it runs as root with every capability dropped
        // (an explicit, named exemption in the policy config).
        edge: { alias: alias("edge"), port: EDGE_CONTAINER_PORTS.https, user: "0:0", tls: tlsIn("/etc/caddy/tls") },
        // The postgres image's own user: its dumps are owned by it, and the image's /var/lib/postgresql (999:999) is
        // what Docker copies onto the backup volume's root.
        backup: { alias: WORKLOAD_NAMES.backup, user: "999:999", ca: "/etc/backup/tls/ca.crt" },
        // The same uid as the backup job: the dumps are its files, mode 0600, on a volume mounted read-only here.
        backupOffsite: { alias: WORKLOAD_NAMES.backupOffsite, user: "999:999", ca: CONFIG_PATHS.offsiteCaBundle },
    };
}

/**
 * Capabilities an image's binary carries as file capabilities. The kernel refuses to exec such a binary when the
 * capability is not in the container's bounding set, so with ALL dropped it must be added back, even though the
 * process never uses it (no-new-privileges keeps a non-root process from gaining it; the edge listens on
 * unprivileged ports). The official caddy image runs `setcap cap_net_bind_service=+ep /usr/bin/caddy`.
 */
export function imageFileCapabilities(reference: string): string[] {
    const repository = reference.split("@")[0]!.replace(/:[^/:]*$/, "");
    return /^(docker\.io\/)?(library\/)?caddy$/.test(repository) ? ["NET_BIND_SERVICE"] : [];
}
