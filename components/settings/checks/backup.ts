import { longestGapMinutes } from "../schema/backup";
import type { ConfigReader } from "../validate";
import type { CheckInput } from "./check";

/** BackupMissing must leave the longest gap between two scheduled runs this much room for the run itself. */
const MAX_AGE_SLACK_HOURS = 1;

/** BackupMissing does not fire on a healthy stack between two scheduled runs. */
export function checkBackupMaxAge(r: ConfigReader, { values, ctx }: CheckInput): void {
    const { schedule, maxAgeHours } = values.backup;
    const gapHours = longestGapMinutes(schedule) / 60;
    if (maxAgeHours < gapHours + MAX_AGE_SLACK_HOURS) {
        r.conflict(`\`${ctx.project}:backup.maxAgeHours\` (${maxAgeHours}) must be at least ${Math.ceil(gapHours + MAX_AGE_SLACK_HOURS)}: the longest wait between two runs of \`backup.schedule\` is ${gapHours}h, and BackupMissing would fire on a healthy stack before the next run.`);
    }
}

/** A KMS key is used only with `aws:kms`. */
export function checkOffsiteKmsKey(r: ConfigReader, { values, ctx }: CheckInput): void {
    const offsite = values.backup.offsite;
    if (offsite?.kmsKeyId !== undefined && offsite.serverSideEncryption !== "aws:kms") {
        r.conflict(`\`${ctx.project}:backup.offsite.kmsKeyId\` is set but \`backup.offsite.serverSideEncryption\` is \`${offsite.serverSideEncryption}\`: a KMS key is used only with \`aws:kms\`.`);
    }
}

/** A private CA is for an S3-compatible endpoint: AWS S3's certificates are publicly trusted. */
export function checkOffsiteCaCertificate(r: ConfigReader, { values, ctx }: CheckInput): void {
    if (values.backup.offsite?.caCertificate !== undefined && !ctx.given("backup.offsite.endpoint")) {
        r.conflict(`\`${ctx.project}:backup.offsite.caCertificate\` is set but \`backup.offsite.endpoint\` is not: AWS S3 serves publicly trusted certificates.`);
    }
}

/** The off-host copy's S3 credentials are secret config. */
export function checkOffsiteCredentials(r: ConfigReader, { ctx }: CheckInput): void {
    if (!ctx.given("backup.offsite")) return;
    for (const key of ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const) {
        if (!ctx.given(key)) r.conflict(`\`${ctx.project}:${key}\` is required when \`backup.offsite\` is set: set it with \`pulumi config set --secret ${key} …\`.`);
    }
}
