import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import { PublishedOutputs, publishedOutputs } from "../../stackOutputs";
import { PUBLIC_ENDPOINTS, StackSecrets, StackSettings, WORKLOADS } from "../../settings/types";
import type { InternalCa } from "../../tls/InternalCa";
import { stackCa } from "../../tls/stackCa";
import { alertmanagerWorkload } from "../../workloads/alertmanager";
import { isServing, NOT_ON_AWS, workloadSpecs } from "../../workloads/catalogue";
import { grafanaWorkload } from "../../workloads/grafana";
import { jaegerWorkload } from "../../workloads/jaeger";
import { Api } from "./Api";
import { Backups } from "./Backups";
import { BackupTask, BackupTaskOutput } from "./BackupTask";
import { Cluster, EFS_SERVICES } from "./Cluster";
import { ConfigBucket } from "./ConfigBucket";
import { AwsBase, awsTrustBundleUrls } from "./context";
import { Credentials } from "./Credentials";
import { Dns } from "./Dns";
import { Encryption } from "./Encryption";
import { LoadBalancer } from "./LoadBalancer";
import { Network } from "./Network";
import { Postgres } from "./Postgres";
import { Prometheus } from "./Prometheus";
import { Redis } from "./Redis";
import { Registries } from "./Registries";
import { awsDataTier, AwsServiceArgs } from "./serviceArgs";
import { Waf } from "./Waf";
import { WorkloadService } from "./WorkloadService";

export interface AwsStackArgs {
    readonly settings: StackSettings;
    readonly secrets: StackSecrets;
}

/** Tags the provider puts on every AWS resource of the stack. */
export function stackTags(settings: StackSettings): Record<string, string> {
    return { "service-stack:project": settings.project, "service-stack:stack": settings.stack, "service-stack:environment": settings.environment, "managed-by": "pulumi" };
}

/** The internal CA: a certificate for each service the tasks run, by its Cloud Map name (sidecars share their task's). */
function internalCa(name: string, base: AwsBase, parent: pulumi.Resource): InternalCa {
    const { settings, specs } = base;
    const servers: Record<string, string[]> = {};
    for (const workload of WORKLOADS) {
        if (!isServing(workload) || (NOT_ON_AWS as readonly string[]).includes(workload) || workload === "postgres" || workload === "redis") continue;
        servers[workload] = [specs[workload].alias];
    }
    return stackCa(name, settings, servers, parent);
}

/**
 * The whole stack on AWS managed services, from the same settings, catalogue, secrets, internal CA and workload
 * descriptions as the Docker platform: a KMS key, the VPC, RDS PostgreSQL, ElastiCache, the ECS cluster with EFS
 * and Cloud Map, the Fargate services, the load balancer with ACM and WAF, DNS aliases and backups. Every AWS
 * resource goes through one explicit provider in the configured region.
 */
export class AwsStack extends pulumi.ComponentResource {
    public readonly published: PublishedOutputs;
    /** Every resource holding state (database, cache, file system, buckets, key); protected in production. */
    public readonly statefulVolumes: readonly pulumi.CustomResource[];
    public readonly provider: aws.Provider;
    /** How `npm run backup` runs the pre-deploy dump (exported as the stack output `backupTask`). */
    public readonly backupTask: BackupTaskOutput;

