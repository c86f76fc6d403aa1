import { AWS } from "../../../policy/lib/awsTypes";
import { requireLogGroupRetentionAndKms } from "../../../policy/policies/aws/cloudwatchLogs";
import { changed, resource, UNKNOWN, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const logs = resource(AWS.logGroup, "stack-api-logs", { retentionInDays: 30, kmsKeyId: "arn:aws:kms:eu-west-1:1:key/abc" });
specifyResourcePolicy(requireLogGroupRetentionAndKms, logs, [
    { when: "logs never expire and are unencrypted", input: changed(logs, (i) => { delete i.retentionInDays; delete i.kmsKeyId; }), violations: [/never expire/, /not encrypted/] },
    { when: "retention is one day", input: withInput(logs, "retentionInDays", 1), violations: [/1 days is outside 14–400/] },
    { when: "the KMS key ARN is unknown during preview", input: withInput(logs, "kmsKeyId", UNKNOWN.string) },
]);
