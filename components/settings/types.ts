import type * as pulumi from "@pulumi/pulumi";

/** Where the stack runs. */
export const PLATFORMS = ["docker", "aws"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Every environment the stack knows; a stack file naming another one fails validation. */
export const ENVIRONMENTS = ["local", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The seven services of the stack. */
export const SERVICES = ["postgres", "redis", "api", "prometheus", "grafana", "alertmanager", "jaeger"] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * Every container the Docker platform runs: the seven services, their exporters, host/container/probe metrics, the edge
 * proxy, the backup job and its off-host copy (only with `backup.offsite`).
 */
export const WORKLOADS = [
    ...SERVICES,
    "postgresExporter",
    "redisExporter",
    "nodeExporter",
    "cadvisor",
    "blackboxExporter",
    "edge",
    "backup",
    "backupOffsite",
] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Endpoints published through the edge, each at `<name>.<domain>`. */
export const PUBLIC_ENDPOINTS = ["api", "grafana", "prometheus", "alertmanager", "jaeger"] as const;
export type PublicEndpoint = (typeof PUBLIC_ENDPOINTS)[number];

export type ImageSettings = Record<WorkloadName, string>;

export interface ResourceLimits {
    /** Hard memory limit in MiB. */
    readonly memoryMiB: number;
    /** CPU share of one core (0.5 = half a core). */
    readonly cpus: number;
}

export interface EdgeSettings {
    /** Host address the edge binds its published ports to. */
    readonly bindAddress: string;
    /** Host port for plain HTTP (redirects to HTTPS, ACME HTTP-01). */
    readonly httpPort: number;
    /** Host port for HTTPS. */
    readonly httpsPort: number;
    /** Requests per minute per client IP before the edge answers 429. */
    readonly rateLimitPerMinute: number;
    /** ACME account e-mail; set exactly when a domain is configured. */
    readonly acmeEmail?: string;
}

export interface DnsSettings {
    /** Route53 hosted zone name, e.g. `example.com`. */
    readonly zone: string;
    /** Record TTL in seconds. */
    readonly ttl: number;
    /** Public IPv4 address of the Docker host the records point at. Docker only (required there); on AWS the records alias the load balancer. */
    readonly publicAddress?: string;
}

export type TlsVersion = "1.2" | "1.3";

export interface TlsSettings {
    /** Lowest TLS version any of our servers accepts. */
    readonly minVersion: TlsVersion;
    /** Validity of service certificates, in days. */
    readonly certValidityDays: number;
    /** Renew a service certificate on `pulumi up` this many days before it expires. */
    readonly earlyRenewalDays: number;
    /** Validity of the internal CA, in days. */
    readonly caValidityDays: number;
}

export interface PostgresSettings {
    readonly database: string;
    readonly appUser: string;
    readonly maxConnections: number;
    readonly sharedBuffersMiB: number;
    readonly effectiveCacheSizeMiB: number;
    readonly workMemMiB: number;
    readonly walLevel: "replica" | "logical";
}

export interface RedisSettings {
    readonly maxmemoryMiB: number;
    readonly maxmemoryPolicy: "noeviction" | "allkeys-lru" | "volatile-lru" | "allkeys-lfu" | "volatile-lfu";
}

export interface PrometheusSettings {
    /** Prometheus duration, e.g. `15s`. */
    readonly scrapeInterval: string;
    readonly evaluationInterval: string;
    /** TSDB retention time, e.g. `15d`. */
    readonly retentionTime: string;
    /** Optional TSDB size cap, e.g. `10GB`. */
    readonly retentionSize?: string;
}

export interface EmailReceiverSettings {
    readonly to: string;
    readonly from: string;
    /** `host:port` of the SMTP relay. */
    readonly smarthost: string;
    readonly username?: string;
}

export interface AlertingSettings {
    /** How often a still-firing alert is re-sent. */
    readonly repeatInterval: string;
    readonly groupWait: string;
    readonly groupInterval: string;
    /** Slack channel; the webhook URL is the secret `slackWebhookUrl`. */
    readonly slack?: { readonly channel: string };
    /** E-mail receiver; the password (when the relay wants one) is the secret `smtpPassword`. */
    readonly email?: EmailReceiverSettings;
    /** PagerDuty receiver for critical alerts; the routing key is the secret `pagerdutyRoutingKey`. */
    readonly pagerduty: boolean;
    /** Generic webhook receiver; the URL is the secret `webhookUrl`. */
    readonly webhook: boolean;
    /** Dead-man's-switch receiver for the Watchdog alert; the URL is the secret `watchdogUrl`. */
    readonly watchdog: boolean;
    /** Published docs/runbook.md; every alert's `runbook_url` is this plus `#<alert in lower case>`. */
    readonly runbookUrl: string;
}

export interface ApiMetricNames {
    readonly requestsTotal: string;
    readonly requestDurationBucket: string;
    /** Label holding the HTTP status code. */
    readonly statusLabel: string;
}

export interface ApiSettings {
    readonly port: number;
    /** `https` when the API serves TLS itself from the certificate we upload (the default). */
    readonly scheme: "http" | "https";
    readonly args: readonly string[];
    /** Plain, non-secret environment; credentials arrive as files (see README). */
    readonly env: Readonly<Record<string, string>>;
    readonly livePath: string;
    readonly readyPath: string;
    readonly metricsPath: string;
    readonly metricNames: ApiMetricNames;
    /** User the API image runs as. */
    readonly user: string;
    /** Container healthcheck in Docker's form; the default fetches the liveness path with wget. */
    readonly healthcheck: readonly string[];
    /** True when `images.api` is the bundled local stand-in rather than the team's image. */
    readonly standIn: boolean;
}

export interface GrafanaSettings {
    readonly adminUser: string;
}

export interface JaegerSettings {
    /** Traces kept by the in-memory store. */
    readonly maxTraces: number;
}

/** ElastiCache engines the AWS platform can run for the Redis service. */
export const REDIS_ENGINES = ["redis", "valkey"] as const;
export type RedisEngine = (typeof REDIS_ENGINES)[number];

/** CloudWatch retention periods (days) inside the policy pack's bounds (14–400). */
export const LOG_RETENTION_DAYS = [14, 30, 60, 90, 120, 150, 180, 365, 400] as const;

export interface AwsPostgresSettings {
    /** RDS PostgreSQL engine version: a major (`17`) or major.minor (`17.6`). */
    readonly engineVersion: string;
    /** RDS instance class, e.g. `db.m7g.large`. */
    readonly instanceClass: string;
    readonly allocatedStorageGiB: number;
    /** Storage autoscaling ceiling; at least `allocatedStorageGiB`. */
    readonly maxAllocatedStorageGiB: number;
    /** Automated backup (and ElastiCache snapshot) retention in days. */
    readonly backupRetentionDays: number;
    /** Apply instance changes now rather than in the maintenance window (for a major upgrade at a chosen hour). */
    readonly applyImmediately: boolean;
}

export interface AwsRedisSettings {
    readonly engine: RedisEngine;
    /** ElastiCache node type, e.g. `cache.m7g.large`. */
    readonly nodeType: string;
    /** Engine `major.minor`, e.g. `7.1` (redis) or `8.0` (valkey). */
    readonly engineVersion: string;
    /** How a new AUTH token is applied: `ROTATE` accepts old and new for the change-over, `SET` only the new one. */
    readonly authTokenUpdateStrategy: AuthTokenUpdateStrategy;
}

/** ElastiCache's AUTH token update strategies the stack uses (not `DELETE`, which drops authentication). */
export const AUTH_TOKEN_UPDATE_STRATEGIES = ["SET", "ROTATE"] as const;
export type AuthTokenUpdateStrategy = (typeof AUTH_TOKEN_UPDATE_STRATEGIES)[number];

export interface AwsApiSettings {
    /** Tasks when the service is created; autoscaling moves it between `minCount` and `maxCount`. */
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** Target average CPU utilisation (percent) of the API's tasks. */
    readonly targetCpuPercent: number;
    /** Target requests per task per minute (ALBRequestCountPerTarget). */
    readonly targetRequestsPerTarget: number;
}

/** The AWS platform's own settings; present exactly when `platform` is `aws`. */
export interface AwsSettings {
    readonly region: string;
    /** Availability zones the VPC spans (2–6; at least 3 in production). */
    readonly availabilityZones: number;
    /** Private IPv4 range of the VPC, /16 to /22. */
    readonly vpcCidr: string;
    readonly postgres: AwsPostgresSettings;
    readonly redis: AwsRedisSettings;
    readonly api: AwsApiSettings;
    /** Retention of every CloudWatch log group, in days (one of LOG_RETENTION_DAYS). */
    readonly logRetentionDays: number;
    /** Pull Docker Hub, Quay and ECR Public images through ECR pull-through cache rules instead of from the internet. */
    readonly pullThroughCache: boolean;
    /** Docker Hub account the cache pulls as (ECR requires one for Docker Hub); its token is secret `dockerHubAccessToken`. */
    readonly dockerHubUsername?: string;
    /** User of the team's private registry that `images.api` names; its password is secret `teamRegistryPassword`. */
    readonly teamRegistryUsername?: string;
}

/** Server-side encryption the off-host copy asks S3 for. */
export const SERVER_SIDE_ENCRYPTIONS = ["AES256", "aws:kms"] as const;
export type ServerSideEncryption = (typeof SERVER_SIDE_ENCRYPTIONS)[number];

/** Where the backup job copies each verified dump off the host: an S3 bucket (AWS or S3-compatible). */
export interface BackupOffsiteSettings {
    /** `https://host[:port]` of an S3-compatible store; undefined means AWS S3 in `region`. */
    readonly endpoint?: string;
    readonly region: string;
    readonly bucket: string;
    /** Key prefix ending in `/`; defaults to `<project>/<stack>/`. */
    readonly prefix: string;
    readonly serverSideEncryption: ServerSideEncryption;
    /** KMS key for `aws:kms`; undefined means the bucket's default key. */
    readonly kmsKeyId?: string;
    /** PEM of the private CA that issued the endpoint's certificate; undefined means the image's trusted CAs. */
    readonly caCertificate?: string;
}

/** The Docker platform's backup job (components/docker/Backup.ts). */
export interface BackupSettings {
    /** UTC times of day `HH:MM` of the scheduled runs, sorted. */
    readonly schedule: readonly string[];
    /** A dump older than this many days is removed after a successful run (the newest never is). */
    readonly keepDays: number;
    /** At most this many dumps are kept (the newest ones). */
    readonly keepCount: number;
    /** BackupMissing fires when no run has succeeded for this many hours. */
    readonly maxAgeHours: number;
    readonly offsite?: BackupOffsiteSettings;
}

/** Names of the secret config keys, each optional unless the receiver that needs it is enabled. */
export const SECRET_KEYS = ["slackWebhookUrl", "webhookUrl", "pagerdutyRoutingKey", "smtpPassword", "watchdogUrl"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Names of the secret config keys the AWS platform's image pulls need (Docker Hub for the cache, the team registry). */
export const REGISTRY_SECRET_KEYS = ["dockerHubAccessToken", "teamRegistryPassword"] as const;
export type RegistrySecretKey = (typeof REGISTRY_SECRET_KEYS)[number];

/** The off-host copy's S3 credentials (secret config), required when `backup.offsite` is set. */
export const BACKUP_SECRET_KEYS = ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const;
export type BackupSecretKey = (typeof BACKUP_SECRET_KEYS)[number];

/** The whole validated configuration of one stack. Built before any resource is declared. */
export interface StackSettings {
    readonly project: string;
    readonly stack: string;
    readonly platform: Platform;
    readonly environment: Environment;
    /** Prefix of every host-level name (containers, volumes, networks): `<project>-<stack>`. */
    readonly namePrefix: string;
    /** Public domain; undefined means the local default (`*.localhost`, internal CA). */
    readonly domain?: string;
    /** Public hostname of each endpoint, derived from the domain. */
    readonly hostnames: Readonly<Record<PublicEndpoint, string>>;
    readonly dns?: DnsSettings;
    readonly edge: EdgeSettings;
    /** The AWS platform's settings; present exactly when `platform` is `aws`. */
    readonly aws?: AwsSettings;
    readonly images: Readonly<ImageSettings>;
    readonly resources: Readonly<Record<WorkloadName, ResourceLimits>>;
    readonly tls: TlsSettings;
    readonly postgres: PostgresSettings;
    readonly redis: RedisSettings;
    readonly prometheus: PrometheusSettings;
    readonly alerting: AlertingSettings;
    readonly api: ApiSettings;
    readonly grafana: GrafanaSettings;
    readonly jaeger: JaegerSettings;
    readonly backup: BackupSettings;
    /** Length of every generated password. */
    readonly passwordLength: number;
    /** Stateful resources (volumes, databases) get `protect: true`. True in production. */
    readonly protectStateful: boolean;
}

/** Secret values from stack config. Kept apart from the settings so they never reach a render input as plain text. */
export type StackSecrets = Readonly<Partial<Record<SecretKey | RegistrySecretKey | BackupSecretKey, pulumi.Output<string>>>>;
