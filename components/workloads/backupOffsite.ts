import * as pulumi from "@pulumi/pulumi";
import { OffsiteCopy, renderOffsiteAwsConfig, renderOffsiteCredentials, renderOffsiteScript } from "../render/backupOffsite";
import type { BackupOffsiteSettings } from "../settings/types";
import { CONFIG_PATHS, SECRET_FILES, WORKLOAD_NAMES } from "./catalogue";
import { BACKUP_MOUNT, BACKUP_PATHS } from "./backup";
import type { WorkloadContext, WorkloadDescription } from "./description";
import { config, secret } from "./files";

/** Seconds between two passes of the off-host copy. */
const OFFSITE_INTERVAL_SECONDS = 60;

/** What the off-host copy's script is rendered from. */
export function offsiteCopy(offsite: BackupOffsiteSettings): OffsiteCopy {
    return { backupDir: BACKUP_PATHS.dumps, metricsDir: BACKUP_PATHS.metrics, ...offsite, intervalSeconds: OFFSITE_INTERVAL_SECONDS };
}

/**
 * The backup job's off-host copy (`backup.offsite`): the AWS CLI's image copies every verified dump to S3 or an
 * S3-compatible store, reading the dumps from the job's volume (read-only) and reporting into the same textfile
 * directory. Its credentials are an AWS CLI credentials file.
 */
export function backupOffsiteWorkload({ settings, specs, configSecrets }: WorkloadContext, offsite: BackupOffsiteSettings): WorkloadDescription {
    const spec = specs.backupOffsite;
    const accessKeyId = configSecrets.backupS3AccessKeyId;
    const secretAccessKey = configSecrets.backupS3SecretAccessKey;
    if (!accessKeyId || !secretAccessKey) {
        throw new Error("Backup: `backup.offsite` is set without `backupS3AccessKeyId` and `backupS3SecretAccessKey`; buildSettings requires both.");
    }
    return {
        name: WORKLOAD_NAMES.backupOffsite,
        image: settings.images.backupOffsite,
        user: spec.user,
        limits: settings.resources.backupOffsite,
        // The image's entrypoint is `aws`: the loop is bash's.
        entrypoint: ["bash"],
        command: [CONFIG_PATHS.offsiteScript],
        env: {
            HOME: "/tmp",
            AWS_CONFIG_FILE: CONFIG_PATHS.offsiteAwsConfig,
            AWS_SHARED_CREDENTIALS_FILE: SECRET_FILES.backupS3Credentials,
            ...(offsite.caCertificate ? { AWS_CA_BUNDLE: spec.ca } : {}),
        },
        files: [
            config(CONFIG_PATHS.offsiteScript, renderOffsiteScript(offsiteCopy(offsite))),
            config(CONFIG_PATHS.offsiteAwsConfig, renderOffsiteAwsConfig({ region: offsite.region, pathStyle: offsite.endpoint !== undefined })),
            secret(SECRET_FILES.backupS3Credentials, pulumi.all([accessKeyId, secretAccessKey]).apply(([id, key]) => renderOffsiteCredentials(id, key))),
            ...(offsite.caCertificate ? [config(spec.ca, offsite.caCertificate)] : []),
        ],
        volumes: [{ volume: "backup-data", path: BACKUP_MOUNT, readOnly: true }, { volume: "backup-metrics", path: BACKUP_PATHS.metrics }],
        healthcheck: { test: ["CMD", "bash", CONFIG_PATHS.offsiteScript, "health"], startPeriodSeconds: 30 },
    };
}
