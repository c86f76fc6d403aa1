import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext, AWS_CLI_IMAGE, AwsBase, awsName, encryptedLogGroup } from "./context";
import { taskLayout, TaskLayout } from "./containerDefinitions";
import { assumeRolePolicy, policyDocument, PolicyStatement } from "./iamDocuments";
import { ImageResolver, containerName, containerPlan, stateMounts, TaskContainer } from "./taskContainers";
import { configHash, resolveFiles, TaskFileSources } from "./taskFiles";

/** EFS access points a task mounts, by the name of the volume its containers keep state on. */
export interface EfsVolumes {
    readonly fileSystemId: pulumi.Input<string>;
    readonly fileSystemArn: pulumi.Input<string>;
    readonly volumes: readonly { readonly name: string; readonly accessPointId: pulumi.Input<string>; readonly accessPointArn: pulumi.Input<string> }[];
}

export interface FargateTaskDefinitionArgs {
    readonly base: AwsBase;
    /** Short name: log group and family suffix, config bucket prefix, secret names. */
    readonly serviceName: string;
    readonly containers: readonly TaskContainer[];
    /** Where the containers' files come from (config bucket, shared credentials, internal CA). */
    readonly files: TaskFileSources;
    /** Resolves each container's configured image to the one tasks pull (through the ECR cache, with credentials). */
    readonly images: ImageResolver;
    /** EFS volumes (access points) the containers keep state on. Defaults to none. */
    readonly efs?: EfsVolumes;
    /** Task volumes one container writes and others read, each given to its writer's `owner`. Defaults to none. */
    readonly sharedVolumes?: readonly { readonly name: string; readonly owner: string }[];
    /** Further statements of the task role (what the task's own processes call). Defaults to none. */
    readonly taskRoleStatements?: pulumi.Input<readonly PolicyStatement[]>;
}

/**
 * A Fargate task definition, as awsx's FargateTaskDefinition sits apart from its service: the containers plus an init
 * container that copies configuration from the config bucket and secrets from Secrets Manager into task-local volumes
 * (containerDefinitions.ts), the objects and task-local secrets it reads, its log group, and its execution and task
 * roles, each limited to this task's secrets, objects and access points.
 *
 * Its children were FargateService's own before (issue 14): each carries an alias naming that parent, so existing
 * stacks keep every one of them (test/components/declaredResources.test.ts).
 */
export class FargateTaskDefinition extends pulumi.ComponentResource {
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly executionRole: aws.iam.Role;
    public readonly taskRole: aws.iam.Role;
    /** The configuration hash set as `CONFIG_SHA256` on the init container. */
    public readonly configHash: pulumi.Output<string>;

    constructor(name: string, args: FargateTaskDefinitionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:FargateTaskDefinition", name, {}, opts);
        const { base, serviceName } = args;
        if (!/^[a-z][a-z0-9-]{0,62}$/.test(serviceName)) throw new Error(`FargateTaskDefinition \`serviceName\` is "${serviceName}": expected a lower-case DNS label.`);
        if (args.containers.length === 0) throw new Error("FargateTaskDefinition `containers` is empty: expected at least one container.");
        const efsNames = new Set((args.efs?.volumes ?? []).map((v) => v.name));
        for (const c of args.containers) {
            for (const m of stateMounts(c)) if (!efsNames.has(m.volume)) throw new Error(`FargateTaskDefinition container "${containerName(c)}" keeps state on \`${m.volume}\`, which is not in \`efs.volumes\`.`);
        }
        const aliases = opts?.parent ? [{ parent: opts.parent }] : [];
        const own = { parent: this, aliases };

        this.logGroup = encryptedLogGroup(`${name}-logs`, `/ecs/${base.settings.namePrefix}/${serviceName}`, base, this, aliases);
        const secretArns: pulumi.Input<string>[] = [];
        const hashEntries: pulumi.Input<[string, string]>[] = [];
        const plans = args.containers.map((c) => {
            const resolved = resolveFiles(containerName(c), c.workload, args.files, { name, serviceName, base, parent: this, aliases });
            secretArns.push(...resolved.secretArns, ...Object.values(c.secrets ?? {}).map((valueFrom) => pulumi.output(valueFrom).apply(secretArnOf)));
            hashEntries.push(...resolved.hashEntries);
            const pulled = args.images.pull(c.workload.image);
            if (pulled.credentialsArn) secretArns.push(pulled.credentialsArn);
            return containerPlan(c, resolved.files, pulled);
        });
        this.configHash = pulumi.all(hashEntries).apply((entries) => configHash(entries));
        const initImage = args.images.pull(AWS_CLI_IMAGE);
        const layout: pulumi.Output<TaskLayout> = pulumi.all([pulumi.all(plans), args.files.configBucket.name, this.logGroup.name, this.configHash, initImage.image]).apply(([containers, configBucket, logGroup, hash, init]) =>
            taskLayout({ region: base.aws.region, logGroup, configBucket, initImage: init, configHash: hash, containers, sharedVolumes: args.sharedVolumes }));

        this.executionRole = this.executionRoleFor(name, args, secretArns, own);
        this.taskRole = this.taskRoleFor(name, args, own);
        this.taskDefinition = new aws.ecs.TaskDefinition(name, {
            family: awsName(base.settings, serviceName),
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            cpu: layout.apply((l) => String(l.size.cpu)),
            memory: layout.apply((l) => String(l.size.memory)),
            executionRoleArn: this.executionRole.arn,
            taskRoleArn: this.taskRole.arn,
            containerDefinitions: layout.apply((l) => JSON.stringify(l.containerDefinitions)),
            volumes: taskVolumes(layout, args.efs),
        }, own);

        this.registerOutputs({
            taskDefinition: this.taskDefinition,
            logGroup: this.logGroup,
            executionRole: this.executionRole,
            taskRole: this.taskRole,
            configHash: this.configHash,
        });
    }

