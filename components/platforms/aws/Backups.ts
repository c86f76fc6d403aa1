import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext, AwsBase } from "./context";
import { assumeRolePolicy, policyDocument } from "./iamDocuments";
import { PrivateBucket, S3_ACCESS_LOG_PREFIX } from "./PrivateBucket";

/** Days before exports move to Glacier Flexible Retrieval. */
export const EXPORT_GLACIER_AFTER_DAYS = 30;

/** Days an export is kept: a year in production, a quarter elsewhere. Exported for tests. */
export function exportRetentionDays(environment: string): number {
    return environment === "production" ? 365 : 90;
}

/**
 * Backups beyond RDS's automated ones (kept `aws.postgres.backupRetentionDays`, with a final snapshot in
 * production): a private, versioned, KMS-encrypted bucket for exports (snapshot exports, pg_dump before a deploy as
 * the source runbooks do), moved to Glacier after a month and expired after the retention, and the role RDS
 * snapshot export assumes to write there. Its server access logs go to the access-log bucket.
 */
export class Backups extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly exportRole: aws.iam.Role;

    /** `accessLogBucket`: name of the bucket that receives its server access logs (the stack's access-log bucket). */
    constructor(name: string, base: AwsBase & { readonly accessLogBucket: pulumi.Input<string> }, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Backups", name, {}, opts);
        const retention = exportRetentionDays(base.settings.environment);
        const store = new PrivateBucket(name, {
            kmsKeyArn: base.keyArn,
            versioned: true,
            lifecycleRules: [{
                id: "glacier-then-expire",
                status: "Enabled",
                filter: {},
                transitions: [{ days: EXPORT_GLACIER_AFTER_DAYS, storageClass: "GLACIER" }],
                expiration: { days: retention },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            }],
            protect: base.settings.protectStateful,
            accessLogs: { targetBucket: base.accessLogBucket, targetPrefix: `${S3_ACCESS_LOG_PREFIX}/backups/` },
        }, { parent: this });
        this.bucket = store.bucket;

        this.exportRole = new aws.iam.Role(`${name}-export`, {
            description: `${base.settings.namePrefix}: RDS snapshot export to the backup bucket`,
            assumeRolePolicy: accountContext(base.account).apply((a) => assumeRolePolicy("export.rds.amazonaws.com", a)),
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-export`, {
            role: this.exportRole.id,
            policy: pulumi.all([this.bucket.arn, base.keyArn]).apply(([arn, keyArn]) => policyDocument([
                { Sid: "WriteExports", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketLocation"], Resource: [arn, `${arn}/*`] },
                { Sid: "EncryptExports", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"], Resource: keyArn },
            ])),
        }, { parent: this });
        this.registerOutputs({ bucket: this.bucket, exportRole: this.exportRole });
    }
}
