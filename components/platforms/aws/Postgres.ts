import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../../settings/types";
import { AwsBase, awsName, encryptedLogGroup } from "./context";
import { ManagedStoreArgs, namespaceAlias, reachableFromTasks } from "./managedStore";

export type PostgresArgs = ManagedStoreArgs;

/** The administrator RDS creates (not the well-known `postgres`); its password lives in Secrets Manager, managed by RDS. */
export const RDS_ADMIN_USER = "stack_admin";

/** PostgreSQL logs RDS exports to CloudWatch. */
export const RDS_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** RDS's names for TLS versions in `ssl_min_protocol_version`. */
function rdsTlsVersion(version: StackSettings["tls"]["minVersion"]): string {
    return version === "1.3" ? "TLSv1.3" : "TLSv1.2";
}

/**
 * The parameters the stack sets on RDS: TLS forced (`rds.force_ssl`) at the configured minimum version, SCRAM
 * password hashing, and the tuning of `settings.postgres` where RDS lets it be set (sizes in RDS's units: 8 kB pages
 * for buffers and cache, kB for work_mem). `wal_level` is RDS-managed; logical decoding is `rds.logical_replication`.
 * Static parameters apply at the next reboot. Exported for tests.
 */
export function rdsParameters(settings: StackSettings): { name: string; value: string; applyMethod: "immediate" | "pending-reboot" }[] {
    const pg = settings.postgres;
    const pagesPerMiB = 1024 / 8;
    return [
        { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
        { name: "ssl_min_protocol_version", value: rdsTlsVersion(settings.tls.minVersion), applyMethod: "pending-reboot" },
        { name: "password_encryption", value: "scram-sha-256", applyMethod: "immediate" },
        { name: "max_connections", value: String(pg.maxConnections), applyMethod: "pending-reboot" },
        { name: "shared_buffers", value: String(pg.sharedBuffersMiB * pagesPerMiB), applyMethod: "pending-reboot" },
        { name: "effective_cache_size", value: String(pg.effectiveCacheSizeMiB * pagesPerMiB), applyMethod: "immediate" },
        { name: "work_mem", value: String(pg.workMemMiB * 1024), applyMethod: "immediate" },
        ...(pg.walLevel === "logical" ? [{ name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" as const }] : []),
        { name: "log_connections", value: "1", applyMethod: "immediate" },
        { name: "log_min_duration_statement", value: "500", applyMethod: "immediate" },
    ];
}

/** The instance: encrypted storage and Performance Insights, not public, Multi-AZ with deletion protection and a final snapshot in production. */
function instanceArgs(
    base: AwsBase,
    parts: { identifier: string; subnetGroup: pulumi.Input<string>; securityGroup: pulumi.Input<string>; parameterGroup: pulumi.Input<string> },
): aws.rds.InstanceArgs {
    const { settings, aws: awsSettings, specs } = base;
    const production = settings.environment === "production";
    return {
        identifier: parts.identifier,
        engine: "postgres",
        engineVersion: awsSettings.postgres.engineVersion,
        instanceClass: awsSettings.postgres.instanceClass,
        allocatedStorage: awsSettings.postgres.allocatedStorageGiB,
        maxAllocatedStorage: awsSettings.postgres.maxAllocatedStorageGiB,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: base.keyArn,
        dbName: settings.postgres.database,
        username: RDS_ADMIN_USER,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: base.keyArn,
        port: specs.postgres.port,
        multiAz: production,
        dbSubnetGroupName: parts.subnetGroup,
        vpcSecurityGroupIds: [parts.securityGroup],
        publiclyAccessible: false,
        parameterGroupName: parts.parameterGroup,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        backupRetentionPeriod: awsSettings.postgres.backupRetentionDays,
        backupWindow: "02:00-03:00",
        maintenanceWindow: "sun:03:30-sun:04:30",
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: !production,
        deletionProtection: production,
        skipFinalSnapshot: !production,
        finalSnapshotIdentifier: production ? `${parts.identifier}-final` : undefined,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: base.keyArn,
        performanceInsightsRetentionPeriod: 7,
        enabledCloudwatchLogsExports: [...RDS_LOG_EXPORTS],
        autoMinorVersionUpgrade: true,
        // The major is pinned in `aws.postgres.engineVersion`: changing it there is the decision to upgrade, and
        // RDS refuses a new major (and its new parameter group family) without this flag.
        allowMajorVersionUpgrade: true,
        // In the maintenance window unless the stack asks for now (a major upgrade at a chosen hour: the old
        // parameter group can only be deleted once the instance has moved to the new one).
        applyImmediately: awsSettings.postgres.applyImmediately,
    };
}

/**
 * RDS PostgreSQL in the private subnets: storage and Performance Insights encrypted with the stack key, TLS forced,
 * not publicly accessible, reachable on 5432 from the tasks only, Multi-AZ with deletion protection and a final
 * snapshot in production, automated backups, logs exported to KMS-encrypted log groups, and an administrator whose
 * password RDS keeps (and rotates) in Secrets Manager.
 */
export class Postgres extends pulumi.ComponentResource {
    public readonly instance: aws.rds.Instance;
    public readonly securityGroup: aws.ec2.SecurityGroup;
    public readonly parameterGroup: aws.rds.ParameterGroup;
    /** ARN of the RDS-managed secret holding the administrator's `username` and `password` (JSON). */
    public readonly adminSecretArn: pulumi.Output<string>;

    constructor(name: string, base: AwsBase & PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Postgres", name, {}, opts);
        const { settings, aws: awsSettings, specs } = base;
        const identifier = awsName(settings, "postgres");
        const major = awsSettings.postgres.engineVersion.split(".")[0];

        this.securityGroup = reachableFromTasks(name, base, { what: "PostgreSQL", port: specs.postgres.port, groupDescription: "RDS PostgreSQL: 5432 from the tasks only", tag: identifier }, this);
        const subnets = new aws.rds.SubnetGroup(name, { subnetIds: base.privateSubnetIds, description: `${identifier}: private subnets` }, { parent: this });
        this.parameterGroup = new aws.rds.ParameterGroup(name, {
            family: `postgres${major}`,
            description: `${identifier}: TLS forced, SCRAM, stack tuning`,
            parameters: rdsParameters(settings),
        }, { parent: this });
        // Created before the instance so RDS exports into encrypted groups with retention instead of making its own.
        const logGroups = RDS_LOG_EXPORTS.map((log) => encryptedLogGroup(`${name}-${log}`, `/aws/rds/instance/${identifier}/${log}`, base, this));

        this.instance = new aws.rds.Instance(name, instanceArgs(base, { identifier, subnetGroup: subnets.name, securityGroup: this.securityGroup.id, parameterGroup: this.parameterGroup.name }),
            { parent: this, protect: settings.protectStateful, dependsOn: logGroups });
        this.adminSecretArn = this.instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) throw new Error("Postgres: RDS reported no managed administrator secret.");
            return arn;
        });

        namespaceAlias(name, base, specs.postgres.alias, this.instance.address, this);

        this.registerOutputs({ instance: this.instance, securityGroup: this.securityGroup, parameterGroup: this.parameterGroup, adminSecretArn: this.adminSecretArn });
    }
}
