import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../../settings/types";
import { PrivateBucket, S3_ACCESS_LOG_PREFIX } from "./PrivateBucket";

export interface ConfigBucketArgs {
    readonly settings: StackSettings;
    readonly keyArn: pulumi.Input<string>;
    /** Name of the bucket that receives its server access logs (the stack's access-log bucket). */
    readonly accessLogBucket: pulumi.Input<string>;
}

/** Older versions of configuration objects stay this long, so a rolled-back task definition still finds its files. */
export const CONFIG_VERSION_RETENTION_DAYS = 90;
/** However old, the newest this many older versions of each object stay too: the last revisions are always there to roll back to. */
export const CONFIG_VERSIONS_KEPT = 10;

/**
 * The bucket the rendered configuration files live in, one object per file under `<service>/<container>/<path>`:
 * private, versioned (task definitions name object versions), KMS-encrypted, TLS-only. Tasks read only their own
 * prefix (see FargateService's task role). Its server access logs go to the access-log bucket.
 */
export class ConfigBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    /** Enabled versioning; objects are uploaded only after it, so each upload gets a version id. */
    public readonly versioning: aws.s3.BucketVersioning;

    constructor(name: string, args: ConfigBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:ConfigBucket", name, {}, opts);
        const store = new PrivateBucket(name, {
            kmsKeyArn: args.keyArn,
            versioned: true,
            lifecycleRules: [{
                id: "expire-old-config-versions",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: CONFIG_VERSION_RETENTION_DAYS, newerNoncurrentVersions: CONFIG_VERSIONS_KEPT },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            }],
            protect: args.settings.protectStateful,
            accessLogs: { targetBucket: args.accessLogBucket, targetPrefix: `${S3_ACCESS_LOG_PREFIX}/config/` },
        }, { parent: this });
        this.bucket = store.bucket;
        this.versioning = store.versioning!;
        this.registerOutputs({ bucket: this.bucket, versioning: this.versioning });
    }
}
