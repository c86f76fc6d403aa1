import type { StackValidationPolicy } from "@pulumi/policy";
import { field, UNREADABLE } from "../../lib/values";
import { AWS } from "../../lib/awsTypes";

/** Type tokens of the resources that turn on S3 server access logging for a bucket (@pulumi/aws v7 and its V2 alias). */
export const BUCKET_LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];

type Resource = Parameters<StackValidationPolicy["validateStack"]>[0]["resources"][number];

/** The values a resource may be referred to by (id, name, ARN), readable ones only. */
function names(bucket: Resource): unknown[] {
    return [field(() => bucket.props.id), field(() => bucket.props.bucket), field(() => bucket.props.arn)].filter((v) => v !== UNREADABLE && v !== undefined);
}

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
        const buckets = args.resources.filter((r) => r.type === AWS.bucket || r.type === AWS.bucketV2);
        if (buckets.length === 0) args.notApplicable("no S3 buckets");
        const loggings = args.resources.filter((r) => BUCKET_LOGGING_TYPES.includes(r.type)).map((r) => ({ source: field(() => r.props.bucket), target: field(() => r.props.targetBucket) }));
        const albLogTargets = args.resources
            .filter((r) => r.type === AWS.lb || r.type === AWS.alb)
            .map((r) => field(() => (r.props.accessLogs as { bucket?: unknown; enabled?: boolean } | undefined)?.bucket));
        // A reference unknown during preview may be any bucket: nothing can be called missing then.
        if ([...loggings.flatMap((l) => [l.source, l.target]), ...albLogTargets].includes(UNREADABLE)) return;
        for (const bucket of buckets) {
            const ids = names(bucket);
            if (ids.length === 0) continue;
            const own = loggings.filter((l) => ids.includes(l.source));
            if (own.some((l) => !ids.includes(l.target))) continue;
            const receivesLogs = albLogTargets.some((t) => ids.includes(t)) || loggings.some((l) => !ids.includes(l.source) && ids.includes(l.target));
            if (own.length > 0) report(`Bucket ${bucket.name} logs its access into itself, which loops.`, bucket.urn);
            else if (!receivesLogs) report(`Bucket ${bucket.name} has no server access logging (no \`BucketLogging\` for it).`, bucket.urn);
        }
    },
};
