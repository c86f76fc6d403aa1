import { SCRAPE_JOB_NAMES } from "../prometheus";
import { percent } from "./format";
import type { AlertContext, AlertGroupDefinition } from "./types";

// Pseudo and container-layer filesystems have no meaningful free space of their own.
const REAL_FILESYSTEMS = `fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|autofs|fuse.lxcfs"`;

/** The Docker host (node_exporter: disk, memory) and its services' restarts. */
export function hostAlerts({ thresholds: t }: AlertContext): AlertGroupDefinition {
    const fs = `job="${SCRAPE_JOB_NAMES.node}",${REAL_FILESYSTEMS}`;
    const freeRatio = `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}`;
    const writable = `node_filesystem_readonly{${fs}} == 0`;
    const node = `job="${SCRAPE_JOB_NAMES.node}"`;
    return {
        name: "host",
        rules: [
            {
                alert: "DiskSpaceLow",
                expr: `${freeRatio} < ${t.diskFreeRatioCritical} and ${writable}`,
                for: "5m",
                severity: "critical",
                service: "host",
                summary: "A host filesystem is almost full",
                description: `Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} on {{ $labels.instance }} is free (critical below ${percent(t.diskFreeRatioCritical)}).`,
            },
            {
                alert: "DiskWillFillIn24h",
                expr: `predict_linear(node_filesystem_avail_bytes{${fs}}[6h], 24 * 3600) < 0 and ${freeRatio} < ${t.diskFillPredictionFreeRatio} and ${writable}`,
                for: "1h",
                severity: "warning",
                service: "host",
                summary: "A host filesystem will be full within 24 hours",
                description: "At the rate of the last 6 hours, {{ $labels.mountpoint }} on {{ $labels.instance }} runs out of space within 24 hours (predicted free space in 24 hours: {{ $value | humanize1024 }}B).",
            },
            {
                alert: "HighMemoryUsage",
                expr: `1 - node_memory_MemAvailable_bytes{${node}} / node_memory_MemTotal_bytes{${node}} > ${t.memoryUsedRatioCritical}`,
                for: "5m",
                severity: "critical",
                service: "host",
                summary: "Host memory is almost exhausted",
                description: `{{ $value | humanizePercentage }} of memory on {{ $labels.instance }} is in use (critical above ${percent(t.memoryUsedRatioCritical)}); the kernel will start killing processes.`,
            },
            {
                alert: "ContainerRestarting",
                // Docker's restart policy restarts a container in place, and cAdvisor's container_start_time_seconds
                // is the container's creation time, which that does not change: the process start times do. Every
                // scraped process reports its own; PostgreSQL and Redis through their exporters.
                expr: [
                    "process_start_time_seconds",
                    `pg_postmaster_start_time_seconds{job="${SCRAPE_JOB_NAMES.postgres}"}`,
                    `redis_start_time_seconds{job="${SCRAPE_JOB_NAMES.redis}"}`,
                ].map((m) => `max by (job, instance) (changes(${m}[15m])) >= ${t.containerRestartsPer15m}`).join(" or "),
                for: "1m",
                severity: "warning",
                service: "containers",
                summary: "A service is restarting repeatedly",
                description: `{{ $labels.job }} ({{ $labels.instance }}) restarted {{ $value }} times in the last 15 minutes (warning at ${t.containerRestartsPer15m}).`,
            },
        ],
    };
}
