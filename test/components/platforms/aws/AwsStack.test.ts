import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { INTERFACE_ENDPOINTS } from "../../../../components/platforms/aws/Network";
import { isSecretWrapper, MOCK_AWS, RecordedResource, unwrap } from "../../../../harness/mocks";
import { containerDefinitionsOf, ProviderRecordingMocks, sharedRunOnAws } from "../../../support/awsRun";
import type { ProgramRun } from "../../../../harness/runProgram";
import { valueOf } from "../../../../harness/runProgram";

type Run = ProgramRun & { mocks: ProviderRecordingMocks };
type Inputs = Record<string, any>;

const HOSTS = ["api", "grafana", "prometheus", "alertmanager", "jaeger"];
const SERVICES = ["Postgres", "Redis", "Api", "Prometheus", "Grafana", "Alertmanager", "Jaeger"];

function inputs(r: RecordedResource): Inputs {
    return unwrap(r.inputs) as Inputs;
}

function only(run: Run, type: string): Inputs {
    const found = run.mocks.ofType(type);
    expect(found, type).to.have.length(1);
    return inputs(found[0]!);
}

function named(run: Run, type: string, suffix: string): Inputs {
    const found = run.mocks.ofType(type).filter((r) => r.name.endsWith(suffix));
    expect(found.map((r) => r.name), `${type} *${suffix}`).to.have.length(1);
    return inputs(found[0]!);
}


