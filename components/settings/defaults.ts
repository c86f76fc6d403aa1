import type { AwsSettings, Environment, ImageSettings, ResourceLimits, WorkloadName } from "./types";

/**
 * Where docs/runbook.md is published when `alerting.runbookUrl` is not set: this repository's file on GitHub, under
 * a placeholder organisation that each team replaces with its own (README, "Configuration").
 */
export const DEFAULT_RUNBOOK_URL = "https://github.com/example-org/service-stack/blob/main/docs/runbook.md";

/**
 * Pinned default images: current stable releases, tag pinned (a digest may be added per stack:
 * `name:tag@sha256:…`). Prometheus is the v3 LTS line.
 */
export const DEFAULT_IMAGES: Readonly<ImageSettings> = {
    postgres: "postgres:18.1",
    redis: "redis:8.2.2",
    // Local stand-in for the team's API (Caddy answering the health and metrics paths over TLS).
    // Staging and production must name the real image in `images.api`.
    api: "caddy:2.10.2",
    prometheus: "prom/prometheus:v3.5.0",
    grafana: "grafana/grafana:12.2.1",
    alertmanager: "prom/alertmanager:v0.28.1",
    jaeger: "cr.jaegertracing.io/jaegertracing/jaeger:2.11.0",
    postgresExporter: "quay.io/prometheuscommunity/postgres-exporter:v0.18.1",
    redisExporter: "oliver006/redis_exporter:v1.76.0-alpine",
    nodeExporter: "prom/node-exporter:v1.9.1",
    cadvisor: "gcr.io/cadvisor/cadvisor:v0.52.1",
    blackboxExporter: "prom/blackbox-exporter:v0.27.0",
    edge: "caddy:2.10.2",
    // pg_dump and pg_restore of the server's major; `images.backup` follows `images.postgres` unless set.
    backup: "postgres:18.1",
    // The AWS CLI's official image (Amazon Linux with AWS CLI v2): the postgres image carries no S3 client.
    backupOffsite: "amazon/aws-cli:2.27.0",
};

type Sizes = Record<WorkloadName, ResourceLimits>;

const LOCAL_SIZES: Sizes = {
    postgres: { memoryMiB: 512, cpus: 1 },
    redis: { memoryMiB: 256, cpus: 0.5 },
    api: { memoryMiB: 256, cpus: 0.5 },
    prometheus: { memoryMiB: 512, cpus: 0.5 },
    grafana: { memoryMiB: 256, cpus: 0.5 },
    alertmanager: { memoryMiB: 128, cpus: 0.25 },
    jaeger: { memoryMiB: 512, cpus: 0.5 },
    postgresExporter: { memoryMiB: 64, cpus: 0.1 },
    redisExporter: { memoryMiB: 64, cpus: 0.1 },
    nodeExporter: { memoryMiB: 64, cpus: 0.1 },
    cadvisor: { memoryMiB: 256, cpus: 0.3 },
    blackboxExporter: { memoryMiB: 64, cpus: 0.1 },
    edge: { memoryMiB: 128, cpus: 0.5 },
    backup: { memoryMiB: 256, cpus: 0.5 },
    backupOffsite: { memoryMiB: 256, cpus: 0.25 },
};

const PRODUCTION_SIZES: Sizes = {
    ...LOCAL_SIZES,
    postgres: { memoryMiB: 8192, cpus: 2 },
    redis: { memoryMiB: 1024, cpus: 1 },
    api: { memoryMiB: 1024, cpus: 2 },
    prometheus: { memoryMiB: 2048, cpus: 1 },
    grafana: { memoryMiB: 512, cpus: 0.5 },
    jaeger: { memoryMiB: 1024, cpus: 1 },
    edge: { memoryMiB: 256, cpus: 1 },
    backup: { memoryMiB: 512, cpus: 1 },
};

