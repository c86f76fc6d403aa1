import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, PolicyStatement, policyDocument } from "./iamDocuments";

/** Where S3 server access logs go in the access-log bucket, one prefix per source bucket below it. */
export const S3_ACCESS_LOG_PREFIX = "s3";

export interface PrivateBucketArgs {
    /** KMS key ARN for SSE-KMS. Undefined means SSE-S3 (AES256), for writers that cannot use KMS (ALB access logs). */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Keep every object version. Defaults to true. */
    readonly versioned?: boolean;
    /** Lifecycle rules, in the provider's shape. Defaults to none. */
    readonly lifecycleRules?: pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[];
    /** Statements added to the bucket policy beside the TLS-only deny; built from the bucket's ARN. Defaults to none. */
    readonly extraStatements?: (bucketArn: string) => pulumi.Input<PolicyStatement[]>;
    /** `protect` the bucket (production). */
    readonly protect: boolean;
    /** Server access logging into another bucket, under a prefix of this bucket's own. Defaults to none (a log bucket). */
    readonly accessLogs?: { readonly targetBucket: pulumi.Input<string>; readonly targetPrefix: string };
}

/**
 * An S3 bucket nobody outside the account can reach: all four public-access blocks, ACLs disabled (bucket owner
 * enforced), default encryption, optional versioning, lifecycle and server access logging, and a policy that denies
 * any request without TLS.
 */
export class PrivateBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly policy: aws.s3.BucketPolicy;
    /** The versioning configuration, when versioned: writers that need object versions wait for it. */
    public readonly versioning?: aws.s3.BucketVersioning;

    constructor(name: string, args: PrivateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:PrivateBucket", name, {}, opts);
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: false }, { parent: this, protect: args.protect });
        const bucket = this.bucket.id;
        const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
            bucket,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, { parent: this });
        new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket,
            rules: [args.kmsKeyArn
                ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }
                : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, { parent: this });
        if (args.versioned ?? true) {
            this.versioning = new aws.s3.BucketVersioning(name, { bucket, versioningConfiguration: { status: "Enabled" } }, { parent: this });
        }
        if (args.accessLogs) {
            new aws.s3.BucketLogging(name, { bucket, targetBucket: args.accessLogs.targetBucket, targetPrefix: args.accessLogs.targetPrefix }, { parent: this });
        }
        if (args.lifecycleRules && args.lifecycleRules.length > 0) {
            new aws.s3.BucketLifecycleConfiguration(name, { bucket, rules: args.lifecycleRules }, { parent: this });
        }
        this.policy = new aws.s3.BucketPolicy(name, {
            bucket,
            policy: this.bucket.arn.apply((arn) => pulumi.output(args.extraStatements?.(arn) ?? []).apply((extra) => policyDocument([denyInsecureTransport(arn), ...extra]))),
        }, { parent: this, dependsOn: [publicAccess] });
        this.registerOutputs({ bucket: this.bucket, policy: this.policy, versioning: this.versioning });
    }
}
