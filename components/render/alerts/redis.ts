import { SCRAPE_JOB_NAMES } from "../prometheus";
import { percent } from "./format";
import type { AlertContext, AlertGroupDefinition } from "./types";

/** Redis through redis_exporter: reachability, memory against maxmemory, rejected connections. */
export function redisAlerts({ thresholds: t }: AlertContext): AlertGroupDefinition {
    const job = `job="${SCRAPE_JOB_NAMES.redis}"`;
    const service = "redis";
    return {
        name: "redis",
        rules: [
            {
                alert: "RedisDown",
                // redis_up is 0 when the exporter cannot reach Redis; up is 0 when Prometheus cannot reach the exporter.
                expr: `redis_up{${job}} == 0 or up{${job}} == 0`,
                for: "1m",
                severity: "critical",
                service,
                summary: "Redis is unreachable",
                description: "{{ $labels.__name__ }} = {{ $value }} for {{ $labels.instance }} for 1 minute: Redis, or the exporter that watches it, is down.",
            },
            {
                alert: "RedisMemoryHigh",
                // Without maxmemory (0) the ratio means nothing; the `> 0` filter drops it instead of dividing by zero.
                expr: `redis_memory_used_bytes{${job}} / (redis_memory_max_bytes{${job}} > 0) > ${t.redisMemoryRatio}`,
                for: "5m",
                severity: "warning",
                service,
                summary: "Redis memory is near maxmemory",
                description: `Redis on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory (warning above ${percent(t.redisMemoryRatio)}); it will soon evict keys or refuse writes.`,
            },
            {
                alert: "RedisRejectedConnections",
                expr: `increase(redis_rejected_connections_total{${job}}[5m]) > 0`,
                for: "1m",
                severity: "warning",
                service,
                summary: "Redis rejects connections",
                description: "Redis on {{ $labels.instance }} rejected {{ $value | humanize }} connections over the last 5 minutes (maxclients reached).",
            },
        ],
    };
}