/** Defaults that differ by environment; every one of them can be overridden in the stack file. */
export interface EnvironmentDefaults {
    readonly resources: Sizes;
    readonly edge: { bindAddress: string; httpPort: number; httpsPort: number; rateLimitPerMinute: number };
    readonly tlsMinVersion: "1.2" | "1.3";
    readonly postgres: { maxConnections: number; sharedBuffersMiB: number; effectiveCacheSizeMiB: number; workMemMiB: number };
    readonly redisMaxmemoryMiB: number;
    readonly protectStateful: boolean;
    /** AWS platform defaults; the region has none (it is required). */
    readonly aws: Omit<AwsSettings, "region">;
}

/** ElastiCache engine versions used when `aws.redis.engineVersion` is not set. */
export const DEFAULT_REDIS_ENGINE_VERSIONS = { redis: "7.1", valkey: "8.0" } as const;

const STAGING_AWS: Omit<AwsSettings, "region"> = {
    availabilityZones: 2,
    vpcCidr: "10.40.0.0/16",
    postgres: { engineVersion: "17", instanceClass: "db.t4g.medium", allocatedStorageGiB: 20, maxAllocatedStorageGiB: 100, backupRetentionDays: 7, applyImmediately: false },
    redis: { engine: "redis", nodeType: "cache.t4g.small", engineVersion: DEFAULT_REDIS_ENGINE_VERSIONS.redis, authTokenUpdateStrategy: "SET" },
    api: { desiredCount: 2, minCount: 2, maxCount: 4, targetCpuPercent: 60, targetRequestsPerTarget: 500 },
    logRetentionDays: 30,
    pullThroughCache: true,
};

const PRODUCTION_AWS: Omit<AwsSettings, "region"> = {
    // One zone per NAT gateway, database standby and API task: a zone failure leaves two.
    availabilityZones: 3,
    vpcCidr: "10.50.0.0/16",
    postgres: { engineVersion: "17", instanceClass: "db.m7g.large", allocatedStorageGiB: 100, maxAllocatedStorageGiB: 500, backupRetentionDays: 14, applyImmediately: false },
    redis: { engine: "redis", nodeType: "cache.m7g.large", engineVersion: DEFAULT_REDIS_ENGINE_VERSIONS.redis, authTokenUpdateStrategy: "SET" },
    api: { desiredCount: 3, minCount: 3, maxCount: 12, targetCpuPercent: 60, targetRequestsPerTarget: 500 },
    logRetentionDays: 90,
    pullThroughCache: true,
};

const LOCAL: EnvironmentDefaults = {
    resources: LOCAL_SIZES,
    // Loopback and unprivileged ports: nothing on a laptop is exposed, and no clash with a local web server.
    edge: { bindAddress: "127.0.0.1", httpPort: 8080, httpsPort: 8443, rateLimitPerMinute: 120 },
    tlsMinVersion: "1.2",
    postgres: { maxConnections: 100, sharedBuffersMiB: 128, effectiveCacheSizeMiB: 384, workMemMiB: 4 },
    redisMaxmemoryMiB: 192,
    protectStateful: false,
    aws: STAGING_AWS,
};

const STAGING: EnvironmentDefaults = {
    ...LOCAL,
    edge: { bindAddress: "0.0.0.0", httpPort: 80, httpsPort: 443, rateLimitPerMinute: 120 },
};

const PRODUCTION: EnvironmentDefaults = {
    resources: PRODUCTION_SIZES,
    edge: { bindAddress: "0.0.0.0", httpPort: 80, httpsPort: 443, rateLimitPerMinute: 100 },
    tlsMinVersion: "1.3",
    // The tuning the source documents run in production (max_connections 200, shared_buffers 2GB, …).
    postgres: { maxConnections: 200, sharedBuffersMiB: 2048, effectiveCacheSizeMiB: 6144, workMemMiB: 10 },
    redisMaxmemoryMiB: 768,
    protectStateful: true,
    aws: PRODUCTION_AWS,
};

/** The defaults of one environment. */
export function environmentDefaults(environment: Environment): EnvironmentDefaults {
    switch (environment) {
        case "local":
            return LOCAL;
        case "staging":
            return STAGING;
        case "production":
            return PRODUCTION;
    }
}