    constructor(name: string, args: AwsStackArgs, opts?: pulumi.ComponentResourceOptions) {
        // Named like the Docker platform's stack; the alias keeps every URN under it (and protected data) in place.
        super("service-stack:aws:Stack", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "service-stack:aws:AwsStack" }] });
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
        const ca = internalCa(name, base, this);

        const zone = aws.route53.getZoneOutput({ name: dns.zone, privateZone: false }, { parent: this, provider });
        const lb = new LoadBalancer(`${name}-lb`, {
            ...base,
            vpcId: network.vpc.id,
            publicSubnetIds: network.publicSubnets.map((s) => s.id),
            tasksSecurityGroupId: cluster.tasksSecurityGroup.id,
            zoneId: zone.zoneId,
        }, inAws);
        new Waf(`${name}-waf`, { settings, loadBalancerArn: lb.alb.arn, jaegerPassword: generated.jaegerPassword.result }, inAws);
        new Dns(`${name}-dns`, { dns, zoneId: zone.zoneId, hostnames: PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]), loadBalancer: { dnsName: lb.alb.dnsName, zoneId: lb.alb.zoneId } }, inAws);
        // The load balancer's log bucket is the stack's access-log bucket: the other buckets log their access there.
        const accessLogBucket = lb.logBucket.bucket.bucket;
        const backups = new Backups(`${name}-backups`, { ...base, accessLogBucket }, inAws);

        const data = { postgresAddress: postgres.instance.address, redisAddress: redis.replicationGroup.primaryEndpointAddress, adminSecretArn: postgres.adminSecretArn };
        const services = this.serviceArgs(name, base, { args, generated, ca, cluster, lb, accessLogBucket, data, privateSubnetIds }, inAws);
        this.backupTask = this.declareServices(name, services.args, { lb, cluster, registries: services.registries, postgres, redis, backups }, inAws);

        this.statefulVolumes = [encryption.key, postgres.instance, redis.replicationGroup, cluster.fileSystem, services.configBucket, backups.bucket, lb.logBucket.bucket];
        // RDS's certificate chains to the AWS trust bundle, not to the stack's CA.
        this.published = publishedOutputs(settings, specs, generated, ca.caCertPem, { postgresHost: data.postgresAddress, redisHost: data.redisAddress }, awsTrustBundleUrls(awsSettings.region)[0]);
        this.registerOutputs({ ...this.published, statefulVolumes: this.statefulVolumes, backupTask: this.backupTask });
    }

    /** What every service gets: placement, the config bucket and credentials its files come from, images, EFS, the descriptions' context. */
    private serviceArgs(name: string, base: AwsBase, from: ServiceInputs, inAws: pulumi.ComponentResourceOptions): { args: AwsServiceArgs; registries: Registries; configBucket: aws.s3.Bucket } {
        const { settings } = base;
        const credentials = new Credentials(`${name}-credentials`, { base, generated: from.generated, configSecrets: from.args.secrets }, inAws);
        const registries = new Registries(`${name}-registries`, { base, secrets: from.args.secrets }, inAws);
        const configBucket = new ConfigBucket(`${name}-config`, { settings, keyArn: base.keyArn, accessLogBucket: from.accessLogBucket }, inAws);
        const { cluster } = from;
        const args: AwsServiceArgs = {
            base,
            placement: { clusterArn: cluster.cluster.arn, namespaceId: cluster.namespace.id, subnetIds: from.privateSubnetIds, securityGroupIds: [cluster.tasksSecurityGroup.id] },
            files: {
                configBucket: { name: configBucket.bucket.bucket, arn: configBucket.bucket.arn, versioning: configBucket.versioning },
                shared: (secret) => credentials.shared(secret),
                caCertPem: from.ca.caCertPem,
                certificates: from.ca.certificates,
            },
            images: registries,
            efs: {
                fileSystemId: cluster.fileSystem.id,
                fileSystemArn: cluster.fileSystem.arn,
                accessPoints: Object.fromEntries(EFS_SERVICES.map((s) => [`${s}-data`, cluster.accessPoints[s]])),
            },
            workloads: {
                settings,
                specs: base.specs,
                generated: from.generated,
                configSecrets: from.args.secrets,
                data: awsDataTier(base.specs, base.aws.region, from.data),
                // A task's containers share its network namespace; the certificate is checked by name all the same.
                selfHost: () => "127.0.0.1",
            },
            credentials,
            data: from.data,
            targetGroups: from.lb.targetGroups,
            loadBalancerArnSuffix: from.lb.alb.arnSuffix,
        };
        return { args, registries, configBucket: configBucket.bucket };
    }

    /** The Fargate services and the backup task, each started once what it pulls through and talks to exists. */
    private declareServices(name: string, args: AwsServiceArgs, deps: ServiceDependencies, inAws: pulumi.ComponentResourceOptions): BackupTaskOutput {
        const { lb, cluster, registries, postgres, redis, backups } = deps;
        // Services start pulling as soon as they exist: the cache rules come first.
        const after = (...more: pulumi.Resource[]) => ({ ...inAws, dependsOn: [lb, cluster, registries, ...more] });
        const jaeger = new WorkloadService("Jaeger", `${name}-jaeger`, { ...args, workload: jaegerWorkload(args.workloads), endpoint: "jaeger" }, after());
        new Api(`${name}-api`, args, after(postgres, redis, jaeger));
        const alertmanager = new WorkloadService("Alertmanager", `${name}-alertmanager`, { ...args, workload: alertmanagerWorkload(args.workloads), endpoint: "alertmanager" }, after());
        const prometheus = new Prometheus(`${name}-prometheus`, args, after(alertmanager, postgres, redis));
        new WorkloadService("Grafana", `${name}-grafana`, { ...args, workload: grafanaWorkload(args.workloads), endpoint: "grafana" }, after(prometheus));
        // The role it dumps as is created by the API task's db-roles container.
        const backupTask = new BackupTask(`${name}-backup`, { ...args, bucket: { name: backups.bucket.bucket, arn: backups.bucket.arn } }, { ...inAws, dependsOn: [cluster, registries, postgres, backups] });
        return backupTask.output;
    }
}

interface ServiceInputs {
    readonly args: AwsStackArgs;
    readonly generated: GeneratedSecrets;
    readonly ca: InternalCa;
    readonly cluster: Cluster;
    readonly lb: LoadBalancer;
    readonly accessLogBucket: pulumi.Input<string>;
    readonly data: AwsServiceArgs["data"];
    readonly privateSubnetIds: pulumi.Input<string>[];
}

interface ServiceDependencies {
    readonly lb: LoadBalancer;
    readonly cluster: Cluster;
    readonly registries: Registries;
    readonly postgres: Postgres;
    readonly redis: Redis;
    readonly backups: Backups;
}
