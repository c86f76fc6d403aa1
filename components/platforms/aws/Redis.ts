import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsBase, awsName, encryptedLogGroup } from "./context";
import { ManagedStoreArgs, namespaceAlias, reachableFromTasks } from "./managedStore";

export interface RedisArgs extends ManagedStoreArgs {
    /** The AUTH token (the generated Redis password). Secret. */
    readonly authToken: pulumi.Input<string>;
}

/**
 * ElastiCache (Redis OSS or Valkey) in the private subnets: encrypted at rest with the stack key and in transit
 * (TLS required), AUTH token required, reachable on 6379 from the tasks only; a replica with automatic failover
 * across zones in production; daily snapshots kept as long as the database's backups; slow log to CloudWatch.
 */
export class Redis extends pulumi.ComponentResource {
    public readonly replicationGroup: aws.elasticache.ReplicationGroup;
    public readonly securityGroup: aws.ec2.SecurityGroup;

    constructor(name: string, base: AwsBase & RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Redis", name, {}, opts);
        const { settings, aws: awsSettings, specs } = base;
        const production = settings.environment === "production";
        const id = awsName(settings, "redis");
        const engine = awsSettings.redis;

        this.securityGroup = reachableFromTasks(name, base, { what: "Redis", port: specs.redis.port, groupDescription: "ElastiCache: 6379 from the tasks only", tag: id }, this);
        const subnets = new aws.elasticache.SubnetGroup(name, { subnetIds: base.privateSubnetIds, description: `${id}: private subnets` }, { parent: this });
        const parameters = new aws.elasticache.ParameterGroup(name, {
            family: `${engine.engine}${engine.engineVersion.split(".")[0]}`,
            description: `${id}: eviction policy`,
            // maxmemory itself follows the node type on ElastiCache; the eviction policy is ours.
            parameters: [{ name: "maxmemory-policy", value: settings.redis.maxmemoryPolicy }],
        }, { parent: this });
        const slowLog = encryptedLogGroup(`${name}-slow-log`, `/aws/elasticache/${id}/slow-log`, base, this);

        this.replicationGroup = new aws.elasticache.ReplicationGroup(name, {
            replicationGroupId: id,
            description: `${settings.namePrefix} cache and sessions`,
            engine: engine.engine,
            engineVersion: engine.engineVersion,
            nodeType: engine.nodeType,
            port: specs.redis.port,
            numCacheClusters: production ? 2 : 1,
            automaticFailoverEnabled: production,
            multiAzEnabled: production,
            subnetGroupName: subnets.name,
            securityGroupIds: [this.securityGroup.id],
            parameterGroupName: parameters.name,
            atRestEncryptionEnabled: true,
            kmsKeyId: base.keyArn,
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            authToken: pulumi.secret(base.authToken),
            // SET (the default) leaves only the current token valid. A rotation without downtime runs twice: ROTATE
            // with the new token (old and new both valid while the tasks move over), then SET again, which ends it
            // with the new token only (README, "Rotating the Redis AUTH token"). A ROTATE left in place keeps both.
            authTokenUpdateStrategy: engine.authTokenUpdateStrategy,
            snapshotRetentionLimit: awsSettings.postgres.backupRetentionDays,
            snapshotWindow: "01:00-02:00",
            maintenanceWindow: "sun:04:30-sun:05:30",
            finalSnapshotIdentifier: production ? `${id}-final` : undefined,
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
        }, { parent: this, protect: settings.protectStateful });

        namespaceAlias(name, base, specs.redis.alias, this.replicationGroup.primaryEndpointAddress, this);

        this.registerOutputs({ replicationGroup: this.replicationGroup, securityGroup: this.securityGroup });
    }
}
