import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { ResourceLimits } from "../../settings/types";
import { accountContext, AWS_CLI_IMAGE, AwsBase, awsName, encryptedLogGroup, storedSecret } from "./context";
import { ContainerPlan, TaskFile, taskLayout, TaskLayout } from "./containerDefinitions";
import { cpuUnits } from "./fargateSize";
import { assumeRolePolicy, policyDocument, PolicyStatement } from "./iamDocuments";

/** A secret already in Secrets Manager (a shared credential): its ARN and current version. */
export interface StoredSecretRef {
    readonly arn: pulumi.Input<string>;
    readonly versionId: pulumi.Input<string>;
}

/** A file a container reads, and what it holds. */
export type ServiceFile =
    /** Non-secret configuration, uploaded to the config bucket. */
    | { readonly path: string; readonly kind: "config"; readonly content: pulumi.Input<string> }
    /** A secret only this task reads (its TLS key, a web config with a bcrypt hash); stored in Secrets Manager. */
    | { readonly path: string; readonly kind: "secret"; readonly value: pulumi.Input<string>; readonly readCurrent?: boolean }
    /** A shared credential already in Secrets Manager. */
    | { readonly path: string; readonly kind: "stored"; readonly secret: StoredSecretRef; readonly readCurrent?: boolean }
    /** Public certificates fetched at start (the AWS trust bundle). */
    | { readonly path: string; readonly kind: "download"; readonly urls: readonly string[] };
// `readCurrent` on a secret file: read AWSCURRENT instead of the version the task definition was registered with.
// For credentials another service or AWS checks (the Redis AUTH token, another task's basic-auth password, a receiver
// URL): rolling this task back does not roll the checking side back, so only the current value works there.
// Everything checked inside the task itself (its TLS key and certificate, its own web config) stays pinned.

/** An image as a task pulls it: the reference ECS gets and, for a private registry, the credentials secret's ARN. */
export interface PulledImage {
    readonly image: pulumi.Input<string>;
    readonly credentialsArn?: pulumi.Input<string>;
}

/** Turns configured image references into what tasks pull (the stack's Registries). */
export interface ImageResolver {
    pull(image: string): PulledImage;
    /** ECR repositories a first pull through the cache creates and imports into (for the execution role). */
    readonly importRepositoryArns: pulumi.Input<pulumi.Input<string>[]>;
}

/** One container of the service's task. */
export interface ServiceContainer {
    readonly name: string;
    readonly image: string;
    /** Numeric non-root `uid:gid`. */
    readonly user: string;
    readonly limits: ResourceLimits;
    /** False for one-shot containers and restartable sidecars. Defaults to true. */
    readonly essential?: boolean;
    /** ECS restarts the container when it exits (a non-essential sidecar that keeps running). Defaults to false. */
    readonly restart?: boolean;
    /** Overrides the image's entry point. Defaults to the image's. */
    readonly entryPoint?: readonly string[];
    readonly command?: readonly string[];
    /** Plain, non-secret environment. */
    readonly environment?: pulumi.Input<Readonly<Record<string, pulumi.Input<string>>>>;
    /** ECS `secrets`: variable -> Secrets Manager ARN (or `arn:key::`). Only for one-shot clients (psql). */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly ports?: readonly number[];
    readonly healthCheck?: readonly string[];
    readonly startPeriodSeconds?: number;
    readonly files: readonly ServiceFile[];
    /** EFS volumes (by name in `efs.volumes`) mounted read-write. */
    readonly stateMounts?: readonly { readonly volume: string; readonly path: string }[];
    /** Containers that must exit successfully first. */
    readonly after?: readonly string[];
    /** Shared task volumes (by name in `sharedVolumes`) this container mounts. */
    readonly volumeMounts?: readonly { readonly volume: string; readonly path: string; readonly readOnly: boolean }[];
}

