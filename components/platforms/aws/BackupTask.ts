import * as pulumi from "@pulumi/pulumi";
import { BackupJob, pgpassLine, renderBackupScript } from "../../render/backup";
import { renderOffsiteScript } from "../../render/backupOffsite";
import { CONFIG_PATHS, POSTGRES_BACKUP_USER, SECRET_FILES } from "../../workloads/catalogue";
import { clusterName } from "./Cluster";
import { AWS_CLI_IMAGE, AWS_TRUST_BUNDLE, awsTrustBundleUrls } from "./context";
import { FargateService, ServiceContainer } from "./FargateService";
import type { PolicyStatement } from "./iamDocuments";
import type { AwsServiceArgs } from "./services";

/** Where the pre-deploy dumps land in the backup bucket; its lifecycle rules move and expire them (Backups.ts). */
export const PRE_DEPLOY_PREFIX = "pre-deploy/";
/** The task volume the dump is written to and read from (Fargate's ephemeral storage: 20 GiB by default). */
const BACKUP_VOLUME = "backup";
const BACKUP_DIR = "/backup";
/** The postgres image's user (the dump's owner) and the AWS CLI run as it too, so the upload reads the 0600 dump. */
const BACKUP_USER = "999:999";
const TRUST_BUNDLE = `/etc/backup/${AWS_TRUST_BUNDLE}`;

/** How `npm run backup` runs the task (the stack output `backupTask`, read by scripts/lib/awsBackup.ts). */
export interface BackupTaskOutput {
    readonly region: string;
    readonly cluster: pulumi.Output<string>;
    readonly taskDefinition: pulumi.Output<string>;
    readonly subnets: pulumi.Input<string>[];
    readonly securityGroups: pulumi.Input<string>[];
    readonly bucket: pulumi.Input<string>;
    readonly prefix: string;
    readonly dumpContainer: string;
    /** The dump container's command; the run appends the label. */
    readonly dumpCommand: readonly string[];
}

/** The backup job's script for the task: RDS's endpoint, the AWS trust bundle, the task volume. */
function awsBackupJob(args: AwsServiceArgs, host: string): BackupJob {
    const { settings, specs } = args.base;
    return {
        stack: settings.stack, host, port: specs.postgres.port, database: settings.postgres.database, user: POSTGRES_BACKUP_USER,
        caFile: TRUST_BUNDLE, passFile: SECRET_FILES.backupPgpass,
        backupDir: `${BACKUP_DIR}/dumps`, stateDir: `${BACKUP_DIR}/state`, metricsDir: `${BACKUP_DIR}/metrics`,
        // Never scheduled (the task runs `run <label>` once); RDS keeps the automated backups, the bucket expires these.
        schedule: ["00:00"], keepDays: 1, keepCount: 1,
    };
}

