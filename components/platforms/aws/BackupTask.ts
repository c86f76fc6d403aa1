import * as pulumi from "@pulumi/pulumi";
import { renderOffsiteScript } from "../../render/backupOffsite";
import { backupWorkload, BackupRun, RUN_ONCE_COMMAND } from "../../workloads/backup";
import { CONFIG_PATHS } from "../../workloads/catalogue";
import { clusterName } from "./Cluster";
import { AWS_CLI_IMAGE } from "./context";
import { FargateService } from "./FargateService";
import type { PolicyStatement } from "./iamDocuments";
import { AwsServiceArgs, sharedServiceArgs } from "./serviceArgs";
import type { TaskContainer } from "./taskContainers";

/** Where the pre-deploy dumps land in the backup bucket; its lifecycle rules move and expire them (Backups.ts). */
export const PRE_DEPLOY_PREFIX = "pre-deploy/";
/** The task volume the dump is written to and read from (Fargate's ephemeral storage: 20 GiB by default). */
const BACKUP_VOLUME = "backup";
const BACKUP_DIR = "/backup";
/** The postgres image's user (the dump's owner) and the AWS CLI run as it too, so the upload reads the 0600 dump. */
const BACKUP_USER = "999:999";
/** The label of the task's run of the job; `npm run backup` passes its own. */
const PRE_DEPLOY_LABEL = "pre-deploy";

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

/** The bucket the dumps are copied into (Backups.ts). */
export interface BackupBucket {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

/** The backup job in the task: once, onto the task volume; never scheduled (RDS keeps the automated backups, the bucket expires these). */
const TASK_RUN: BackupRun = {
    dirs: { dumps: `${BACKUP_DIR}/dumps`, state: `${BACKUP_DIR}/state`, metrics: `${BACKUP_DIR}/metrics` },
    volumes: [{ volume: BACKUP_VOLUME, path: BACKUP_DIR }],
    schedule: ["00:00"],
    keepDays: 1,
    keepCount: 1,
    once: PRE_DEPLOY_LABEL,
};

/** The AWS CLI copying the verified dump into the bucket with the stack key, once, after the dump succeeded. */
function uploadContainer(args: AwsServiceArgs, bucket: BackupBucket): TaskContainer {
    const { base } = args;
    return {
        workload: {
            name: "upload",
            image: AWS_CLI_IMAGE,
            user: BACKUP_USER,
            limits: base.settings.resources.backupOffsite,
            entrypoint: ["bash"],
            command: [CONFIG_PATHS.offsiteScript, "once"],
            env: { AWS_REGION: base.aws.region },
            files: [{
                path: CONFIG_PATHS.offsiteScript,
                source: {
                    kind: "config",
                    content: pulumi.all([bucket.name, base.keyArn]).apply(([name, keyArn]) => renderOffsiteScript({
                        backupDir: TASK_RUN.dirs.dumps, metricsDir: TASK_RUN.dirs.metrics, bucket: name, prefix: PRE_DEPLOY_PREFIX,
                        serverSideEncryption: "aws:kms", kmsKeyId: keyArn, intervalSeconds: 60,
                    })),
                },
            }],
            volumes: [{ volume: BACKUP_VOLUME, path: BACKUP_DIR, readOnly: true }],
        },
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
 * runs it with `aws ecs run-task`). The backup job's description (the Docker job's own script and image) dumps the
 * application database as the dump-only role over TLS verify-full against RDS and verifies it, then the AWS CLI copies
 * the dump and its SHA-256 into the backup bucket under `pre-deploy/`, encrypted with the stack key, and reads it back.
 */
export class BackupTask extends pulumi.ComponentResource {
    public readonly service: FargateService;
    public readonly output: BackupTaskOutput;

    constructor(name: string, args: AwsServiceArgs & { readonly bucket: BackupBucket }, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:BackupTask", name, {}, opts);
        const { base } = args;
        this.service = new FargateService(name, {
            ...sharedServiceArgs(args),
            serviceName: "backup",
            desiredCount: 0,
            sharedVolumes: [{ name: BACKUP_VOLUME, owner: BACKUP_USER }],
            containers: [{ workload: backupWorkload(args.workloads, TASK_RUN), name: "dump", essential: false }, uploadContainer(args, args.bucket)],
            taskRoleStatements: taskRoleStatements(args.bucket, base.keyArn),
        }, { parent: this });
        this.output = {
            region: base.aws.region,
            cluster: pulumi.output(clusterName(base.settings)),
            taskDefinition: this.service.taskDefinition.family,
            subnets: args.placement.subnetIds,
            securityGroups: args.placement.securityGroupIds,
            bucket: args.bucket.name,
            prefix: PRE_DEPLOY_PREFIX,
            dumpContainer: "dump",
            dumpCommand: [...RUN_ONCE_COMMAND],
        };
        this.registerOutputs({ service: this.service, output: this.output });
    }
}
