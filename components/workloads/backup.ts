import * as pulumi from "@pulumi/pulumi";
import { BackupJob, pgpassLine, renderBackupScript } from "../render/backup";
import type { StackSettings } from "../settings/types";
import { CONFIG_PATHS, POSTGRES_BACKUP_USER, SECRET_FILES, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { mapInput, VolumeMount, WorkloadContext, WorkloadDescription } from "./description";
import { config, secret } from "./files";

/**
 * Where the backup volume is mounted: the postgres image's own /var/lib/postgresql (999:999), so Docker gives the new
 * volume's root that owner when it first mounts it; dumps and state live in directories below.
 */
export const BACKUP_MOUNT = "/var/lib/postgresql";
export const BACKUP_PATHS = {
    dumps: `${BACKUP_MOUNT}/backups`,
    state: `${BACKUP_MOUNT}/backup-state`,
    /** node_exporter's textfile-collector directory in both containers that mount the metrics volume. */
    metrics: "/var/lib/backup-metrics",
} as const;

/** The command of one run of the job; its label (`pre-deploy`) follows. */
export const RUN_ONCE_COMMAND = ["bash", CONFIG_PATHS.backupScript, "run"] as const;

/** How the job runs: where it keeps dumps, state and metrics, on which volumes, when, and how many dumps it keeps. */
export interface BackupRun {
    readonly dirs: { readonly dumps: string; readonly state: string; readonly metrics: string };
    readonly volumes: readonly VolumeMount[];
    readonly schedule: readonly string[];
    readonly keepDays: number;
    readonly keepCount: number;
    /** One run with this label, then exit (a one-off task, no healthcheck); unset, the job runs on its schedule. */
    readonly once?: string;
}

/** The job on a host: on its own volume (stateful) and node_exporter's textfile directory (in memory), on the stack's schedule. */
export function scheduledBackup(settings: StackSettings): BackupRun {
    return {
        dirs: BACKUP_PATHS,
        volumes: [{ volume: "backup-data", path: BACKUP_MOUNT, owns: "state" }, { volume: "backup-metrics", path: BACKUP_PATHS.metrics, owns: "memory" }],
        schedule: settings.backup.schedule,
        keepDays: settings.backup.keepDays,
        keepCount: settings.backup.keepCount,
    };
}

/** What the job's script is rendered from: the database as `host` names it, the CA file that verifies it, the run. */
function job(settings: StackSettings, specs: WorkloadSpecs, host: string, caFile: string, run: BackupRun): BackupJob {
    return {
        stack: settings.stack,
        host,
        port: specs.postgres.port,
        database: settings.postgres.database,
        user: POSTGRES_BACKUP_USER,
        caFile,
        passFile: SECRET_FILES.backupPgpass,
        backupDir: run.dirs.dumps,
        stateDir: run.dirs.state,
        metricsDir: run.dirs.metrics,
        schedule: run.schedule,
        keepDays: run.keepDays,
        keepCount: run.keepCount,
    };
}

/** The scheduled job's script inputs on a host where PostgreSQL is reached by its alias and verified by the internal CA. */
export function backupJob(settings: StackSettings, specs: WorkloadSpecs): BackupJob {
    return job(settings, specs, specs.postgres.alias, specs.backup.ca, scheduledBackup(settings));
}

/**
 * The PostgreSQL backup job: the postgres image's pg_dump (the server's major) dumps the application database as the
 * dump-only role over TLS verify-full, verifies the dump, keeps it and applies retention, and writes its metrics for
 * node_exporter's textfile collector (components/render/backup.ts). On its schedule, or once (`run.once`).
 */
export function backupWorkload(ctx: WorkloadContext, run: BackupRun = scheduledBackup(ctx.settings)): WorkloadDescription {
    const { settings, specs, data, generated } = ctx;
    const spec = specs.backup;
    const trust = data.trust("backup");
    const script = mapInput(data.postgresHost, (host) => renderBackupScript(job(settings, specs, host, trust.caFile, run)));
    const pgpass = pulumi.all([data.postgresHost, generated.postgresBackupPassword.result]).apply(([host, password]) =>
        pgpassLine(host, specs.postgres.port, settings.postgres.database, POSTGRES_BACKUP_USER, password));
    return {
        name: WORKLOAD_NAMES.backup,
        image: settings.images.backup,
        user: spec.user,
        limits: settings.resources.backup,
        command: run.once ? [...RUN_ONCE_COMMAND, run.once] : ["bash", CONFIG_PATHS.backupScript, "schedule"],
        files: [config(CONFIG_PATHS.backupScript, script), ...trust.files, secret(SECRET_FILES.backupPgpass, pgpass)],
        volumes: run.volumes,
        // The scheduler's heartbeat; a one-off run has no process to watch.
        ...(run.once ? {} : { healthcheck: { test: ["CMD", "bash", CONFIG_PATHS.backupScript, "health"], startPeriodSeconds: 30 } }),
    };
}
