import { requireS3AccessLogging } from "../../../policy/policies/aws/s3";
import { changed, resource, UNKNOWN } from "../support/fixtures";
import { specifyStackPolicy } from "../support/policySpec";

const bucket = (name: string) => resource("aws:s3/bucket:Bucket", `stack-${name}`, { bucket: `stack-${name}-abc123`, id: `stack-${name}-abc123`, arn: `arn:aws:s3:::stack-${name}-abc123` });
const config = bucket("config");
const logs = bucket("lb-logs");
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
