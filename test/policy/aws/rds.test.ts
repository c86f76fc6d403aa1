import { expect } from "chai";
import { requireAcmDnsValidation } from "../../../policy/policies/aws/acm";
import { requireLogGroupRetentionAndKms } from "../../../policy/policies/aws/cloudwatchLogs";
import { disallowAnonymousDockerHubPulls, disallowEcsPlaintextSecrets, requireEcsContainerHardening } from "../../../policy/policies/aws/ecs";
import { requireElasticacheAuthTokenSet, requireElasticacheEncryption, requireElasticacheFailover } from "../../../policy/policies/aws/elasticache";
import { requireKmsKeyRotation } from "../../../policy/policies/aws/kms";
import { requireAlbDropInvalidHeaders, requireHttpsListeners } from "../../../policy/policies/aws/loadBalancers";
import { requireValidAwsNames } from "../../../policy/policies/aws/names";
import { disallowPublicRds, requireRdsBackups, requireRdsDeletionProtection, requireRdsEncryption, requireRdsForceSsl, requireRdsMultiAz } from "../../../policy/policies/aws/rds";
import { deniesInsecureTransport, requireS3BucketProtection } from "../../../policy/policies/aws/s3";
import { requireSecretsManagerKms } from "../../../policy/policies/aws/secretsManager";
import { requireValidSecurityGroupDescriptions, restrictSecurityGroupIngress } from "../../../policy/policies/aws/securityGroups";
import { AWS } from "../../../policy/lib/awsTypes";
import { changed, resource, secret, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy, specifyStackPolicy } from "../support/policySpec";

const db = resource(AWS.rdsInstance, "stack-postgres", {
    engine: "postgres", engineVersion: "18.1", instanceClass: "db.t4g.medium", storageEncrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc",
    publiclyAccessible: false, backupRetentionPeriod: 14, deletionProtection: true, multiAz: true, parameterGroupName: "stack-postgres18",
});
const set = (r: typeof db, key: string, value: unknown) => changed(r, (i) => { if (value === undefined) delete i[key]; else i[key] = value; });

specifyResourcePolicy(requireRdsEncryption, db, [
    { when: "storage is unencrypted", input: set(db, "storageEncrypted", false), violations: [/not encrypted/] },
    { when: "an Aurora cluster leaves encryption unset", input: resource(AWS.rdsCluster, "stack-aurora", { engine: "aurora-postgresql" }), violations: [/not encrypted/] },
]);
specifyResourcePolicy(disallowPublicRds, db, [
    { when: "the instance is public", input: set(db, "publiclyAccessible", true), violations: [/publicly accessible/] },
]);
specifyResourcePolicy(requireRdsBackups, db, [
    { when: "backups are kept 3 days", input: set(db, "backupRetentionPeriod", 3), violations: [/kept 3 days; at least 7/] },
    { when: "backups are not configured", input: set(db, "backupRetentionPeriod", undefined), violations: [/kept 0 days/] },
    { when: "14 days fall short of a 30-day requirement", input: db, config: { minRetentionDays: 30 }, violations: [/at least 30/] },
]);
specifyResourcePolicy(requireRdsDeletionProtection, db, [
    { when: "deletion protection is off", input: set(db, "deletionProtection", false), violations: [/Deletion protection is off/] },
]);
specifyResourcePolicy(requireRdsMultiAz, db, [
    { when: "the instance is single-AZ", input: set(db, "multiAz", undefined), violations: [/single-AZ/] },
]);

const params = resource(AWS.rdsParameterGroup, "stack-postgres18", { family: "postgres18", parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }, { name: "log_min_duration_statement", value: "500" }] });
specifyResourcePolicy(requireRdsForceSsl, params, [
    { when: "force_ssl is 0", input: changed(params, (i) => { i.parameters[0].value = "0"; }), violations: [/is 0; it must be 1/] },
    { when: "force_ssl is not set", input: changed(params, (i) => { i.parameters.shift(); }), violations: [/is not set/] },
    { when: "the group is for MySQL", input: set(params, "family", "mysql8.0"), notApplicable: /not a PostgreSQL parameter group/ },
    { when: "the value is unknown during preview", input: changed(params, (i) => { i.parameters[0].value = UNKNOWN.string; }) },
]);