export interface FargateServiceArgs {
    readonly base: AwsBase;
    /** Short name: Cloud Map service name, log group and task family suffix, config bucket prefix. */
    readonly serviceName: string;
    readonly clusterArn: pulumi.Input<string>;
    readonly namespaceId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupIds: pulumi.Input<string>[];
    /** The config bucket; `versioning` is waited for before any upload, so every object gets a version id. */
    readonly configBucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string>; readonly versioning?: pulumi.Resource };
    /** Resolves each container's configured image to the one tasks pull (through the ECR cache, with credentials). */
    readonly images: ImageResolver;
    readonly containers: readonly ServiceContainer[];
    /** Tasks to run. */
    readonly desiredCount: number;
    /** Registers the tasks with a load balancer target group. Defaults to none. */
    readonly loadBalancer?: { readonly targetGroupArn: pulumi.Input<string>; readonly containerName: string; readonly containerPort: number };
    /** EFS volumes (access points) the task mounts. Defaults to none. */
    readonly efs?: { readonly fileSystemId: pulumi.Input<string>; readonly fileSystemArn: pulumi.Input<string>; readonly volumes: readonly { readonly name: string; readonly accessPointId: pulumi.Input<string>; readonly accessPointArn: pulumi.Input<string> }[] };
    /** Leave `desiredCount` to an autoscaler after creation. Defaults to false. */
    readonly autoscaled?: boolean;
    /** Task volumes one container writes and others read, each given to its writer's `owner`. Defaults to none. */
    readonly sharedVolumes?: readonly { readonly name: string; readonly owner: string }[];
    /** Further statements of the task role (what the task's own processes call). Defaults to none. */
    readonly taskRoleStatements?: pulumi.Input<readonly PolicyStatement[]>;
}

function slug(text: string): string {
    return text.replace(/^\/+/, "").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
}

/** The ARN of the secret a `valueFrom` names (`arn:...:secret:name` or `arn:...:secret:name:json-key::`). */
export function secretArnOf(valueFrom: string): string {
    const parts = valueFrom.split(":");
    return parts.slice(0, 7).join(":");
}

/**
 * The version id of an uploaded configuration object, refused when S3 gave none: an object written before the
 * bucket's versioning took effect has no version (AWS asks to wait up to 15 minutes after enabling it), and a task
 * definition naming version "" could never start. Exported for tests.
 */
export function requireVersionId(key: string, versionId: string | undefined, urn: string): string {
    if (versionId && versionId !== "null") return versionId;
    throw new Error(`FargateService: config object "${key}" was stored without a version id (the bucket's versioning had not taken effect yet); `
        + `a task definition must name object versions. Upload it again: \`pulumi up --replace '${urn}'\`.`);
}

/**
 * ECS `valueFrom` for one version of a secret (`arn:json-key:version-stage:version-id`, the last field set): a task
 * definition then keeps reading the values it was registered with, so a rollback after a rotation (a renewed
 * certificate and its key) gets the old pair, not the old certificate with the new key. Exported for tests.
 */
export function pinnedValueFrom(secretArn: string, versionId: string): string {
    if (!versionId) throw new Error(`FargateService: secret ${secretArn} has no version id to pin.`);
    return `${secretArn}:::${versionId}`;
}

/** pinnedValueFrom over Outputs. */
export function pinnedSecret(secret: StoredSecretRef): pulumi.Output<string> {
    return pulumi.all([secret.arn, secret.versionId]).apply(([arn, versionId]) => pinnedValueFrom(arn, versionId));
}

/** The `valueFrom` of a secret file: its pinned version, or the bare ARN (AWSCURRENT) when it is read current. */
function secretValueFrom(secret: StoredSecretRef, readCurrent: boolean | undefined): pulumi.Output<string> {
    return readCurrent ? pulumi.output(secret.arn) : pinnedSecret(secret);
}

/** SHA-256 over the task's files: configuration by content, secrets by version, downloads by URL. Exported for tests. */
export function configHash(entries: readonly (readonly [string, string])[]): string {
    const sorted = [...entries].sort(([a], [b]) => a.localeCompare(b));
    return createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}

/**
 * One ECS service on Fargate, generic over what it runs: the task definition (containers plus an init container that
 * copies configuration from the config bucket and secrets from Secrets Manager into task-local volumes), its
 * execution and task roles (each limited to this service's secrets, objects and access points), its log group,
 * its Cloud Map name, and the service in the private subnets without public IPs, rolling back a failed deployment.
 */
export class FargateService extends pulumi.ComponentResource {
    public readonly service: aws.ecs.Service;
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly discovery: aws.servicediscovery.Service;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly executionRole: aws.iam.Role;
    public readonly taskRole: aws.iam.Role;
    /** The configuration hash set as `CONFIG_SHA256` on the init container. */
    public readonly configHash: pulumi.Output<string>;

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:FargateService", name, {}, opts);
        const { base, serviceName } = args;
        const { settings } = base;
        if (!/^[a-z][a-z0-9-]{0,62}$/.test(serviceName)) throw new Error(`FargateService \`serviceName\` is "${serviceName}": expected a lower-case DNS label.`);
        if (args.containers.length === 0) throw new Error("FargateService `containers` is empty: expected at least one container.");
        if (!(Number.isInteger(args.desiredCount) && args.desiredCount >= 0)) throw new Error(`FargateService \`desiredCount\` is ${args.desiredCount}: expected a whole number.`);
        const efsNames = new Set((args.efs?.volumes ?? []).map((v) => v.name));
        for (const c of args.containers) {
            for (const m of c.stateMounts ?? []) if (!efsNames.has(m.volume)) throw new Error(`FargateService container "${c.name}" mounts \`${m.volume}\`, which is not in \`efs.volumes\`.`);
        }

