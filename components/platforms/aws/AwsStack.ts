import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import { isServing, NOT_ON_AWS, workloadSpecs } from "../../workloads/catalogue";
import { connectionOutput, publicUrls } from "../../workloads/consumers";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSecrets, StackSettings, WORKLOADS } from "../../settings/types";
import { InternalCa } from "../../tls/InternalCa";
import { Alertmanager } from "./Alertmanager";
import { Api } from "./Api";
import { Backups } from "./Backups";
import { BackupTask, BackupTaskOutput } from "./BackupTask";
import { Cluster } from "./Cluster";
import { ConfigBucket } from "./ConfigBucket";
import { AwsBase, awsTrustBundleUrls } from "./context";
import { Credentials } from "./Credentials";
import { Dns } from "./Dns";
import { Encryption } from "./Encryption";
import { Grafana } from "./Grafana";
import { Jaeger } from "./Jaeger";
import { LoadBalancer } from "./LoadBalancer";
import { Network } from "./Network";
import { Postgres } from "./Postgres";
import { Prometheus } from "./Prometheus";
import { Redis } from "./Redis";
import { Registries } from "./Registries";
import type { AwsServiceArgs } from "./services";
import { Waf } from "./Waf";

export interface AwsStackArgs {
    readonly settings: StackSettings;
    readonly secrets: StackSecrets;
}

/** Tags the provider puts on every AWS resource of the stack. */
export function stackTags(settings: StackSettings): Record<string, string> {
    return { "service-stack:project": settings.project, "service-stack:stack": settings.stack, "service-stack:environment": settings.environment, "managed-by": "pulumi" };
}

/**
 * The whole stack on AWS managed services, from the same settings, catalogue, secrets, internal CA and rendered
 * configuration as the Docker platform: a KMS key, the VPC, RDS PostgreSQL, ElastiCache, the ECS cluster with EFS
 * and Cloud Map, the five Fargate services, the load balancer with ACM and WAF, DNS aliases and backups. Every AWS
 * resource goes through one explicit provider in the configured region.
 */
export class AwsStack extends pulumi.ComponentResource {
    public readonly publicUrls: Readonly<Record<PublicEndpoint, string>>;
    public readonly caCertPem: pulumi.Output<string>;
    /** Every resource holding state (database, cache, file system, buckets, key); protected in production. */
    public readonly statefulVolumes: readonly pulumi.CustomResource[];
    /** Connection details for operators; secret. */
    public readonly connection: pulumi.Output<object>;
    public readonly provider: aws.Provider;
    /** How `npm run backup` runs the pre-deploy dump (exported as the stack output `backupTask`). */
    public readonly backupTask: BackupTaskOutput;