for (const stack of ["staging", "production"] as const) {
    const production = stack === "production";
    const domain = production ? "example.com" : "staging.example.com";
    const prefix = `service-stack-${stack}`;

    describe(`the ${stack} stack on AWS under mocks`, function () {
        let run: Run;
        let keyArn: string;
        before(async () => {
            run = await sharedRunOnAws(stack);
            keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${run.mocks.named("aws:kms/key:Key", `${prefix}-kms`).name}`;
        });

        describe("platform and provider", () => {
            it("declares the seven services as service-stack:aws components, and nothing of Docker", () => {
                for (const service of SERVICES) expect(run.mocks.ofType(`service-stack:aws:${service}`), service).to.have.length(1);
                // The five services, and the pre-deploy backup task's (a service of zero tasks holding its definition).
                expect(run.mocks.ofType("service-stack:aws:FargateService")).to.have.length(6);
                expect(run.mocks.ofType("service-stack:aws:BackupTask")).to.have.length(1);
                expect(run.mocks.resources.filter((r) => r.type.startsWith("docker:") || r.type.startsWith("service-stack:docker:"))).to.deep.equal([]);
            });

            it("sends every AWS resource and invoke through one explicit provider in the configured region", () => {
                const providers = run.mocks.ofType("pulumi:providers:aws");
                expect(providers.map((p) => p.name)).to.deep.equal([`${prefix}-aws`]);
                expect(providers[0]!.inputs).to.deep.include({ region: "eu-west-1" });
                const viaOther = run.mocks.resources
                    .filter((r) => r.type.startsWith("aws:"))
                    .filter((r) => !(run.mocks.providerOf.get(`${r.type}::${r.name}`) ?? "").includes(`pulumi:providers:aws::${prefix}-aws::`));
                expect(viaOther.map((r) => `${r.type} ${r.name}`)).to.deep.equal([]);
                const invokes = run.mocks.invokeProviders.filter((c) => c.token.startsWith("aws:"));
                expect(invokes.map((c) => c.token).sort()).to.deep.equal([
                    "aws:elb/getServiceAccount:getServiceAccount", "aws:index/getAvailabilityZones:getAvailabilityZones",
                    "aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition", "aws:route53/getZone:getZone",
                ]);
                for (const c of invokes) expect(c.provider, c.token).to.contain(`pulumi:providers:aws::${prefix}-aws::`);
            });

            it("tags every resource through the provider's default tags", () => {
                const tags = (run.mocks.ofType("pulumi:providers:aws")[0]!.inputs.defaultTags as string);
                expect(JSON.parse(tags)).to.deep.equal({ tags: { "service-stack:project": "service-stack", "service-stack:stack": stack, "service-stack:environment": stack, "managed-by": "pulumi" } });
            });
        });

        describe("network", () => {
            const zones = production ? 3 : 2;

            it(`spans ${zones} zones from the availability-zone invoke, public and private subnets in each`, () => {
                expect(only(run, "aws:ec2/vpc:Vpc")).to.deep.include({ cidrBlock: production ? "10.50.0.0/16" : "10.40.0.0/16", enableDnsHostnames: true });
                const subnets = run.mocks.ofType("aws:ec2/subnet:Subnet").map(inputs);
                expect(subnets).to.have.length(2 * zones);
                expect(subnets.map((s) => s.availabilityZone).sort()).to.deep.equal([...MOCK_AWS.zones.slice(0, zones), ...MOCK_AWS.zones.slice(0, zones)].sort());
                for (const s of subnets) expect(s.mapPublicIpOnLaunch).to.equal(false);
            });

            it(`routes private subnets through ${production ? "a NAT gateway per zone" : "one NAT gateway"}`, () => {
                const nats = run.mocks.ofType("aws:ec2/natGateway:NatGateway");
                expect(nats).to.have.length(production ? 3 : 1);
                const privateTables = run.mocks.ofType("aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("-private-")).map(inputs);
                expect(privateTables).to.have.length(zones);
                expect(new Set(privateTables.map((t) => t.routes[0].natGatewayId)).size).to.equal(production ? 3 : 1);
                const publicTable = named(run, "aws:ec2/routeTable:RouteTable", "-network-public");
                expect(publicTable.routes[0]).to.include({ cidrBlock: "0.0.0.0/0" }).and.have.property("gatewayId");
            });

            it("keeps ECR, Secrets Manager, CloudWatch Logs and S3 traffic off the NAT with VPC endpoints", () => {
                const endpoints = run.mocks.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map(inputs);
                const iface = endpoints.filter((e) => e.vpcEndpointType === "Interface");
                expect(iface.map((e) => e.serviceName).sort()).to.deep.equal(INTERFACE_ENDPOINTS.map((s) => `com.amazonaws.eu-west-1.${s}`).sort());
                for (const e of iface) expect(e).to.deep.include({ privateDnsEnabled: true }).and.have.property("subnetIds").with.length(zones);
                const gateway = endpoints.filter((e) => e.vpcEndpointType === "Gateway");
                expect(gateway.map((e) => e.serviceName)).to.deep.equal(["com.amazonaws.eu-west-1.s3"]);
                expect(gateway[0]!.routeTableIds).to.have.length(zones);
            });

            it("logs all traffic to a KMS-encrypted log group, and closes the default security group", () => {
                const flowLog = only(run, "aws:ec2/flowLog:FlowLog");
                expect(flowLog).to.deep.include({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
                const group = named(run, "aws:cloudwatch/logGroup:LogGroup", "-network-flow-logs");
                expect(group.kmsKeyId).to.equal(keyArn);
                expect(flowLog.logDestination).to.equal(`arn:aws:logs:eu-west-1:123456789012:log-group:${group.name}`);
                const closed = only(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
                expect(closed.ingress ?? []).to.deep.equal([]);
                expect(closed.egress ?? []).to.deep.equal([]);
            });
        });

        describe("encryption", () => {
            it("has one customer-managed key with rotation whose policy lets CloudWatch Logs use it for this account's groups", () => {
                const key = only(run, "aws:kms/key:Key");
                expect(key).to.deep.include({ enableKeyRotation: true, customerMasterKeySpec: "SYMMETRIC_DEFAULT", deletionWindowInDays: 30 });
                const statements = JSON.parse(key.policy).Statement as Inputs[];
                expect(statements[0]).to.deep.include({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*" });
                expect(statements[1]).to.deep.include({ Principal: { Service: "logs.eu-west-1.amazonaws.com" } });
                expect(statements[1]!.Condition).to.deep.equal({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*" } });
            });

            it("encrypts every log group with it, with the configured retention", () => {
                const groups = run.mocks.ofType("aws:cloudwatch/logGroup:LogGroup").map(inputs);
                expect(groups.length).to.be.greaterThan(8);
                for (const g of groups) expect(g, g.name).to.deep.include({ kmsKeyId: keyArn, retentionInDays: production ? 90 : 30 });
            });

            it("encrypts every Secrets Manager secret with it", () => {
                const secrets = run.mocks.ofType("aws:secretsmanager/secret:Secret").map(inputs);
                expect(secrets.length).to.be.greaterThan(20);
                for (const s of secrets) expect(s.kmsKeyId, s.name).to.equal(keyArn);
            });
        });

        describe("PostgreSQL on RDS", () => {
            it(`is PostgreSQL 17, encrypted, private, ${production ? "Multi-AZ with deletion protection and a final snapshot" : "single-AZ, deletable without a snapshot"}`, () => {
                const db = only(run, "aws:rds/instance:Instance");
                expect(db).to.deep.include({
                    engine: "postgres",
                    engineVersion: "17",
                    storageEncrypted: true,
                    kmsKeyId: keyArn,
                    publiclyAccessible: false,
                    multiAz: production,
                    deletionProtection: production,
                    skipFinalSnapshot: !production,
                    backupRetentionPeriod: production ? 14 : 7,
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: keyArn,
                    manageMasterUserPassword: true,
                    masterUserSecretKmsKeyId: keyArn,
                    username: "stack_admin",
                    dbName: "app",
                });
                expect(db.enabledCloudwatchLogsExports).to.deep.equal(["postgresql", "upgrade"]);
                // A major upgrade is a change of `aws.postgres.engineVersion`; it applies in the maintenance window unless asked.
                expect(db).to.deep.include({ allowMajorVersionUpgrade: true, applyImmediately: false });
                expect(db.finalSnapshotIdentifier).to.equal(production ? `${prefix}-postgres-final` : undefined);
                expect(db.password).to.equal(undefined);
            });

            it("forces TLS at the stack's minimum version and carries the PostgreSQL tuning RDS allows", () => {
                const group = only(run, "aws:rds/parameterGroup:ParameterGroup");
                expect(group.family).to.equal("postgres17");
                const params = Object.fromEntries((group.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]));
                expect(params).to.deep.include({
                    "rds.force_ssl": "1",
                    ssl_min_protocol_version: production ? "TLSv1.3" : "TLSv1.2",
                    password_encryption: "scram-sha-256",
                    max_connections: production ? "200" : "100",
                    shared_buffers: String((production ? 2048 : 128) * 128),
                });
            });

            it("exports its logs into KMS-encrypted groups declared before it", () => {
                for (const log of ["postgresql", "upgrade"]) {
                    expect(named(run, "aws:cloudwatch/logGroup:LogGroup", `-postgres-${log}`).name).to.equal(`/aws/rds/instance/${prefix}-postgres/${log}`);
                }
            });

            it("admits 5432 from the tasks' security group only, and resolves by its catalogue name", () => {
                const rules = run.mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs).filter((r) => r.securityGroupId === `${prefix}-postgres-sg-id`);
                expect(rules).to.have.length(1);
                expect(rules[0]).to.deep.include({ fromPort: 5432, toPort: 5432, referencedSecurityGroupId: `${prefix}-cluster-tasks-id` });
                const cname = named(run, "aws:route53/record:Record", "-postgres-alias");
                expect(cname).to.deep.include({ name: `postgres.${prefix}.internal`, type: "CNAME" });
                expect(cname.records[0]).to.match(/\.rds\.amazonaws\.com$/);
            });
        });

        describe("Redis on ElastiCache", () => {
            it(`encrypts at rest and in transit, requires the AUTH token, keeps snapshots${production ? ", fails over across zones" : ""}`, () => {
                const group = only(run, "aws:elasticache/replicationGroup:ReplicationGroup");
                expect(group).to.deep.include({
                    engine: "redis",
                    engineVersion: "7.1",
                    atRestEncryptionEnabled: true,
                    kmsKeyId: keyArn,
                    transitEncryptionEnabled: true,
                    transitEncryptionMode: "required",
                    automaticFailoverEnabled: production,
                    multiAzEnabled: production,
                    numCacheClusters: production ? 2 : 1,
                    snapshotRetentionLimit: production ? 14 : 7,
                    // Only the current token is valid; ROTATE is for the change-over of a rotation.
                    authTokenUpdateStrategy: "SET",
                });
                expect(group.authToken).to.match(/^GENERATED-SECRET-service-stack-[a-z]+-secrets-redis$/);
            });

            it("keeps the AUTH token a secret, and stores it in Secrets Manager too", () => {
                const raw = run.mocks.ofType("aws:elasticache/replicationGroup:ReplicationGroup")[0]!.inputs.authToken;
                expect(JSON.stringify(raw)).to.contain("4dabf18193072939515e22adb298388d");
                const secret = named(run, "aws:secretsmanager/secret:Secret", "-credentials-redis-auth-token");
                // A prefix: a re-created secret gets a new name instead of colliding with one pending deletion.
                expect(secret).to.deep.include({ namePrefix: `${prefix}/credentials/redis-auth-token-` }).and.not.have.property("name");
                const version = run.mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name.endsWith("-credentials-redis-auth-token"))!;
                expect(inputs(version).secretString).to.equal(only(run, "aws:elasticache/replicationGroup:ReplicationGroup").authToken);
            });
        });

        describe("edge", () => {
            it(`puts the load balancer in the public subnets, drops invalid headers${production ? ", protects it from deletion" : ""}, logs to an SSE-S3 bucket`, () => {
                const alb = only(run, "aws:lb/loadBalancer:LoadBalancer");
                expect(alb).to.deep.include({ loadBalancerType: "application", internal: false, dropInvalidHeaderFields: true, enableDeletionProtection: production });
                expect(alb.subnets).to.deep.equal([0, 1, 2].slice(0, production ? 3 : 2).map((i) => `${prefix}-network-public-${i}-id`));
                expect(alb.accessLogs).to.deep.include({ enabled: true, prefix: "alb", bucket: `${prefix}-lb-logs-id` });
                const sse = run.mocks.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((r) => r.name === `${prefix}-lb-logs`)!;
                expect(inputs(sse).rules[0].applyServerSideEncryptionByDefault).to.deep.equal({ sseAlgorithm: "AES256" });
            });

            it("gets one ACM certificate for the five hostnames, validated by DNS records in the zone", () => {
                const cert = only(run, "aws:acm/certificate:Certificate");
                expect(cert.validationMethod).to.equal("DNS");
                expect([cert.domainName, ...cert.subjectAlternativeNames]).to.deep.equal(HOSTS.map((h) => `${h}.${domain}`));
                const validation = run.mocks.ofType("aws:route53/record:Record").filter((r) => r.name.includes("-lb-validation-")).map(inputs);
                expect(validation).to.have.length(5);
                for (const v of validation) expect(v).to.deep.include({ type: "CNAME", zoneId: "Z0123456789EXAMPLE", ttl: 60 });
                expect(only(run, "aws:acm/certificateValidation:CertificateValidation").validationRecordFqdns).to.have.length(5);
            });

            it(`serves HTTPS with ${production ? "TLS 1.3 only" : "TLS 1.3 and 1.2"}, redirects HTTP, routes each hostname to an HTTPS target group`, () => {
                const https = named(run, "aws:lb/listener:Listener", "-lb-https");
                expect(https).to.deep.include({ port: 443, protocol: "HTTPS", sslPolicy: production ? "ELBSecurityPolicy-TLS13-1-3-2021-06" : "ELBSecurityPolicy-TLS13-1-2-2021-06" });
                expect(https.certificateArn).to.match(/^arn:aws:acm:/);
                const http = named(run, "aws:lb/listener:Listener", "-lb-http");
                expect(http.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
                const rules = run.mocks.ofType("aws:lb/listenerRule:ListenerRule").map(inputs);
                expect(rules.map((r) => r.conditions[0].hostHeader.values[0])).to.deep.equal(HOSTS.map((h) => `${h}.${domain}`));
                for (const tg of run.mocks.ofType("aws:lb/targetGroup:TargetGroup").map(inputs)) {
                    expect(tg).to.deep.include({ protocol: "HTTPS", targetType: "ip" });
                    expect(tg.healthCheck.protocol).to.equal("HTTPS");
                }
            });

            it("puts WAF in front: per-IP rate limit on the API host over 60 s, the managed rule groups, basic auth for Jaeger", () => {
                const acl = only(run, "aws:wafv2/webAcl:WebAcl");
                expect(acl.scope).to.equal("REGIONAL");
                const rules = acl.rules as Inputs[];
                const rate = rules.find((r) => r.name === "api-rate-limit-per-ip")!;
                expect(rate.statement.rateBasedStatement).to.deep.include({ limit: production ? 100 : 120, evaluationWindowSec: 60, aggregateKeyType: "IP" });
                expect(rate.statement.rateBasedStatement.scopeDownStatement.byteMatchStatement.searchString).to.equal(`api.${domain}`);
                expect(rules.filter((r) => r.statement.managedRuleGroupStatement).map((r) => r.statement.managedRuleGroupStatement.name).sort()).to.deep.equal([
                    "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                ]);
                const jaeger = rules.find((r) => r.name === "jaeger-basic-auth")!;
                expect(jaeger.action.block.customResponse).to.deep.include({ responseCode: 401 });
                const expected = `Basic ${Buffer.from(`jaeger:GENERATED-SECRET-${prefix}-secrets-jaeger-`).toString("base64").slice(0, 40)}`;
                expect(jaeger.statement.andStatement.statements[1].notStatement.statement.byteMatchStatement.searchString.slice(0, 46)).to.equal(expected);
                expect(JSON.stringify(run.mocks.ofType("aws:wafv2/webAcl:WebAcl")[0]!.inputs.rules)).to.contain("4dabf18193072939515e22adb298388d");
                expect(only(run, "aws:wafv2/webAclAssociation:WebAclAssociation").resourceArn).to.match(/^arn:aws:elasticloadbalancing:.*loadbalancer\/app\//);
            });

            it("lets Grafana and the API take request bodies over 8 KB; every other host keeps the common rule set's limit", () => {
                const rules = (unwrap(run.mocks.ofType("aws:wafv2/webAcl:WebAcl")[0]!.inputs) as Inputs).rules as Inputs[];
                const crs = rules.find((r) => r.name === "AWSManagedRulesCommonRuleSet")!.statement.managedRuleGroupStatement;
                expect(crs.ruleActionOverrides).to.deep.equal([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
                const body = rules.find((r) => r.name === "limit-request-body-size")!;
                expect(body.action).to.deep.equal({ block: {} });
                const [size, exempt] = body.statement.andStatement.statements;
                expect(size.sizeConstraintStatement).to.deep.include({ comparisonOperator: "GT", size: 8192, fieldToMatch: { body: { oversizeHandling: "MATCH" } } });
                expect(exempt.notStatement.statement.orStatement.statements.map((s: Inputs) => s.byteMatchStatement.searchString)).to.deep.equal([`grafana.${domain}`, `api.${domain}`]);
                // Every other rule group still blocks: only the one body-size rule is overridden.
                for (const r of rules.filter((x) => x.statement.managedRuleGroupStatement && x.name !== "AWSManagedRulesCommonRuleSet")) {
                    expect(r.statement.managedRuleGroupStatement.ruleActionOverrides ?? [], r.name).to.deep.equal([]);
                }
            });

            it("opens 0.0.0.0/0 only on the load balancer's group, only on 80 and 443", () => {
                const open = run.mocks.resources
                    .filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" || r.type === "aws:ec2/securityGroup:SecurityGroup")
                    .filter((r) => JSON.stringify(r.inputs).includes("0.0.0.0/0"));
                expect(open.map((r) => [r.name, inputs(r).fromPort])).to.deep.equal([[`${prefix}-lb-http-in`, 80], [`${prefix}-lb-https-in`, 443]]);
                for (const r of open) expect(inputs(r).securityGroupId).to.equal(`${prefix}-lb-sg-id`);
            });

            it("aliases each hostname to the load balancer in the zone from the getZone invoke", () => {
                const aliases = run.mocks.ofType("aws:route53/record:Record").filter((r) => r.name.startsWith(`${prefix}-dns-`)).map(inputs);
                expect(aliases.map((a) => a.name)).to.deep.equal(HOSTS.map((h) => `${h}.${domain}`));
                for (const a of aliases) {
                    expect(a).to.deep.include({ type: "A", zoneId: "Z0123456789EXAMPLE" });
                    expect(a.aliases[0]).to.deep.include({ zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true });
                    expect(a.aliases[0].name).to.match(/\.elb\.amazonaws\.com$/);
                }
                expect(run.mocks.calls.find((c) => c.token === "aws:route53/getZone:getZone")?.inputs).to.deep.include({ name: "example.com", privateZone: false });
            });
        });

        describe("images", () => {
            const registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

            it("caches Docker Hub (with the configured account), Quay and ECR Public in ECR, under prefixes of this stack", () => {
                const rules = run.mocks.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map(inputs).sort((a, b) => a.ecrRepositoryPrefix.localeCompare(b.ecrRepositoryPrefix));
                expect(rules.map((r) => [r.ecrRepositoryPrefix, r.upstreamRegistryUrl])).to.deep.equal([
                    [`${prefix}-ecr`, "public.ecr.aws"], [`${prefix}-hub`, "registry-1.docker.io"], [`${prefix}-quay`, "quay.io"],
                ]);
                const hub = rules[1]!;
                expect(hub.credentialArn).to.match(new RegExp(`:secret:ecr-pullthroughcache/${prefix}/docker-hub-`));
                const secret = named(run, "aws:secretsmanager/secret:Secret", "-registries-docker-hub");
                expect(secret.kmsKeyId).to.equal(keyArn);
                const version = run.mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name.endsWith("-registries-docker-hub"))!;
                expect(isSecretWrapper(version.inputs.secretString)).to.equal(true);
                expect(JSON.parse(inputs(version).secretString)).to.deep.equal({ username: "examplebot", accessToken: "dckr_pat_EXAMPLE0123456789" });
                for (const r of [rules[0]!, rules[2]!]) expect(r).to.not.have.property("credentialArn");
            });

            it("lets ECR's pull-through cache role decrypt the Docker Hub credentials with the stack key, through Secrets Manager only", () => {
                const statements = JSON.parse(only(run, "aws:kms/key:Key").policy).Statement as Inputs[];
                const cache = statements.find((st) => st.Sid === "EcrPullThroughCacheDecryptsUpstreamCredentials")!;
                expect(cache).to.deep.include({ Effect: "Allow", Action: "kms:Decrypt", Principal: { AWS: "*" } });
                expect(cache.Condition).to.deep.equal({
                    StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
                    ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/aws-service-role/pullthroughcache.ecr.amazonaws.com/AWSServiceRoleForECRPullThroughCache" },
                });
            });

            it("pulls every image from this account's ECR, but the team's API image, which comes with registry credentials", () => {
                const images: string[] = [];
                for (const task of run.mocks.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
                    for (const c of containerDefinitionsOf(task)) {
                        if (c.name === "api") {
                            expect(c.image).to.equal("registry.example.com/agente-api:1.4.2");
                            expect(c.repositoryCredentials?.credentialsParameter).to.match(new RegExp(`:secret:${prefix}/registries/team-`));
                        } else {
                            expect(c.image, c.name).to.match(new RegExp(`^${registry}/${prefix}-(hub|quay|ecr)/`));
                            expect(c, c.name).to.not.have.property("repositoryCredentials");
                        }
                        images.push(c.image);
                    }
                }
                expect(images).to.include.members([
                    `${registry}/${prefix}-hub/library/postgres:18.1`,
                    `${registry}/${prefix}-hub/prom/prometheus:v3.5.0`,
                    // cr.jaegertracing.io serves Docker Hub's jaegertracing repositories.
                    `${registry}/${prefix}-hub/jaegertracing/jaeger:2.11.0`,
                    `${registry}/${prefix}-quay/prometheuscommunity/postgres-exporter:v0.18.1`,
                    `${registry}/${prefix}-ecr/aws-cli/aws-cli:2.27.0`,
                ]);
            });

            it("lets the execution roles create and import the cache's repositories, and the API's read the team registry's credentials", () => {
                const policy = (suffix: string) => JSON.parse(inputs(run.mocks.named("aws:iam/rolePolicy:RolePolicy", `${prefix}-${suffix}`)).policy).Statement as Inputs[];
                const importing = policy("grafana-execution").find((st) => st.Sid === "ImportThroughCache")!;
                expect(importing.Action).to.deep.equal(["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"]);
                expect(importing.Resource).to.deep.equal(["ecr", "hub", "quay"].map((u) => `arn:aws:ecr:eu-west-1:123456789012:repository/${prefix}-${u}/*`));
                const apiSecrets = policy("api-execution").find((st) => st.Sid === "ThisTasksSecrets")!.Resource as string[];
                expect(apiSecrets.some((arn) => arn.includes(`:secret:${prefix}/registries/team-`))).to.equal(true);
                const grafanaSecrets = policy("grafana-execution").find((st) => st.Sid === "ThisTasksSecrets")!.Resource as string[];
                expect(grafanaSecrets.some((arn) => arn.includes("/registries/"))).to.equal(false);
            });
        });

        describe("buckets and state", () => {
            const buckets = ["config", "backups", "lb-logs"];

            it("blocks public access, disables ACLs and denies plain HTTP on every bucket", () => {
                expect(run.mocks.ofType("aws:s3/bucket:Bucket").map((b) => b.name).sort()).to.deep.equal(buckets.map((b) => `${prefix}-${b}`).sort());
                for (const b of buckets) {
                    const name = `${prefix}-${b}`;
                    expect(inputs(run.mocks.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name))).to.deep.include({
                        bucket: `${name}-id`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
                    });
                    expect(inputs(run.mocks.named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", name)).rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
                    const policy = JSON.parse(inputs(run.mocks.named("aws:s3/bucketPolicy:BucketPolicy", name)).policy);
                    expect(policy.Statement[0]).to.deep.include({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
                }
            });

            it("encrypts the config and backup buckets with the stack key and keeps versions", () => {
                for (const b of ["config", "backups"]) {
                    const sse = inputs(run.mocks.named("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${prefix}-${b}`));
                    expect(sse.rules[0].applyServerSideEncryptionByDefault).to.deep.equal({ sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn });
                    expect(inputs(run.mocks.named("aws:s3/bucketVersioning:BucketVersioning", `${prefix}-${b}`)).versioningConfiguration).to.deep.equal({ status: "Enabled" });
                }
            });

            it("logs the config and backup buckets' access into the access-log bucket, where only S3 logging of this stack's buckets may write", () => {
                expect(run.mocks.ofType("aws:s3/bucketLogging:BucketLogging").map((r) => r.name).sort()).to.deep.equal([`${prefix}-backups`, `${prefix}-config`]);
                for (const b of ["config", "backups"]) {
                    expect(inputs(run.mocks.named("aws:s3/bucketLogging:BucketLogging", `${prefix}-${b}`))).to.deep.equal({ bucket: `${prefix}-${b}-id`, targetBucket: `${prefix}-lb-logs-id`, targetPrefix: `s3/${b}/` });
                }
                const policy = JSON.parse(inputs(run.mocks.named("aws:s3/bucketPolicy:BucketPolicy", `${prefix}-lb-logs`)).policy);
                expect(policy.Statement.find((st: { Sid?: string }) => st.Sid === "S3ServerAccessLogs")).to.deep.equal({
                    Sid: "S3ServerAccessLogs",
                    Effect: "Allow",
                    Principal: { Service: "logging.s3.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: `arn:aws:s3:::${prefix}-lb-logs-id/s3/*`,
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": `arn:aws:s3:::${prefix}-*` } },
                });
                // S3 writes access logs only into a bucket encrypted with S3-managed keys.
                expect(inputs(run.mocks.named("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${prefix}-lb-logs`)).rules[0].applyServerSideEncryptionByDefault).to.deep.equal({ sseAlgorithm: "AES256" });
            });

            it(`moves exports to Glacier after 30 days and expires them after ${production ? 365 : 90}`, () => {
                const rule = inputs(run.mocks.named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `${prefix}-backups`)).rules[0];
                expect(rule.transitions).to.deep.equal([{ days: 30, storageClass: "GLACIER" }]);
                expect(rule.expiration).to.deep.equal({ days: production ? 365 : 90 });
            });

            it("keeps observability state on an encrypted EFS file system, one access point per service as its user", () => {
                expect(only(run, "aws:efs/fileSystem:FileSystem")).to.deep.include({ encrypted: true, kmsKeyId: keyArn });
                const points = Object.fromEntries(run.mocks.ofType("aws:efs/accessPoint:AccessPoint").map((r) => [r.name.split("-").pop(), inputs(r)]));
                expect(points.prometheus.posixUser).to.deep.equal({ uid: 65534, gid: 65534 });
                expect(points.grafana.posixUser).to.deep.equal({ uid: 472, gid: 0 });
                expect(points.alertmanager.rootDirectory).to.deep.equal({ path: "/alertmanager", creationInfo: { ownerUid: 65534, ownerGid: 65534, permissions: "0750" } });
                expect(run.mocks.ofType("aws:efs/mountTarget:MountTarget")).to.have.length(production ? 3 : 2);
            });

            it(`protects every stateful resource ${production ? "" : "only "}in production`, () => {
                const stateful = run.outputs.stack.statefulVolumes as unknown as { __protect?: boolean }[];
                expect(stateful).to.have.length(7);
                for (const r of stateful) expect(r.__protect ?? false).to.equal(production);
            });
        });

        describe("outputs", () => {
            it("publishes the endpoints' URLs on 443 and the connection details as a secret, with the AWS endpoints", async () => {
                expect(run.outputs.publicUrls.grafana).to.equal(`https://grafana.${domain}/`);
                expect(await pulumi.isSecret(run.outputs.connection)).to.equal(true);
                const connection = await valueOf(run.outputs.connection) as Inputs;
                expect(connection.postgres).to.deep.include({ port: 5432, database: "app", user: "app", sslmode: "verify-full" });
                expect(connection.postgres.host).to.match(/\.rds\.amazonaws\.com$/);
                expect(connection.redis.url).to.match(/^rediss:\/\/master\..*\.cache\.amazonaws\.com:6379\/0$/);
            });
        });
    });
}
