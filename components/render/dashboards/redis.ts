import { DEFAULT_ALERT_THRESHOLDS as ALERT } from "../alerts/thresholds";
import { SCRAPE_JOB_NAMES } from "../prometheus";
import type { DashboardInput } from "./index";
import { Dashboard, dashboard, stat, timeseries, upStat } from "./panels";
import { eq, orZero, rate, sel, sum } from "./promql";

/** Where the RedisMemoryHigh alert fires. */
const MEMORY_THRESHOLDS = [{ value: ALERT.redisMemoryRatio, color: "orange" }] as const;

/** Redis from redis_exporter: availability, memory against maxmemory, clients, throughput, hit ratio, evictions. */
export function redisDashboard(settings: DashboardInput): Dashboard {
    const job = eq("job", SCRAPE_JOB_NAMES.redis);
    const redis = (metric: string) => sel(metric, job);
    const memoryUsed = `max(${redis("redis_memory_used_bytes")}) / max(${redis("redis_memory_max_bytes")} > 0)`;
    const hits = sum(rate(redis("redis_keyspace_hits_total")));
    const misses = sum(rate(redis("redis_keyspace_misses_total")));
    return dashboard({
        uid: "stack-redis",
        title: "Redis",
        description: `Redis (maxmemory ${settings.redis.maxmemoryMiB}MiB, policy ${settings.redis.maxmemoryPolicy}) from redis_exporter.`,
        tags: ["service-stack", "redis"],
        panels: [
            upStat("Redis", orZero(`min(${redis("redis_up")})`), { width: 6 }),
            stat("Memory of maxmemory", "percentunit", { expr: memoryUsed }, { thresholds: MEMORY_THRESHOLDS }),
            stat("Clients", "short", { expr: sum(redis("redis_connected_clients")) }),
            stat("Hit ratio", "percentunit", { expr: `${hits} / (${hits} + ${misses})` }),
            timeseries("Memory", "bytes", [
                { expr: `max(${redis("redis_memory_used_bytes")})`, legend: "used" },
                { expr: `max(${redis("redis_memory_max_bytes")})`, legend: "maxmemory" },
            ]),
            timeseries("Memory of maxmemory", "percentunit", [{ expr: memoryUsed, legend: "used" }], { min: 0, max: 1, thresholds: MEMORY_THRESHOLDS }),
            timeseries("Commands", "ops", [{ expr: sum(rate(redis("redis_commands_processed_total"))), legend: "commands" }]),
            timeseries("Hit ratio", "percentunit", [{ expr: `${hits} / (${hits} + ${misses})`, legend: "hits" }], { min: 0, max: 1 }),
            timeseries("Clients", "short", [
                { expr: sum(redis("redis_connected_clients")), legend: "connected" },
                { expr: sum(redis("redis_blocked_clients")), legend: "blocked" },
                { expr: sum(rate(redis("redis_rejected_connections_total"))), legend: "rejected/s" },
            ]),
            timeseries("Evicted and expired keys", "ops", [
                { expr: sum(rate(redis("redis_evicted_keys_total"))), legend: "evicted" },
                { expr: sum(rate(redis("redis_expired_keys_total"))), legend: "expired" },
            ]),
            timeseries("Keys by database", "short", [{ expr: sum(redis("redis_db_keys"), "db"), legend: "{{db}}" }]),
        ],
    });
}