    /** What ECS itself does for the task: pull its images, write its logs, read this task's secrets and nothing else. */
    private executionRoleFor(name: string, args: FargateTaskDefinitionArgs, secretArns: pulumi.Input<string>[], own: pulumi.CustomResourceOptions): aws.iam.Role {
        const { base, serviceName } = args;
        const role = new aws.iam.Role(`${name}-execution`, {
            description: `${awsName(base.settings, serviceName)}: pull images, write logs, read this task's secrets`,
            assumeRolePolicy: accountContext(base.account).apply((a) => assumeRolePolicy("ecs-tasks.amazonaws.com", a)),
        }, own);
        new aws.iam.RolePolicy(`${name}-execution`, {
            role: role.id,
            policy: pulumi.all([this.logGroup.arn, base.keyArn, pulumi.all(secretArns), pulumi.output(args.images.importRepositoryArns)]).apply(([logGroupArn, keyArn, secrets, cacheRepositories]) => policyDocument([
                { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
                // ECR: the pull-through cache's repositories and private ones (the team's API image).
                { Sid: "PullFromEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: "*" },
                // The first pull of an image through the cache creates its repository and imports it from upstream.
                ...(cacheRepositories.length > 0 ? [{ Sid: "ImportThroughCache", Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"], Resource: [...cacheRepositories].sort() } as PolicyStatement] : []),
                ...(secrets.length > 0 ? [
                    { Sid: "ThisTasksSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...new Set(secrets)].sort() } as PolicyStatement,
                    { Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn } as PolicyStatement,
                ] : []),
            ])),
        }, own);
        return role;
    }

    /** What the task's own processes do: read this service's configuration objects, mount its access points, and its extras. */
    private taskRoleFor(name: string, args: FargateTaskDefinitionArgs, own: pulumi.CustomResourceOptions): aws.iam.Role {
        const { base, serviceName, efs } = args;
        const role = new aws.iam.Role(`${name}-task`, {
            description: `${awsName(base.settings, serviceName)}: read this service's configuration objects and mount its access points`,
            assumeRolePolicy: accountContext(base.account).apply((a) => assumeRolePolicy("ecs-tasks.amazonaws.com", a)),
        }, own);
        new aws.iam.RolePolicy(`${name}-task`, {
            role: role.id,
            policy: pulumi.all([args.files.configBucket.arn, base.keyArn, efs?.fileSystemArn, pulumi.all((efs?.volumes ?? []).map((v) => v.accessPointArn)), pulumi.output(args.taskRoleStatements ?? [])]).apply(([bucketArn, keyArn, fileSystemArn, accessPointArns, statements]) => policyDocument([
                { Sid: "ReadThisServicesConfiguration", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/${serviceName}/*` },
                { Sid: "DecryptConfiguration", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn },
                ...(fileSystemArn && accessPointArns.length > 0 ? [{
                    Sid: "MountThisServicesAccessPoints",
                    Effect: "Allow",
                    Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                    Resource: fileSystemArn,
                    Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArns } },
                } as PolicyStatement] : []),
                ...(statements as readonly PolicyStatement[]),
            ])),
        }, own);
        return role;
    }
}

/** The ARN of the secret a `valueFrom` names (`arn:...:secret:name` or `arn:...:secret:name:json-key::`). */
export function secretArnOf(valueFrom: string): string {
    const parts = valueFrom.split(":");
    return parts.slice(0, 7).join(":");
}

/** The task's volumes: a task-local one per directory the init container fills, and its EFS access points. */
function taskVolumes(layout: pulumi.Output<TaskLayout>, efs: EfsVolumes | undefined): pulumi.Output<aws.types.input.ecs.TaskDefinitionVolume[]> {
    return pulumi.all([layout, efs?.fileSystemId, pulumi.all((efs?.volumes ?? []).map((v) => v.accessPointId))]).apply(([l, fileSystemId, accessPointIds]) => [
        ...l.configVolumes.map((volumeName) => ({ name: volumeName })),
        ...(efs?.volumes ?? []).map((v, i) => ({
            name: v.name,
            efsVolumeConfiguration: { fileSystemId: fileSystemId!, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: accessPointIds[i]!, iam: "ENABLED" } },
        })),
    ]);
}