/** The bucket the dumps are copied into (Backups.ts). */
export interface BackupBucket {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

/** The command the dump container runs; `npm run backup` appends the label. */
const DUMP_COMMAND = ["bash", CONFIG_PATHS.backupScript, "run"] as const;

/** pg_dump of the application database as the dump-only role, verified, onto the task volume. */
function dumpContainer(args: AwsServiceArgs): ServiceContainer {
    const { base } = args;
    const { settings } = base;
    const pgpass = pulumi.all([args.data.postgresAddress, args.generated.postgresBackupPassword.result]).apply(([host, secret]) =>
        pgpassLine(host, base.specs.postgres.port, settings.postgres.database, POSTGRES_BACKUP_USER, secret));
    return {
        name: "dump",
        image: settings.images.backup,
        user: BACKUP_USER,
        limits: settings.resources.backup,
        essential: false,
        command: [...DUMP_COMMAND, "pre-deploy"],
        files: [
            { path: CONFIG_PATHS.backupScript, kind: "config", content: args.data.postgresAddress.apply((host) => renderBackupScript(awsBackupJob(args, host))) },
            { path: TRUST_BUNDLE, kind: "download", urls: awsTrustBundleUrls(base.aws.region) },
            // A secret of this task, pinned to its revision; db-roles (the API task) sets the role's current password.
            { path: SECRET_FILES.backupPgpass, kind: "secret", value: pulumi.secret(pgpass) },
        ],
        volumeMounts: [{ volume: BACKUP_VOLUME, path: BACKUP_DIR, readOnly: false }],
    };
}

/** The AWS CLI copying the verified dump into the bucket with the stack key, once, after the dump succeeded. */
function uploadContainer(args: AwsServiceArgs, bucket: BackupBucket): ServiceContainer {
    const { base } = args;
    return {
        name: "upload",
        image: AWS_CLI_IMAGE,
        user: BACKUP_USER,
        limits: base.settings.resources.backupOffsite,
        entryPoint: ["bash"],
        command: [CONFIG_PATHS.offsiteScript, "once"],
        environment: { AWS_REGION: base.aws.region },
        files: [{
            path: CONFIG_PATHS.offsiteScript,
            kind: "config",
            content: pulumi.all([bucket.name, base.keyArn]).apply(([name, keyArn]) => renderOffsiteScript({
                backupDir: `${BACKUP_DIR}/dumps`, metricsDir: `${BACKUP_DIR}/metrics`, bucket: name, prefix: PRE_DEPLOY_PREFIX,
                serverSideEncryption: "aws:kms", kmsKeyId: keyArn, intervalSeconds: 60,
            })),
        }],
        volumeMounts: [{ volume: BACKUP_VOLUME, path: BACKUP_DIR, readOnly: true }],
        after: ["dump"],
    };
}

/** What the task's own processes may do: put and read back under the prefix, list it, use the stack key. */
function taskRoleStatements(bucket: BackupBucket, keyArn: pulumi.Input<string>): pulumi.Output<PolicyStatement[]> {
    return pulumi.all([bucket.arn, keyArn]).apply(([bucketArn, key]): PolicyStatement[] => [
        { Sid: "WritePreDeployDumps", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `${bucketArn}/${PRE_DEPLOY_PREFIX}*` },
        { Sid: "ListPreDeployDumps", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${PRE_DEPLOY_PREFIX}*`] } } },
        { Sid: "EncryptDumps", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"], Resource: key },
    ]);
}

/**
 * The pre-deploy backup on AWS: a one-off Fargate task (a service of zero tasks holds its definition; `npm run backup`
 * runs it with `aws ecs run-task`). The postgres image's pg_dump dumps the application database as the dump-only role
 * over TLS verify-full against RDS and verifies it (the Docker job's own script), then the AWS CLI copies the dump and
 * its SHA-256 into the backup bucket under `pre-deploy/`, encrypted with the stack key, and reads the copy back.
 */
export class BackupTask extends pulumi.ComponentResource {
    public readonly service: FargateService;
    public readonly output: BackupTaskOutput;

    constructor(name: string, args: AwsServiceArgs & { readonly bucket: BackupBucket }, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:BackupTask", name, {}, opts);
        const { base } = args;
        this.service = new FargateService(name, {
            base,
            serviceName: "backup",
            ...args.runtime,
            desiredCount: 0,
            sharedVolumes: [{ name: BACKUP_VOLUME, owner: BACKUP_USER }],
            containers: [dumpContainer(args), uploadContainer(args, args.bucket)],
            taskRoleStatements: taskRoleStatements(args.bucket, base.keyArn),
        }, { parent: this });
        this.output = {
            region: base.aws.region,
            cluster: pulumi.output(clusterName(base.settings)),
            taskDefinition: this.service.taskDefinition.family,
            subnets: args.runtime.subnetIds,
            securityGroups: args.runtime.securityGroupIds,
            bucket: args.bucket.name,
            prefix: PRE_DEPLOY_PREFIX,
            dumpContainer: "dump",
            dumpCommand: [...DUMP_COMMAND],
        };
        this.registerOutputs({ service: this.service, output: this.output });
    }
}