const cache = resource(AWS.replicationGroup, "stack-redis", {
    description: "redis", engine: "redis", atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: secret("token-0123456789abcdef"),
    automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 2,
});
specifyResourcePolicy(requireElasticacheEncryption, cache, [
    { when: "encryption at rest is off", input: set(cache, "atRestEncryptionEnabled", false), violations: [/at rest is off/] },
    { when: "encryption in transit and auth are missing", input: changed(cache, (i) => { delete i.transitEncryptionEnabled; delete i.authToken; }), violations: [/in transit is off/, /No authentication/] },
    { when: "authentication uses an RBAC user group", input: changed(cache, (i) => { delete i.authToken; i.userGroupIds = ["stack-users"]; }) },
    { when: "the auth token is unknown during preview", input: set(cache, "authToken", UNKNOWN.string) },
]);
specifyResourcePolicy(requireElasticacheAuthTokenSet, set(cache, "authTokenUpdateStrategy", "SET"), [
    { when: "a rotation is left at ROTATE", input: set(cache, "authTokenUpdateStrategy", "ROTATE"), violations: [/ROTATE: the previous token is still accepted/] },
    { when: "no strategy is set", input: cache },
    { when: "the strategy is unknown during preview", input: set(cache, "authTokenUpdateStrategy", UNKNOWN.string) },
]);
specifyResourcePolicy(requireElasticacheFailover, cache, [
    { when: "failover and Multi-AZ are off", input: changed(cache, (i) => { i.automaticFailoverEnabled = false; delete i.multiAzEnabled; }), violations: [/Automatic failover is off/, /Multi-AZ is off/] },
]);

const lbGroup = resource(AWS.securityGroup, "stack-alb-sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }, { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }] });
const serviceGroup = resource(AWS.securityGroup, "stack-api-sg", { ingress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, securityGroups: ["sg-alb"] }] });
specifyResourcePolicy(restrictSecurityGroupIngress, lbGroup, [
    { when: "a service group admits the internet", input: changed(serviceGroup, (i) => { i.ingress[0].cidrBlocks = ["0.0.0.0/0"]; }), violations: [/Ingress from 0.0.0.0\/0 on port 8443 of a security group that is not the load balancer's/] },
    { when: "the load balancer admits SSH from anywhere", input: changed(lbGroup, (i) => { i.ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }); }), violations: [/on port 22/] },
    { when: "the load balancer admits all protocols", input: changed(lbGroup, (i) => { i.ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }); }), violations: [/::\/0 on all ports/] },
    { when: "a standalone rule opens a port range", input: resource(AWS.ingressRule, "stack-db-open", { securityGroupId: "sg-db", cidrIpv4: "0.0.0.0/0", fromPort: 5000, toPort: 6000, ipProtocol: "tcp" }), violations: [/ports 5000-6000/] },
    { when: "a service group admits only the load balancer's group", input: serviceGroup },
    { when: "an egress rule allows everything", input: resource(AWS.securityGroupRule, "stack-egress", { type: "egress", cidrBlocks: ["0.0.0.0/0"], protocol: "-1", fromPort: 0, toPort: 0 }) },
]);

