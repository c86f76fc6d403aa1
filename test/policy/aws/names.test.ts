import { AWS } from "../../../policy/lib/awsTypes";
import { requireValidAwsNames } from "../../../policy/policies/aws/names";
import { changed, resource, UNKNOWN, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const db = resource(AWS.rdsInstance, "stack-postgres", {
    engine: "postgres", engineVersion: "18.1", instanceClass: "db.t4g.medium", storageEncrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc",
    publiclyAccessible: false, backupRetentionPeriod: 14, deletionProtection: true, multiAz: true, parameterGroupName: "stack-postgres18",
});

const targetGroup = resource("aws:lb/targetGroup:TargetGroup", "service-stack-production-lb-api", { name: "ss-production-api-1f2e3d", port: 8000, protocol: "HTTPS", targetType: "ip" });
specifyResourcePolicy(requireValidAwsNames, targetGroup, [
    { when: "a target group is left to Pulumi's auto-name from a long resource name", input: withInput(targetGroup, "name", undefined), violations: [/name "service-stack-production-lb-api-1a2b3c4" \(Pulumi's auto-name .*\) has 39 characters; AWS allows 32\./] },
    { when: "a short resource name is auto-named", input: changed(withInput(targetGroup, "name", undefined), () => undefined, { name: "lb-api" }) },
    { when: "a name prefix leaves no room for the provider's 26-character suffix", input: changed(targetGroup, (i) => { delete i.name; i.namePrefix = "api-tg-"; }), violations: [/has 33 characters; AWS allows 32/] },
    { when: "a name ends in a hyphen", input: withInput(targetGroup, "name", "ss-production-api-"), violations: [/is not letters, digits and hyphens, no hyphen at either end/] },
    { when: "a load balancer is named internal-…", input: resource("aws:lb/loadBalancer:LoadBalancer", "lb", { name: "internal-stack" }), violations: [/not starting with `internal-`/] },
    { when: "a replication group id has upper case and 41 characters", input: resource(AWS.replicationGroup, "redis", { replicationGroupId: "Service-stack-production-eu-west-1-redis1" }), violations: [/41 characters; AWS allows 40/, /is not a letter, then lower-case letters/] },
    { when: "a secret name ends like an ARN's random suffix", input: resource(AWS.secret, "s", { name: "stack/credentials/api-abc123" }), violations: [/not ending in a hyphen and six characters/] },
    { when: "a final snapshot identifier has a double hyphen", input: changed(db, (i) => { i.identifier = "stack-postgres"; i.finalSnapshotIdentifier = "stack--final"; }), violations: [/finalSnapshotIdentifier "stack--final"/] },
    { when: "the name is unknown during preview", input: withInput(targetGroup, "name", UNKNOWN.string) },
    { when: "the name prefix is unknown during preview", input: changed(targetGroup, (i) => { delete i.name; i.namePrefix = UNKNOWN.string; }) },
]);
