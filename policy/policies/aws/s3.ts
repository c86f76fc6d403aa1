import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { field, UNREADABLE } from "../../lib/values";

/** Type tokens of the resources that turn on S3 server access logging for a bucket (@pulumi/aws v7 and its V2 alias). */
export const BUCKET_LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];

/** The stack's S3 buckets; a policy about buckets does not apply to a stack without one. */
function stackBuckets(args: StackValidationArgs): PolicyResource[] {
    const buckets = args.resources.filter((r) => r.type === AWS.bucket || r.type === AWS.bucketV2);
    if (buckets.length === 0) args.notApplicable("no S3 buckets");
    return buckets;
}

/**
 * The values other resources may refer to a bucket by (id, name, ARN), readable ones only: in @pulumi/aws its
 * public access block, encryption, policy and logging are separate resources that name the bucket.
 */
function bucketReferences(bucket: PolicyResource): unknown[] {
    return [field(() => bucket.props.id), field(() => bucket.props.bucket), field(() => bucket.props.arn)].filter((v) => v !== UNREADABLE && v !== undefined);
}

/** True when a bucket policy document denies requests without TLS (`aws:SecureTransport` false). */
export function deniesInsecureTransport(policy: unknown): boolean {
    const json = typeof policy === "string" ? policy : JSON.stringify(policy ?? {});
    let doc: { Statement?: unknown };
    try {
        doc = JSON.parse(json) as { Statement?: unknown };
    } catch {
        return false;
    }
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return statements.some((s: { Effect?: string; Condition?: Record<string, Record<string, unknown>> }) => {
        const bool = s.Condition?.Bool ?? s.Condition?.bool;
        const secure = bool?.["aws:SecureTransport"];
        return s.Effect === "Deny" && (secure === false || secure === "false" || (Array.isArray(secure) && secure.includes("false")));
    });
}

/**
 * Requires every S3 bucket to have its public access block (all four flags), server-side encryption and a
 * TLS-only bucket policy. A stack policy: in @pulumi/aws these are separate resources that name the bucket.
 */
export const requireS3BucketProtection: StackValidationPolicy = {
    name: "require-s3-bucket-protection",
    description: "Every S3 bucket blocks public access (all four flags), has server-side encryption configured, and a bucket policy that denies requests without TLS.",
    remediationSteps: "Declare a BucketPublicAccessBlock (all four flags true), a BucketServerSideEncryptionConfiguration (aws:kms) and a BucketPolicy denying `aws:SecureTransport = false` for the bucket.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const buckets = stackBuckets(args);
        // Resources that name a bucket: those that certainly do, and whether any might (reference unknown in preview).
        const referring = (types: string[], ids: unknown[]) => {
            const candidates = args.resources.filter((r) => types.includes(r.type));
            const refs = candidates.map((r) => ({ r, ref: field(() => r.props.bucket) }));
            return { matches: refs.filter((x) => ids.includes(x.ref)).map((x) => x.r), undecided: refs.some((x) => x.ref === UNREADABLE) };
        };
        for (const bucket of buckets) {
            const ids = bucketReferences(bucket);
            if (ids.length === 0) continue;
            // An unknown value during preview counts as satisfying: no violation is reported on what cannot be read.
            const checks: [string[], (r: (typeof buckets)[number]) => boolean, string][] = [
                [[AWS.bucketPublicAccessBlock], (b) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => { const v = field(() => b.props[k]); return v === true || v === UNREADABLE; }), "no public access block with all four flags set"],
                [[AWS.bucketEncryption, AWS.bucketEncryptionV2], () => true, "no server-side encryption configuration"],
                [[AWS.bucketPolicy], (p) => { const doc = field(() => p.props.policy); return doc === UNREADABLE || deniesInsecureTransport(doc); }, "no policy denying requests without TLS"],
            ];
            for (const [types, satisfies, problem] of checks) {
                const { matches, undecided } = referring(types, ids);
                if (!matches.some(satisfies) && !undecided) report(`Bucket ${bucket.name} has ${problem}.`, bucket.urn);
            }
        }
    },
};

/**
 * Requires server access logging on every S3 bucket, into another bucket: who read or changed which object is
 * otherwise not recorded anywhere (CloudTrail logs object-level calls only when data events are bought). A bucket
 * that receives access logs (a logging target, a load balancer's access-log bucket) is itself exempt by rule: logging
 * it into itself would loop, and into a third bucket would only move the question.
 */
export const requireS3AccessLogging: StackValidationPolicy = {
    name: "require-s3-access-logging",
    description: "Every S3 bucket has server access logging into another bucket (a `BucketLogging`), except a bucket that itself receives access logs (a logging target or a load balancer's access-log bucket).",
    remediationSteps: "Declare an `aws.s3.BucketLogging` for the bucket with `targetBucket` set to the stack's access-log bucket and a `targetPrefix` of its own; the target bucket's policy must let `logging.s3.amazonaws.com` put objects under that prefix, and it must use SSE-S3 (S3 cannot write access logs with a KMS key).",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const buckets = stackBuckets(args);
        const loggings = args.resources.filter((r) => BUCKET_LOGGING_TYPES.includes(r.type)).map((r) => ({ source: field(() => r.props.bucket), target: field(() => r.props.targetBucket) }));
        const albLogTargets = args.resources
            .filter((r) => r.type === AWS.lb || r.type === AWS.alb)
            .map((r) => field(() => (r.props.accessLogs as { bucket?: unknown; enabled?: boolean } | undefined)?.bucket));
        // A reference unknown during preview may be any bucket: nothing can be called missing then.
        if ([...loggings.flatMap((l) => [l.source, l.target]), ...albLogTargets].includes(UNREADABLE)) return;
        for (const bucket of buckets) {
            const ids = bucketReferences(bucket);
            if (ids.length === 0) continue;
            const own = loggings.filter((l) => ids.includes(l.source));
            if (own.some((l) => !ids.includes(l.target))) continue;
            const receivesLogs = albLogTargets.some((t) => ids.includes(t)) || loggings.some((l) => !ids.includes(l.source) && ids.includes(l.target));
            if (own.length > 0) report(`Bucket ${bucket.name} logs its access into itself, which loops.`, bucket.urn);
            else if (!receivesLogs) report(`Bucket ${bucket.name} has no server access logging (no \`BucketLogging\` for it).`, bucket.urn);
        }
    },
};
