import type * as pulumi from "@pulumi/pulumi";
import type { AwsSettings } from "./awsTypes";
import type { BackupSettings } from "./backupTypes";

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

// The AWS platform's and the backup job's settings, in files of their own; part of this module for every importer.
export * from "./awsTypes";
export * from "./backupTypes";

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
