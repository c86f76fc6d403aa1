import { SCRAPE_JOB_NAMES } from "../prometheus";
import { percent } from "./format";
import type { AlertContext, AlertGroupDefinition } from "./types";

/** PostgreSQL through postgres_exporter: reachability, connection saturation, deadlocks and rollbacks. */
export function postgresAlerts({ thresholds: t }: AlertContext): AlertGroupDefinition {
    const job = `job="${SCRAPE_JOB_NAMES.postgres}"`;
    const databases = `${job},datname!~"template.*"`;
    const rate5m = (metric: string) => `sum by (instance, datname) (rate(${metric}{${databases}}[5m]))`;
    const service = "postgres";
    return {
        name: "postgres",
        rules: [
            {
                alert: "DatabaseDown",
                // pg_up is 0 when the exporter cannot reach PostgreSQL; up is 0 when Prometheus cannot reach the exporter.
                expr: `pg_up{${job}} == 0 or up{${job}} == 0`,
                for: "1m",
                severity: "critical",
                service,
                summary: "PostgreSQL is unreachable",
                description: "{{ $labels.__name__ }} = {{ $value }} for {{ $labels.instance }} for 1 minute: PostgreSQL, or the exporter that watches it, is down.",
            },
            {
                alert: "DatabaseConnectionsHigh",
                expr: `sum by (instance) (pg_stat_activity_count{${job}}) / max by (instance) (pg_settings_max_connections{${job}}) > ${t.postgresConnectionsRatio}`,
                for: "5m",
                severity: "warning",
                service,
                summary: "PostgreSQL connections are near max_connections",
                description: `{{ $value | humanizePercentage }} of max_connections are in use on {{ $labels.instance }} (warning above ${percent(t.postgresConnectionsRatio)}); new clients will soon be refused.`,
            },
            {
                alert: "PostgresDeadlocks",
                expr: `sum by (instance, datname) (increase(pg_stat_database_deadlocks{${databases}}[5m])) > ${t.postgresDeadlocksPer5m}`,
                for: "1m",
                severity: "warning",
                service,
                summary: "PostgreSQL is resolving deadlocks",
                description: `{{ $value | humanize }} deadlocks in database {{ $labels.datname }} over the last 5 minutes (warning above ${t.postgresDeadlocksPer5m}).`,
            },
            {
                alert: "PostgresTooManyRollbacks",
                expr: `${rate5m("pg_stat_database_xact_rollback")} / (${rate5m("pg_stat_database_xact_commit")} + ${rate5m("pg_stat_database_xact_rollback")}) > ${t.postgresRollbackRatio}`,
                for: "10m",
                severity: "warning",
                service,
                summary: "Many PostgreSQL transactions are rolled back",
                description: `{{ $value | humanizePercentage }} of transactions in database {{ $labels.datname }} were rolled back over the last 5 minutes (warning above ${percent(t.postgresRollbackRatio)}).`,
            },
        ],
    };
}
