import { ImageSettings, ResourceLimits, WORKLOADS, WorkloadName } from "../types";
import { decimal, image, key, memorySize } from "./kinds";
import { ByEnvironment, eachOf, group } from "./nodes";

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

/** Docker refuses a memory limit below 6 MiB (and ECS a container's). */
export const MIN_CONTAINER_MEMORY_MIB = 6;

type Sizes = Readonly<Record<WorkloadName, ResourceLimits>>;

/** Container sizes locally and in staging. */
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

/** Container sizes in production. */
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

function sizeOf<F extends keyof ResourceLimits>(workload: WorkloadName, field: F): ByEnvironment<ResourceLimits[F]> {
    return new ByEnvironment({ local: LOCAL_SIZES[workload][field], staging: LOCAL_SIZES[workload][field], production: PRODUCTION_SIZES[workload][field] });
}

/** The image and the size of every container. */
export const WORKLOAD_KEYS = {
    images: eachOf(WORKLOADS, "<workload>", (workload) => key(image, {
        // The backup job's pg_dump must be of the server's major (or newer): unset, it runs the server's own image.
        // A refused `images.backup` falls back to the pinned default, as every refused image does.
        default: workload === "backup" ? (ctx) => (ctx.given("images.backup") ? DEFAULT_IMAGES.backup : ctx.value("images.postgres") as string) : DEFAULT_IMAGES[workload],
        type: "image pinned to a tag other than `latest`, optional `@sha256:` digest, ≤ 255 characters; on `aws` the tag of `images.postgres` starts with its major, 15 or later (its psql runs the RDS role script)",
        defaultText: "see below",
        meaning: WORKLOADS.map((w) => `\`${w}\``).join(", "),
    })),
    resources: eachOf(WORKLOADS, "<workload>", (workload) => group({
        memory: key(memorySize(MIN_CONTAINER_MEMORY_MIB), {
            default: sizeOf(workload, "memoryMiB"),
            field: "memoryMiB",
            type: "size 6MiB–1TiB (`512MiB`, `2GiB`, `768m`); on `aws` a Fargate task's containers together ≤ 120 GiB",
            defaultText: "per workload; production larger",
            meaning: "hard memory limit (no swap)",
        }),
        cpus: key(decimal(0.05, 64), {
            default: sizeOf(workload, "cpus"),
            type: "number 0.05–64; on `aws` a Fargate task's containers together ≤ 16 vCPU",
            defaultText: "per workload",
            meaning: "CPU shares (`cpus × 1024`)",
        }),
    })),
};
