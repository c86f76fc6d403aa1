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

/**
 * The HELP text of each shared gauge. node_exporter's textfile collector merges every file of its directory into one
 * family per name and refuses the whole family when two files give it different help texts: the backup job and its
 * off-host copy must write the same words.
 */
export const BACKUP_METRIC_HELP = {
    lastRunStatus: "1 if the last run for this destination succeeded (dump written and verified, or copied off the host and read back), 0 if it failed.",
    lastSuccessTimestamp: "Unix time the last successful run for this destination finished.",
} as const;

/**
 * The label the backup job puts on its metrics: `volume` for the dumps on the backup volume, `s3` for the off-host
 * copy (components/render/backup.ts, backupOffsite.ts).
 */
export const BACKUP_DESTINATION_LABEL = "destination";

/**
 * The PostgreSQL backup job (Docker): its last run failed, or no run has succeeded within `backup.maxAgeHours` (or
 * ever), for each destination. Not rendered on AWS: RDS takes the automated backups and keeps point-in-time recovery,
 * which no metric of Prometheus's there reports (README, "Backups and restore").
 */
export function backupAlerts({ settings }: AlertContext): AlertGroupDefinition | undefined {
    if (settings.platform === "aws") return undefined;
    const hours = settings.backup.maxAgeHours;
    const destinations = ["volume", ...(settings.backup.offsite ? ["s3"] : [])];
    // A destination that never reported counts as one whose last success was at the epoch.
    const never = destinations.map((d) => ` or label_replace(vector(0), "${BACKUP_DESTINATION_LABEL}", "${d}", "", "")`).join("");
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
                description: "The last backup run ({{ $labels.destination }}) reported on {{ $labels.instance }} failed (backup_last_run_status = {{ $value }}).",
            },
            {
                alert: "BackupMissing",
                expr: `time() - max by (${BACKUP_DESTINATION_LABEL}) (${BACKUP_METRICS.lastSuccessTimestamp}${never}) > ${hours} * 3600`,
                for: "15m",
                severity: "warning",
                service: "postgres",
                summary: "No recent successful database backup",
                description: `The newest successful backup ({{ $labels.destination }}) finished {{ $value | humanizeDuration }} ago (limit ${hours}h); decades mean it never reported.`,
            },
        ],
    };
}
