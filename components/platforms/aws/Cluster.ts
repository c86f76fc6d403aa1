import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { JAEGER_PORTS, serviceNamespace } from "../../workloads/catalogue";
import type { StackSettings } from "../../settings/types";
import { AwsBase, awsName } from "./context";

export interface ClusterArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly privateSubnetIds: pulumi.Input<string>[];
}

/** Services whose state lives on EFS, each behind its own access point. */
export const EFS_SERVICES = ["prometheus", "grafana", "alertmanager"] as const;
export type EfsService = (typeof EFS_SERVICES)[number];

/** The ECS cluster's name, e.g. `service-stack-production-cluster`. */
export function clusterName(settings: StackSettings): string {
    return awsName(settings, "cluster");
}

/**
 * Where the services run: the ECS cluster (Fargate, Container Insights), the Cloud Map private DNS namespace the
 * rendered configs address services in, the security group every task shares (service ports open only to itself),
 * and the encrypted EFS file system with one access point per stateful service, owned by that service's user.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly cluster: aws.ecs.Cluster;
    public readonly namespace: aws.servicediscovery.PrivateDnsNamespace;
    public readonly tasksSecurityGroup: aws.ec2.SecurityGroup;
    public readonly fileSystem: aws.efs.FileSystem;
    public readonly accessPoints: Readonly<Record<EfsService, aws.efs.AccessPoint>>;
    public readonly mountTargets: aws.efs.MountTarget[];

    constructor(name: string, base: AwsBase & ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Cluster", name, {}, opts);
        const { settings } = base;

        this.cluster = new aws.ecs.Cluster(name, {
            name: clusterName(settings),
            settings: [{ name: "containerInsights", value: "enhanced" }],
        }, { parent: this });
        this.namespace = new aws.servicediscovery.PrivateDnsNamespace(name, {
            name: serviceNamespace(settings),
            vpc: base.vpcId,
            description: `${settings.namePrefix}: services by name for the rendered configs`,
        }, { parent: this });

        this.tasksSecurityGroup = this.tasksGroup(name, base);
        const storage = this.stateStorage(name, base, this.tasksSecurityGroup.id);
        this.fileSystem = storage.fileSystem;
        this.mountTargets = storage.mountTargets;
        this.accessPoints = { prometheus: this.accessPoint(name, base, "prometheus"), grafana: this.accessPoint(name, base, "grafana"), alertmanager: this.accessPoint(name, base, "alertmanager") };

        this.registerOutputs({
            cluster: this.cluster,
            namespace: this.namespace,
            tasksSecurityGroup: this.tasksSecurityGroup,
            fileSystem: this.fileSystem,
            accessPoints: this.accessPoints,
            mountTargets: this.mountTargets,
        });
    }

    /** The security group every task shares: each service port open to the group itself; out HTTPS, the VPC and SMTP. */
    private tasksGroup(name: string, base: AwsBase & ClusterArgs): aws.ec2.SecurityGroup {
        const { settings, specs } = base;
        const group = new aws.ec2.SecurityGroup(`${name}-tasks`, { vpcId: base.vpcId, description: "ECS tasks of the stack", tags: { Name: awsName(settings, "tasks") } }, { parent: this });
        const tasks = group.id;
        // Service-to-service traffic: every port one service serves another on, from the tasks group only.
        const internalPorts: Record<string, number> = {
            api: specs.api.port,
            prometheus: specs.prometheus.port,
            alertmanager: specs.alertmanager.port,
            grafana: specs.grafana.port,
            "jaeger-ui": JAEGER_PORTS.ui,
            "jaeger-otlp-grpc": JAEGER_PORTS.otlpGrpc,
            "jaeger-otlp-http": JAEGER_PORTS.otlpHttp,
            "jaeger-metrics": JAEGER_PORTS.metrics,
            "postgres-exporter": specs.postgresExporter.port,
            "redis-exporter": specs.redisExporter.port,
            "blackbox-exporter": specs.blackboxExporter.port,
        };
        for (const [what, port] of Object.entries(internalPorts)) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-tasks-${what}`, {
                securityGroupId: tasks,
                referencedSecurityGroupId: tasks,
                description: `${what} from the ECS tasks`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
            }, { parent: this });
        }
        // Out: HTTPS (VPC endpoints, S3 gateway, receivers, trust bundles), SMTP when e-mail alerting is on, and the VPC.
        const smtpPort = settings.alerting.email ? Number(settings.alerting.email.smarthost.split(":")[1]) : undefined;
        const egress: Record<string, aws.vpc.SecurityGroupEgressRuleArgs> = {
            https: { securityGroupId: tasks, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 },
            vpc: { securityGroupId: tasks, cidrIpv4: base.aws.vpcCidr, ipProtocol: "-1" },
            ...(smtpPort ? { smtp: { securityGroupId: tasks, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: smtpPort, toPort: smtpPort } } : {}),
        };
        for (const [what, rule] of Object.entries(egress)) {
            new aws.vpc.SecurityGroupEgressRule(`${name}-tasks-out-${what}`, { ...rule, description: `out: ${what}` }, { parent: this });
        }
        return group;
    }

    /** The encrypted EFS file system (backed up, TLS only) with a mount target per private subnet, NFS from the tasks only. */
    private stateStorage(name: string, base: AwsBase & ClusterArgs, tasks: pulumi.Input<string>): { fileSystem: aws.efs.FileSystem; mountTargets: aws.efs.MountTarget[] } {
        const { settings } = base;
        const fileSystem = new aws.efs.FileSystem(name, {
            encrypted: true,
            kmsKeyId: base.keyArn,
            performanceMode: "generalPurpose",
            throughputMode: "elastic",
            lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
            tags: { Name: awsName(settings, "state") },
        }, { parent: this, protect: settings.protectStateful });
        new aws.efs.BackupPolicy(name, { fileSystemId: fileSystem.id, backupPolicy: { status: "ENABLED" } }, { parent: this });
        const efsGroup = new aws.ec2.SecurityGroup(`${name}-efs`, { vpcId: base.vpcId, description: "EFS mount targets: NFS from the tasks", tags: { Name: awsName(settings, "efs") } }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-efs-nfs`, {
            securityGroupId: efsGroup.id,
            referencedSecurityGroupId: tasks,
            description: "NFS from the ECS tasks",
            ipProtocol: "tcp",
            fromPort: 2049,
            toPort: 2049,
        }, { parent: this });
        const mountTargets = base.privateSubnetIds.map((subnetId, i) => new aws.efs.MountTarget(`${name}-${i}`, {
            fileSystemId: fileSystem.id,
            subnetId,
            securityGroups: [efsGroup.id],
        }, { parent: this }));
        // Deny mounting without TLS: EFS file system policy with the same rule as the buckets'.
        new aws.efs.FileSystemPolicy(name, {
            fileSystemId: fileSystem.id,
            policy: fileSystem.arn.apply((arn) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } }],
            })),
        }, { parent: this });
        return { fileSystem, mountTargets };
    }

    /** A stateful service's access point: every NFS operation through it runs as the service's user, whatever the client claims. */
    private accessPoint(name: string, base: AwsBase, service: EfsService): aws.efs.AccessPoint {
        const [uid, gid] = base.specs[service].user.split(":").map(Number) as [number, number];
        return new aws.efs.AccessPoint(`${name}-${service}`, {
            fileSystemId: this.fileSystem.id,
            posixUser: { uid, gid },
            rootDirectory: { path: `/${service}`, creationInfo: { ownerUid: uid, ownerGid: gid, permissions: "0750" } },
            tags: { Name: awsName(base.settings, service) },
        }, { parent: this });
    }
}