const https = resource(AWS.lbListener, "stack-https", { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x", defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] });
const redirect = resource(AWS.lbListener, "stack-http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
specifyResourcePolicy(requireHttpsListeners, https, [
    { when: "HTTPS uses the provider's default TLS policy", input: set(https, "sslPolicy", undefined), violations: [/ELBSecurityPolicy-2016-08/] },
    { when: "HTTPS uses a TLS 1.0 policy", input: set(https, "sslPolicy", "ELBSecurityPolicy-TLS-1-0-2015-04"), violations: [/TLS-1-0-2015-04 is not allowed/] },
    { when: "port 80 redirects to HTTPS", input: redirect },
    { when: "port 80 forwards plain HTTP", input: changed(redirect, (i) => { i.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]; }), violations: [/HTTP listener does more than redirect/] },
    { when: "an ALB-module listener forwards plain HTTP", input: resource(AWS.albListener, "stack-http-alb", { protocol: "HTTP", defaultActions: [{ type: "forward" }] }), violations: [/redirect/] },
]);

const alb = resource(AWS.lb, "stack-alb", { loadBalancerType: "application", dropInvalidHeaderFields: true, internal: false });
specifyResourcePolicy(requireAlbDropInvalidHeaders, alb, [
    { when: "invalid headers pass through", input: set(alb, "dropInvalidHeaderFields", false), violations: [/Invalid header fields are passed through/] },
    { when: "the load balancer type defaults to application", input: changed(alb, (i) => { delete i.loadBalancerType; delete i.dropInvalidHeaderFields; }), violations: [/passed through/] },
    { when: "the load balancer is a network load balancer", input: set(alb, "loadBalancerType", "network"), notApplicable: /not an application load balancer/ },
]);

const certificate = resource(AWS.acmCertificate, "stack-cert", { domainName: "example.com", validationMethod: "DNS" });
specifyResourcePolicy(requireAcmDnsValidation, certificate, [
    { when: "the certificate is validated by e-mail", input: set(certificate, "validationMethod", "EMAIL"), violations: [/EMAIL; use DNS/] },
    { when: "the certificate is imported", input: changed(certificate, (i) => { delete i.validationMethod; i.privateKey = secret("-----BEGIN PRIVATE KEY-----"); i.certificateBody = "x"; }), notApplicable: /imported/ },
]);

const definitions = (defs: Record<string, unknown>[]) => JSON.stringify(defs);
const API_CONTAINER = { name: "api", image: "registry.example.com/api:1.4.2", user: "10001:10001", readonlyRootFilesystem: true, privileged: false, linuxParameters: { capabilities: { drop: ["ALL"] } }, environment: [{ name: "DATABASE_HOST", value: "db" }], secrets: [{ name: "DATABASE_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:db" }] };
const task = resource(AWS.taskDefinition, "stack-api", { family: "api", containerDefinitions: definitions([API_CONTAINER]) });
specifyResourcePolicy(disallowEcsPlaintextSecrets, task, [
    { when: "a password is in `environment`", input: set(task, "containerDefinitions", definitions([{ ...API_CONTAINER, environment: [{ name: "DATABASE_PASSWORD", value: "hunter2" }] }])), violations: [/Container api: environment variable DATABASE_PASSWORD carries a credential/] },
    { when: "the definitions are not JSON", input: set(task, "containerDefinitions", "[{"), violations: [/not valid JSON/] },
    { when: "the definitions are unknown during preview", input: set(task, "containerDefinitions", UNKNOWN.string) },
]);
// A root init container that hands files over: one-shot, awaited, no ports, every default capability but CHOWN dropped by name.
const KEEP_ONLY_CHOWN = ["AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const ROOT_INIT = { name: "config-init", image: "public.ecr.aws/aws-cli/aws-cli:2.27.0", user: "0:0", essential: false, readonlyRootFilesystem: true, portMappings: [], linuxParameters: { capabilities: { drop: KEEP_ONLY_CHOWN } } };
const AWAITING_API = { ...API_CONTAINER, dependsOn: [{ containerName: "config-init", condition: "SUCCESS" }] };
const initTask = set(task, "containerDefinitions", definitions([ROOT_INIT, AWAITING_API]));
const withInit = (init: Record<string, unknown>, api: Record<string, unknown> = AWAITING_API) => set(task, "containerDefinitions", definitions([{ ...ROOT_INIT, ...init }, api]));
specifyResourcePolicy(requireEcsContainerHardening, initTask, [
    { when: "a container is privileged, writable and root", input: set(task, "containerDefinitions", definitions([{ name: "sidecar", privileged: true }])), violations: [/sidecar is privileged/, /sidecar has a writable root/, /sidecar runs as root/] },
    { when: "the user is 0", input: set(task, "containerDefinitions", definitions([{ ...API_CONTAINER, user: "0", linuxParameters: {} }])), violations: [/api runs as root but is not a one-shot init container keeping only CHOWN: it is essential; no container waits for its SUCCESS; it keeps AUDIT_WRITE, DAC_OVERRIDE, /] },
    { when: "the root init container drops ALL", input: withInit({ linuxParameters: { capabilities: { drop: ["ALL"] } } }) },
    { when: "the root init container names capabilities with CAP_ in lower case", input: withInit({ linuxParameters: { capabilities: { drop: KEEP_ONLY_CHOWN.map((c) => `cap_${c.toLowerCase()}`) } } }) },
    { when: "the root init container keeps DAC_OVERRIDE", input: withInit({ linuxParameters: { capabilities: { drop: KEEP_ONLY_CHOWN.filter((c) => c !== "DAC_OVERRIDE") } } }), violations: [/config-init runs as root .*: it keeps DAC_OVERRIDE\.$/] },
    { when: "the root init container drops no capability", input: withInit({ linuxParameters: {} }), violations: [/config-init runs as root .*: it keeps AUDIT_WRITE, DAC_OVERRIDE, FOWNER, .*SYS_CHROOT\.$/] },
    { when: "the root init container adds SYS_PTRACE", input: withInit({ linuxParameters: { capabilities: { add: ["SYS_PTRACE"], drop: KEEP_ONLY_CHOWN } } }), violations: [/config-init runs as root .*: it adds SYS_PTRACE\.$/] },
    { when: "the root init container is essential", input: withInit({ essential: true }), violations: [/config-init runs as root .*: it is essential\.$/] },
    { when: "the root init container maps a port", input: withInit({ portMappings: [{ containerPort: 8080, protocol: "tcp" }] }), violations: [/config-init runs as root .*: it maps ports\.$/] },
    { when: "no container waits for the root init container", input: withInit({}, API_CONTAINER), violations: [/config-init runs as root .*: no container waits for its SUCCESS\.$/] },
    { when: "the workload waits only for the root init container to COMPLETE", input: withInit({}, { ...API_CONTAINER, dependsOn: [{ containerName: "config-init", condition: "COMPLETE" }] }), violations: [/no container waits for its SUCCESS/] },
    { when: "a non-root container keeps the default capabilities", input: withInit({}, { ...AWAITING_API, linuxParameters: {} }), violations: [/Container api does not drop ALL capabilities/] },
    { when: "a non-root container adds a capability back", input: withInit({}, { ...AWAITING_API, linuxParameters: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } }), violations: [/Container api adds capabilities NET_BIND_SERVICE/] },
    { when: "the root init container has a writable root filesystem", input: withInit({ readonlyRootFilesystem: false }), violations: [/config-init has a writable root/] },
]);

const logs = resource(AWS.logGroup, "stack-api-logs", { retentionInDays: 30, kmsKeyId: "arn:aws:kms:eu-west-1:1:key/abc" });
specifyResourcePolicy(requireLogGroupRetentionAndKms, logs, [
    { when: "logs never expire and are unencrypted", input: changed(logs, (i) => { delete i.retentionInDays; delete i.kmsKeyId; }), violations: [/never expire/, /not encrypted/] },
    { when: "retention is one day", input: set(logs, "retentionInDays", 1), violations: [/1 days is outside 14–400/] },
    { when: "the KMS key ARN is unknown during preview", input: set(logs, "kmsKeyId", UNKNOWN.string) },
]);

const smSecret = resource(AWS.secret, "stack-db-password", { kmsKeyId: "arn:aws:kms:eu-west-1:1:key/abc" });
specifyResourcePolicy(requireSecretsManagerKms, smSecret, [
    { when: "the secret uses the default key", input: set(smSecret, "kmsKeyId", undefined), violations: [/default key/] },
]);

const kmsKey = resource(AWS.kmsKey, "stack-key", { enableKeyRotation: true, description: "stack" });
specifyResourcePolicy(requireKmsKeyRotation, kmsKey, [
    { when: "rotation is off", input: set(kmsKey, "enableKeyRotation", false), violations: [/rotation is off/] },
    { when: "the key is asymmetric", input: changed(kmsKey, (i) => { i.keySpec = "RSA_2048"; delete i.enableKeyRotation; }), notApplicable: /asymmetric/ },
]);

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

const targetGroup = resource("aws:lb/targetGroup:TargetGroup", "service-stack-production-lb-api", { name: "ss-production-api-1f2e3d", port: 8000, protocol: "HTTPS", targetType: "ip" });
specifyResourcePolicy(requireValidAwsNames, targetGroup, [
    { when: "a target group is left to Pulumi's auto-name from a long resource name", input: set(targetGroup, "name", undefined), violations: [/name "service-stack-production-lb-api-1a2b3c4" \(Pulumi's auto-name .*\) has 39 characters; AWS allows 32\./] },
    { when: "a short resource name is auto-named", input: changed(set(targetGroup, "name", undefined), () => undefined, { name: "lb-api" }) },
    { when: "a name prefix leaves no room for the provider's 26-character suffix", input: changed(targetGroup, (i) => { delete i.name; i.namePrefix = "api-tg-"; }), violations: [/has 33 characters; AWS allows 32/] },
    { when: "a name ends in a hyphen", input: set(targetGroup, "name", "ss-production-api-"), violations: [/is not letters, digits and hyphens, no hyphen at either end/] },
    { when: "a load balancer is named internal-…", input: resource("aws:lb/loadBalancer:LoadBalancer", "lb", { name: "internal-stack" }), violations: [/not starting with `internal-`/] },
    { when: "a replication group id has upper case and 41 characters", input: resource(AWS.replicationGroup, "redis", { replicationGroupId: "Service-stack-production-eu-west-1-redis1" }), violations: [/41 characters; AWS allows 40/, /is not a letter, then lower-case letters/] },
    { when: "a secret name ends like an ARN's random suffix", input: resource(AWS.secret, "s", { name: "stack/credentials/api-abc123" }), violations: [/not ending in a hyphen and six characters/] },
    { when: "a final snapshot identifier has a double hyphen", input: changed(db, (i) => { i.identifier = "stack-postgres"; i.finalSnapshotIdentifier = "stack--final"; }), violations: [/finalSnapshotIdentifier "stack--final"/] },
    { when: "the name is unknown during preview", input: set(targetGroup, "name", UNKNOWN.string) },
    { when: "the name prefix is unknown during preview", input: changed(targetGroup, (i) => { delete i.name; i.namePrefix = UNKNOWN.string; }) },
]);

const sgRule = resource(AWS.ingressRule, "stack-cluster-tasks-api", { securityGroupId: "sg-tasks", referencedSecurityGroupId: "sg-tasks", description: "api from the tasks (8000/tcp)", ipProtocol: "tcp", fromPort: 8000, toPort: 8000 });
specifyResourcePolicy(requireValidSecurityGroupDescriptions, sgRule, [
    { when: "a rule description has an apostrophe", input: set(sgRule, "description", "api from the stack's tasks"), violations: [/description "api from the stack's tasks" is not EC2's character set .*: "'" refused\./] },
    { when: "a group description has a quote and an accent", input: resource(AWS.securityGroup, "stack-sg", { description: "the \"edge\" café" }), violations: [/"\\"", "é" refused/] },
    { when: "an egress rule description is 256 characters long", input: resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "stack-out", { description: "x".repeat(256) }), violations: [/256 characters; AWS allows 255/] },
    { when: "the rule has no description", input: set(sgRule, "description", undefined) },
]);

const hubTask = (image: string, extra: Record<string, unknown> = {}) => set(task, "containerDefinitions", definitions([{ ...API_CONTAINER, image, ...extra }]));
specifyResourcePolicy(disallowAnonymousDockerHubPulls, hubTask("123456789012.dkr.ecr.eu-west-1.amazonaws.com/service-stack-production-hub/library/postgres:18.1"), [
    { when: "an official image is pulled from Docker Hub by its short name", input: hubTask("postgres:18.1"), violations: [/Container api pulls postgres:18.1 anonymously from Docker Hub/] },
    { when: "an image names docker.io explicitly", input: hubTask("docker.io/prom/prometheus:v3.5.0"), violations: [/anonymously/] },
    { when: "an image comes through cr.jaegertracing.io, which redirects to Docker Hub", input: hubTask("cr.jaegertracing.io/jaegertracing/jaeger:2.11.0"), violations: [/anonymously/] },
    { when: "a Docker Hub image is pulled with repository credentials", input: hubTask("prom/prometheus:v3.5.0", { repositoryCredentials: { credentialsParameter: "arn:aws:secretsmanager:eu-west-1:1:secret:hub" } }) },
    { when: "an image comes from Quay", input: hubTask("quay.io/prometheuscommunity/postgres-exporter:v0.18.1") },
    { when: "the definitions are unknown during preview", input: set(task, "containerDefinitions", UNKNOWN.string) },
]);
