import type { AlertContext, AlertGroupDefinition } from "./types";

/**
 * Metrics the PostgreSQL backup job reports after every run (written to node_exporter's textfile collector, see
 * docs/runbook.md#backupfailed): no scrape job of its own, so the rules match them from any job.
 */
export const BACKUP_METRICS = {
    /** Unix time of the last run that completed and verified its dump. */
    lastSuccessTimestamp: "backup_last_success_timestamp_seconds",
    /** 1 if the last run succeeded, 0 if it failed. */
    lastRunStatus: "backup_last_run_status",
} as const;

/** The PostgreSQL backup job: its last run failed, or no run has succeeded recently (or ever). */
export function backupAlerts({ thresholds: t }: AlertContext): AlertGroupDefinition {
    return {
        name: "backup",
        rules: [
            {
                alert: "BackupFailed",
                expr: `${BACKUP_METRICS.lastRunStatus} == 0`,
                for: "5m",
                severity: "warning",
                service: "postgres",
                summary: "The last database backup failed",
                description: "The last backup run reported on {{ $labels.instance }} failed (backup_last_run_status = {{ $value }}).",
            },
            {
                alert: "BackupMissing",
                // `or vector(0)`: a backup job that never reported counts as one whose last success was at the epoch.
                expr: `time() - max(${BACKUP_METRICS.lastSuccessTimestamp} or vector(0)) > ${t.backupMaxAgeHours} * 3600`,
                for: "15m",
                severity: "warning",
                service: "postgres",
                summary: "No recent successful database backup",
                description: `The newest successful backup finished {{ $value | humanizeDuration }} ago (limit ${t.backupMaxAgeHours}h); decades mean the backup job has never reported.`,
            },
        ],
    };
}