        this.logGroup = encryptedLogGroup(`${name}-logs`, `/ecs/${settings.namePrefix}/${serviceName}`, base, this);

        const secretArns: pulumi.Input<string>[] = [];
        const hashEntries: pulumi.Input<[string, string]>[] = [];
        const plans = args.containers.map((c) => {
            const files: pulumi.Input<TaskFile>[] = c.files.map((f) => {
                const id = `${c.name}${f.path}`;
                switch (f.kind) {
                    case "config": {
                        const object = new aws.s3.BucketObjectv2(`${name}-${slug(id)}`, {
                            bucket: args.configBucket.name,
                            key: `${serviceName}/${id.replace(/^\/+/, "")}`,
                            content: f.content,
                            contentType: "text/plain; charset=utf-8",
                            serverSideEncryption: "aws:kms",
                            kmsKeyId: base.keyArn,
                        }, {
                            parent: this,
                            dependsOn: args.configBucket.versioning ? [args.configBucket.versioning] : [],
                            // Deleting a versioned object through the provider deletes every version of it: a file
                            // dropped or renamed here stays in the bucket, so earlier task definitions still find it.
                            retainOnDelete: true,
                        });
                        hashEntries.push(pulumi.output(f.content).apply((content) => [id, content] as [string, string]));
                        return pulumi.all([object.key, object.versionId, object.urn]).apply(([key, versionId, urn]) => ({ path: f.path, source: { kind: "object" as const, key, versionId: requireVersionId(key, versionId, urn) } }));
                    }
                    case "secret": {
                        const { secret, version } = storedSecret(`${name}-${slug(id)}`, `${settings.namePrefix}/${serviceName}/${id.replace(/^\/+/, "")}`, f.value, base, this);
                        secretArns.push(secret.arn);
                        hashEntries.push(pulumi.all([version.versionId]).apply(([v]) => [id, `secret:${v}`] as [string, string]));
                        return secretValueFrom({ arn: secret.arn, versionId: version.versionId }, f.readCurrent).apply((valueFrom) => ({ path: f.path, source: { kind: "secret" as const, valueFrom } }));
                    }
                    case "stored":
                        secretArns.push(f.secret.arn);
                        hashEntries.push(pulumi.output(f.secret.versionId).apply((v) => [id, `secret:${v}`] as [string, string]));
                        return secretValueFrom(f.secret, f.readCurrent).apply((valueFrom) => ({ path: f.path, source: { kind: "secret" as const, valueFrom } }));
                    case "download":
                        hashEntries.push([id, `download:${f.urls.join(" ")}`]);
                        return { path: f.path, source: { kind: "download" as const, urls: [...f.urls] } };
                }
            });
            for (const valueFrom of Object.values(c.secrets ?? {})) secretArns.push(pulumi.output(valueFrom).apply(secretArnOf));
            const pulled = args.images.pull(c.image);
            if (pulled.credentialsArn) secretArns.push(pulled.credentialsArn);
            return pulumi.output({
                name: c.name,
                image: pulled.image,
                repositoryCredentials: pulled.credentialsArn,
                user: c.user,
                cpu: cpuUnits(c.limits.cpus),
                memoryMiB: c.limits.memoryMiB,
                essential: c.essential ?? true,
                restart: c.restart,
                entryPoint: c.entryPoint ? [...c.entryPoint] : undefined,
                command: c.command ? [...c.command] : undefined,
                environment: c.environment ?? {},
                secrets: c.secrets ?? {},
                ports: c.ports ? [...c.ports] : undefined,
                healthCheck: c.healthCheck ? [...c.healthCheck] : undefined,
                startPeriodSeconds: c.startPeriodSeconds,
                files,
                stateMounts: c.stateMounts ? c.stateMounts.map((m) => ({ ...m })) : undefined,
                after: c.after ? [...c.after] : undefined,
                volumeMounts: c.volumeMounts ? c.volumeMounts.map((m) => ({ ...m })) : undefined,
            }).apply((p) => p as unknown as ContainerPlan);
        });
        this.configHash = pulumi.all(hashEntries).apply((entries) => configHash(entries));
        const initImage = args.images.pull(AWS_CLI_IMAGE);
        const layout: pulumi.Output<TaskLayout> = pulumi.all([pulumi.all(plans), args.configBucket.name, this.logGroup.name, this.configHash, initImage.image]).apply(([containers, configBucket, logGroup, hash, init]) =>
            taskLayout({ region: base.aws.region, logGroup, configBucket, initImage: init, configHash: hash, containers, sharedVolumes: args.sharedVolumes }));

