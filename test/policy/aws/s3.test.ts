import { expect } from "chai";
import { AWS } from "../../../policy/lib/awsTypes";
import { deniesInsecureTransport, requireS3AccessLogging, requireS3BucketProtection } from "../../../policy/policies/aws/s3";
import { changed, resource, UNKNOWN } from "../support/fixtures";
import { specifyStackPolicy } from "../support/policySpec";

describe("TLS-only bucket policies", () => {
    it("recognise a Deny on aws:SecureTransport false, as a string or an object", () => {
        const doc = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] };
        expect(deniesInsecureTransport(JSON.stringify(doc))).to.equal(true);
        expect(deniesInsecureTransport(doc)).to.equal(true);
        expect(deniesInsecureTransport({ Statement: [{ Effect: "Allow", Condition: { Bool: { "aws:SecureTransport": "false" } } }] })).to.equal(false);
    });
});

const bucket = resource(AWS.bucket, "stack-backups", { bucket: "stack-backups-123", id: "stack-backups-123", arn: "arn:aws:s3:::stack-backups-123" });
const block = resource(AWS.bucketPublicAccessBlock, "stack-backups-pab", { bucket: "stack-backups-123", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
const encryption = resource(AWS.bucketEncryption, "stack-backups-sse", { bucket: "stack-backups-123", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] });
const tlsOnly = resource(AWS.bucketPolicy, "stack-backups-policy", { bucket: "stack-backups-123", policy: JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) });
specifyStackPolicy(requireS3BucketProtection, [bucket, block, encryption, tlsOnly], [
    { when: "one public access flag is off", input: [bucket, changed(block, (i) => { i.restrictPublicBuckets = false; }), encryption, tlsOnly], violations: [/stack-backups has no public access block with all four flags/] },
    { when: "a bucket stands alone", input: [bucket], violations: [/public access block/, /server-side encryption/, /denying requests without TLS/] },
    { when: "the policy reference is unknown during preview", input: [bucket, block, encryption, changed(tlsOnly, (i) => { i.bucket = UNKNOWN.string; })] },
    { when: "the stack has no buckets", input: [block], notApplicable: /no S3 buckets/ },
]);

const namedBucket = (name: string) => resource("aws:s3/bucket:Bucket", `stack-${name}`, { bucket: `stack-${name}-abc123`, id: `stack-${name}-abc123`, arn: `arn:aws:s3:::stack-${name}-abc123` });
const config = namedBucket("config");
const logs = namedBucket("lb-logs");
const logging = (source: string, target: string) => resource("aws:s3/bucketLogging:BucketLogging", `stack-${source}`, { bucket: `stack-${source}-abc123`, targetBucket: `stack-${target}-abc123`, targetPrefix: `s3/${source}/` });
const alb = resource("aws:lb/loadBalancer:LoadBalancer", "stack-lb", { loadBalancerType: "application", accessLogs: { bucket: "stack-lb-logs-abc123", prefix: "alb", enabled: true } });

specifyStackPolicy(requireS3AccessLogging, [config, logs, logging("config", "lb-logs"), alb], [
    { when: "a bucket has no access logging", input: [config, logs, alb], violations: [/^Bucket stack-config has no server access logging \(no `BucketLogging` for it\)\.$/] },
    { when: "a bucket logs its access into itself", input: [config, logs, logging("config", "config"), alb], violations: [/^Bucket stack-config logs its access into itself, which loops\.$/] },
    { when: "the log bucket receives only another bucket's access logs", input: [config, logs, logging("config", "lb-logs")] },
    { when: "the load balancer's access-log bucket has no logging of its own", input: [logs, alb] },
    { when: "the load balancer logs elsewhere and nothing logs into its old bucket", input: [logs, changed(alb, (i) => { i.accessLogs.bucket = "stack-other-abc123"; })], violations: [/^Bucket stack-lb-logs has no server access logging/] },
    { when: "the logging target is unknown during preview", input: [config, logs, changed(logging("config", "lb-logs"), (i) => { i.targetBucket = UNKNOWN.string; }), alb] },
    { when: "the stack has no bucket", input: [alb], notApplicable: /no S3 buckets/ },
]);
