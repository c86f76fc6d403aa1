import { DEFAULT_ALERT_THRESHOLDS as ALERT } from "../alerts/thresholds";
import { SCRAPE_JOB_NAMES } from "../prometheus";
import type { DashboardInput } from "./index";
import { Dashboard, dashboard, stat, timeseries, upStat } from "./panels";
import { eq, orZero, rate, sel, sum } from "./promql";

/** Where the DatabaseConnectionsHigh alert fires. */
const CONNECTION_THRESHOLDS = [{ value: ALERT.postgresConnectionsRatio, color: "orange" }] as const;

/** PostgreSQL from postgres_exporter: availability, connections, throughput, cache, size, locks. */
export function postgresDashboard(settings: DashboardInput): Dashboard {
    const job = eq("job", SCRAPE_JOB_NAMES.postgres);
    const db = (metric: string) => sel(metric, job);
    const connectionsUsed = `${sum(db("pg_stat_database_numbackends"))} / max(${db("pg_settings_max_connections")})`;
    const blocksHit = sum(rate(db("pg_stat_database_blks_hit")));
    const blocksRead = sum(rate(db("pg_stat_database_blks_read")));
    return dashboard({
        uid: "stack-postgres",
        title: "PostgreSQL",
        description: `PostgreSQL (database \`${settings.postgres.database}\`, max_connections ${settings.postgres.maxConnections}) from postgres_exporter.`,
        tags: ["service-stack", "postgres"],
        panels: [
            upStat("PostgreSQL", orZero(`min(${db("pg_up")})`), { width: 6 }),
            stat("Connections used", "percentunit", { expr: connectionsUsed }, { thresholds: CONNECTION_THRESHOLDS }),
            stat("Cache hit ratio", "percentunit", { expr: `${blocksHit} / (${blocksHit} + ${blocksRead})` }),
            stat("Deadlocks (last hour)", "short", { expr: orZero(sum(`increase(${db("pg_stat_database_deadlocks")}[1h])`)) }, { thresholds: [{ value: 1, color: "orange" }] }),
            timeseries("Connections by database", "short", [
                { expr: sum(db("pg_stat_database_numbackends"), "datname"), legend: "{{datname}}" },
                { expr: `max(${db("pg_settings_max_connections")})`, legend: "max_connections" },
            ]),
            timeseries("Connections used", "percentunit", [{ expr: connectionsUsed, legend: "used" }], { min: 0, max: 1, thresholds: CONNECTION_THRESHOLDS }),
            timeseries("Transactions", "ops", [
                { expr: sum(rate(db("pg_stat_database_xact_commit")), "datname"), legend: "{{datname}} commit" },
                { expr: sum(rate(db("pg_stat_database_xact_rollback")), "datname"), legend: "{{datname}} rollback" },
            ]),
            timeseries("Rows", "ops", ["fetched", "inserted", "updated", "deleted"].map((op) => ({
                expr: sum(rate(db(`pg_stat_database_tup_${op}`))),
                legend: op,
            }))),
            timeseries("Cache hit ratio", "percentunit", [{ expr: `${blocksHit} / (${blocksHit} + ${blocksRead})`, legend: "hit" }], { min: 0, max: 1 }),
            timeseries("Database size", "bytes", [{ expr: sum(db("pg_database_size_bytes"), "datname"), legend: "{{datname}}" }]),
            timeseries("Locks by mode", "short", [{ expr: sum(db("pg_locks_count"), "mode"), legend: "{{mode}}" }]),
            timeseries("Deadlocks and conflicts", "ops", [
                { expr: sum(rate(db("pg_stat_database_deadlocks"))), legend: "deadlocks" },
                { expr: sum(rate(db("pg_stat_database_conflicts"))), legend: "conflicts" },
            ]),
        ],
    });
}