    constructor(name: string, args: AwsStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:AwsStack", name, {}, opts);
        const { settings } = args;
        if (settings.platform !== "aws") throw new Error(`AwsStack \`settings.platform\` is "${settings.platform}": expected "aws".`);
        const awsSettings = settings.aws;
        if (!awsSettings) throw new Error("AwsStack `settings.aws` is not set: buildSettings sets it whenever `platform` is `aws`.");
        const dns = settings.dns;
        if (!dns || !settings.domain) throw new Error("AwsStack needs `settings.domain` and `settings.dns`: buildSettings requires both on `aws`.");
        const specs = workloadSpecs(settings);

        this.provider = new aws.Provider(`${name}-aws`, { region: awsSettings.region as aws.Region, defaultTags: { tags: stackTags(settings) } }, { parent: this });
        const provider = this.provider;
        const inAws = { parent: this, providers: { aws: provider } };
        const identity = aws.getCallerIdentityOutput({}, { parent: this, provider });
        const partition = aws.getPartitionOutput({}, { parent: this, provider });
        const account = { partition: partition.partition, accountId: identity.accountId, region: awsSettings.region };

        const encryption = new Encryption(`${name}-kms`, { settings, account }, inAws);
        const base: AwsBase = { settings, aws: awsSettings, specs, account, keyArn: encryption.key.arn };
        const network = new Network(`${name}-network`, base, inAws);
        const privateSubnetIds = network.privateSubnets.map((s) => s.id);
        const cluster = new Cluster(`${name}-cluster`, { ...base, vpcId: network.vpc.id, privateSubnetIds }, inAws);
        const generated = new GeneratedSecrets(`${name}-secrets`, { length: settings.passwordLength }, { parent: this });
        const dataArgs = { vpcId: network.vpc.id, privateSubnetIds, tasksSecurityGroupId: cluster.tasksSecurityGroup.id, namespaceZoneId: cluster.namespace.hostedZone };
        const postgres = new Postgres(`${name}-postgres`, { ...base, ...dataArgs }, inAws);
        const redis = new Redis(`${name}-redis`, { ...base, ...dataArgs, authToken: generated.redisPassword.result }, inAws);

        // Certificates name each service as the others reach it: its Cloud Map name (sidecars share their task's).
        const servers: Record<string, string[]> = {};
        for (const workload of WORKLOADS) {
            if (!isServing(workload) || (NOT_ON_AWS as readonly string[]).includes(workload) || workload === "postgres" || workload === "redis") continue;
            servers[workload] = [specs[workload].alias];
        }
        const ca = new InternalCa(`${name}-ca`, {
            servers,
            certValidityDays: settings.tls.certValidityDays,
            earlyRenewalDays: settings.tls.earlyRenewalDays,
            caValidityDays: settings.tls.caValidityDays,
            organization: settings.namePrefix,
        }, { parent: this });
        const credentials = new Credentials(`${name}-credentials`, { base, generated, configSecrets: args.secrets }, inAws);
        const registries = new Registries(`${name}-registries`, { base, secrets: args.secrets }, inAws);

        const zone = aws.route53.getZoneOutput({ name: dns.zone, privateZone: false }, { parent: this, provider });
        const lb = new LoadBalancer(`${name}-lb`, {
            ...base,
            vpcId: network.vpc.id,
            publicSubnetIds: network.publicSubnets.map((s) => s.id),
            tasksSecurityGroupId: cluster.tasksSecurityGroup.id,
            zoneId: zone.zoneId,
        }, inAws);
        new Waf(`${name}-waf`, { settings, loadBalancerArn: lb.alb.arn, jaegerPassword: generated.jaegerPassword.result }, inAws);
        // The load balancer's log bucket is the stack's access-log bucket: the other buckets log their access there.
        const accessLogBucket = lb.logBucket.bucket.bucket;
        const configBucket = new ConfigBucket(`${name}-config`, { settings, keyArn: base.keyArn, accessLogBucket }, inAws);

        const serviceArgs: AwsServiceArgs = {
            base,
            runtime: {
                clusterArn: cluster.cluster.arn,
                namespaceId: cluster.namespace.id,
                subnetIds: privateSubnetIds,
                securityGroupIds: [cluster.tasksSecurityGroup.id],
                configBucket: { name: configBucket.bucket.bucket, arn: configBucket.bucket.arn, versioning: configBucket.versioning },
                images: registries,
            },
            caCertPem: ca.caCertPem,
            certificates: ca.certificates,
            credentials: credentials.credentials,
            receiverSecrets: credentials.receiverSecrets,
            generated,
            configSecrets: args.secrets,
            data: { postgresAddress: postgres.instance.address, redisAddress: redis.replicationGroup.primaryEndpointAddress, adminSecretArn: postgres.adminSecretArn },
            targetGroups: lb.targetGroups,
            loadBalancerArnSuffix: lb.alb.arnSuffix,
            efs: { fileSystemId: cluster.fileSystem.id, fileSystemArn: cluster.fileSystem.arn, accessPoints: cluster.accessPoints },
        };
        // Services start pulling as soon as they exist: the cache rules come first.
        const serviceOpts = { ...inAws, dependsOn: [lb, cluster, registries] };
        const jaeger = new Jaeger(`${name}-jaeger`, serviceArgs, serviceOpts);
        new Api(`${name}-api`, serviceArgs, { ...serviceOpts, dependsOn: [lb, cluster, registries, postgres, redis, jaeger] });
        const alertmanager = new Alertmanager(`${name}-alertmanager`, serviceArgs, serviceOpts);
        const prometheus = new Prometheus(`${name}-prometheus`, serviceArgs, { ...serviceOpts, dependsOn: [lb, cluster, registries, alertmanager, postgres, redis] });
        new Grafana(`${name}-grafana`, serviceArgs, { ...serviceOpts, dependsOn: [lb, cluster, registries, prometheus] });

        new Dns(`${name}-dns`, {
            dns,
            zoneId: zone.zoneId,
            hostnames: PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]),
            loadBalancer: { dnsName: lb.alb.dnsName, zoneId: lb.alb.zoneId },
        }, inAws);
        const backups = new Backups(`${name}-backups`, { ...base, accessLogBucket }, inAws);
        // The role it dumps as is created by the API task's db-roles container.
        const backupTask = new BackupTask(`${name}-backup`, { ...serviceArgs, bucket: { name: backups.bucket.bucket, arn: backups.bucket.arn } }, { ...serviceOpts, dependsOn: [cluster, registries, postgres, backups] });
        this.backupTask = backupTask.output;

        this.statefulVolumes = [encryption.key, postgres.instance, redis.replicationGroup, cluster.fileSystem, configBucket.bucket, backups.bucket, lb.logBucket.bucket];
        this.publicUrls = publicUrls(settings);
        this.caCertPem = ca.caCertPem;
        // RDS's certificate chains to the AWS trust bundle, not to the stack's CA.
        this.connection = connectionOutput(settings, specs, generated,
            { postgresHost: postgres.instance.address, redisHost: redis.replicationGroup.primaryEndpointAddress },
            awsTrustBundleUrls(awsSettings.region)[0]);

        this.registerOutputs({
            publicUrls: this.publicUrls,
            caCertPem: this.caCertPem,
            connection: this.connection,
            statefulVolumes: this.statefulVolumes,
            backupTask: this.backupTask,
        });
    }
}
