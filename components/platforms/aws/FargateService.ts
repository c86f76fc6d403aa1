import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsBase } from "./context";
import { awsName } from "./context";
import { EfsVolumes, FargateTaskDefinition } from "./FargateTaskDefinition";
import type { PolicyStatement } from "./iamDocuments";
import { ImageResolver, stateMounts, TaskContainer } from "./taskContainers";
import type { TaskFileSources } from "./taskFiles";

/** Where the stack's services run: the cluster, the namespace, the private subnets and the tasks' security group. */
export interface ServicePlacement {
    readonly clusterArn: pulumi.Input<string>;
    readonly namespaceId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupIds: pulumi.Input<string>[];
}

export interface FargateServiceArgs extends ServicePlacement {
    readonly base: AwsBase;
    /** Short name: Cloud Map service name, log group and task family suffix, config bucket prefix. */
    readonly serviceName: string;
    readonly containers: readonly TaskContainer[];
    /** Where the containers' files come from (config bucket, shared credentials, internal CA). */
    readonly files: TaskFileSources;
    /** Resolves each container's configured image to the one tasks pull (through the ECR cache, with credentials). */
    readonly images: ImageResolver;
    /** The stack's EFS access points by volume name; the task mounts those its containers keep state on. Defaults to none. */
    readonly efs?: { readonly fileSystemId: pulumi.Input<string>; readonly fileSystemArn: pulumi.Input<string>; readonly accessPoints: Readonly<Record<string, aws.efs.AccessPoint>> };
    /** Tasks to run. */
    readonly desiredCount: number;
    /** Registers the tasks with a load balancer target group. Defaults to none. */
    readonly loadBalancer?: { readonly targetGroupArn: pulumi.Input<string>; readonly containerName: string; readonly containerPort: number };
    /** Leave `desiredCount` to an autoscaler after creation. Defaults to false. */
    readonly autoscaled?: boolean;
    /** Task volumes one container writes and others read, each given to its writer's `owner`. Defaults to none. */
    readonly sharedVolumes?: readonly { readonly name: string; readonly owner: string }[];
    /** Further statements of the task role (what the task's own processes call). Defaults to none. */
    readonly taskRoleStatements?: pulumi.Input<readonly PolicyStatement[]>;
}

/** The EFS volumes of a task: an access point for each volume its containers keep state on. */
function efsVolumes(args: FargateServiceArgs): EfsVolumes | undefined {
    const names = [...new Set(args.containers.flatMap((c) => stateMounts(c).map((m) => m.volume)))];
    if (names.length === 0 || !args.efs) return undefined;
    const { efs } = args;
    return {
        fileSystemId: efs.fileSystemId,
        fileSystemArn: efs.fileSystemArn,
        volumes: names.filter((n) => efs.accessPoints[n]).map((n) => ({ name: n, accessPointId: efs.accessPoints[n]!.id, accessPointArn: efs.accessPoints[n]!.arn })),
    };
}

/**
 * One ECS service on Fargate, generic over what it runs: its task definition (FargateTaskDefinition), its Cloud Map
 * name, and the service in the private subnets without public IPs, rolling back a failed deployment.
 */
export class FargateService extends pulumi.ComponentResource {
    public readonly service: aws.ecs.Service;
    public readonly task: FargateTaskDefinition;
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly discovery: aws.servicediscovery.Service;

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:FargateService", name, {}, opts);
        const { base, serviceName } = args;
        const { settings } = base;
        if (!(Number.isInteger(args.desiredCount) && args.desiredCount >= 0)) throw new Error(`FargateService \`desiredCount\` is ${args.desiredCount}: expected a whole number.`);
        const efs = efsVolumes(args);
        this.task = new FargateTaskDefinition(name, {
            base,
            serviceName,
            containers: args.containers,
            files: args.files,
            images: args.images,
            efs,
            sharedVolumes: args.sharedVolumes,
            taskRoleStatements: args.taskRoleStatements,
        }, { parent: this });
        this.taskDefinition = this.task.taskDefinition;

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

        this.registerOutputs({ service: this.service, task: this.task, taskDefinition: this.taskDefinition, discovery: this.discovery });
    }
}