        const account = accountContext(base.account);
        this.executionRole = new aws.iam.Role(`${name}-execution`, {
            description: `${awsName(settings, serviceName)}: pull images, write logs, read this task's secrets`,
            assumeRolePolicy: account.apply((a) => assumeRolePolicy("ecs-tasks.amazonaws.com", a)),
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-execution`, {
            role: this.executionRole.id,
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
        }, { parent: this });

        this.taskRole = new aws.iam.Role(`${name}-task`, {
            description: `${awsName(settings, serviceName)}: read this service's configuration objects and mount its access points`,
            assumeRolePolicy: account.apply((a) => assumeRolePolicy("ecs-tasks.amazonaws.com", a)),
        }, { parent: this });
        const efs = args.efs;
        new aws.iam.RolePolicy(`${name}-task`, {
            role: this.taskRole.id,
            policy: pulumi.all([args.configBucket.arn, base.keyArn, efs?.fileSystemArn, pulumi.all((efs?.volumes ?? []).map((v) => v.accessPointArn)), pulumi.output(args.taskRoleStatements ?? [])]).apply(([bucketArn, keyArn, fileSystemArn, accessPointArns, statements]) => policyDocument([
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
        }, { parent: this });

        this.taskDefinition = new aws.ecs.TaskDefinition(name, {
            family: awsName(settings, serviceName),
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            cpu: layout.apply((l) => String(l.size.cpu)),
            memory: layout.apply((l) => String(l.size.memory)),
            executionRoleArn: this.executionRole.arn,
            taskRoleArn: this.taskRole.arn,
            containerDefinitions: layout.apply((l) => JSON.stringify(l.containerDefinitions)),
            volumes: pulumi.all([layout, efs?.fileSystemId, pulumi.all((efs?.volumes ?? []).map((v) => v.accessPointId))]).apply(([l, fileSystemId, accessPointIds]) => [
                ...l.configVolumes.map((volumeName) => ({ name: volumeName })),
                ...(efs?.volumes ?? []).map((v, i) => ({
                    name: v.name,
                    efsVolumeConfiguration: { fileSystemId: fileSystemId!, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: accessPointIds[i]!, iam: "ENABLED" } },
                })),
            ]),
        }, { parent: this });

        this.discovery = new aws.servicediscovery.Service(name, {
            name: serviceName,
            dnsConfig: { namespaceId: args.namespaceId, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
            description: `${awsName(settings, serviceName)} tasks`,
        }, { parent: this });

        // Services with state on EFS run one task at a time: two Prometheus servers must never share one TSDB.
        const singleWriter = (efs?.volumes.length ?? 0) > 0;
        this.service = new aws.ecs.Service(name, {
            name: serviceName,
            cluster: args.clusterArn,
            taskDefinition: this.taskDefinition.arn,
            desiredCount: args.desiredCount,
            launchType: "FARGATE",
            platformVersion: "1.4.0",
            networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
            serviceRegistries: { registryArn: this.discovery.arn },
            loadBalancers: args.loadBalancer ? [{ ...args.loadBalancer }] : undefined,
            healthCheckGracePeriodSeconds: args.loadBalancer ? 120 : undefined,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: singleWriter ? 0 : 100,
            deploymentMaximumPercent: singleWriter ? 100 : 200,
            availabilityZoneRebalancing: singleWriter ? "DISABLED" : "ENABLED",
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
            enableExecuteCommand: false,
            // `pulumi up` returns once the tasks run (or fails when they never do, as on a broken first deploy),
            // and deletes what the old revision used only after that.
            waitForSteadyState: true,
        }, { parent: this, ignoreChanges: args.autoscaled ? ["desiredCount"] : [], customTimeouts: { create: "30m", update: "30m" } });

        this.registerOutputs({
            service: this.service,
            taskDefinition: this.taskDefinition,
            discovery: this.discovery,
            logGroup: this.logGroup,
            executionRole: this.executionRole,
            taskRole: this.taskRole,
            configHash: this.configHash,
        });
    }
}
