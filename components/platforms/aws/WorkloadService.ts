import * as pulumi from "@pulumi/pulumi";
import type { PublicEndpoint } from "../../settings/types";
import type { WorkloadDescription } from "../../workloads/description";
import { FargateService } from "./FargateService";
import { AwsServiceArgs, sharedServiceArgs } from "./serviceArgs";

/** The AWS stack's components that run one workload behind the load balancer, each the type token its children's URNs carry. */
export const AWS_WORKLOAD_SERVICES = ["Grafana", "Alertmanager", "Jaeger"] as const;
export type AwsWorkloadService = (typeof AWS_WORKLOAD_SERVICES)[number];

export interface WorkloadServiceArgs extends AwsServiceArgs {
    readonly workload: WorkloadDescription;
    /** The public endpoint whose target group the tasks register with. */
    readonly endpoint: PublicEndpoint;
}

/**
 * One workload as a Fargate service behind the load balancer, with one task: Grafana and Alertmanager keep their
 * state on EFS, where two writers must never share a directory, and Jaeger's in-memory trace store is per process
 * (replicas would scatter the traces). `service-stack:aws:<component>`: the identity every child's URN is built from.
 */
export class WorkloadService extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(component: AwsWorkloadService, name: string, args: WorkloadServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`service-stack:aws:${component}`, name, {}, opts);
        const { workload } = args;
        const port = workload.ports?.[0];
        if (port === undefined) throw new Error(`WorkloadService ${component} \`workload\` serves no port for the load balancer.`);
        this.service = new FargateService(name, {
            ...sharedServiceArgs(args),
            serviceName: workload.name,
            containers: [{ workload }],
            desiredCount: 1,
            loadBalancer: { targetGroupArn: args.targetGroups[args.endpoint].arn, containerName: workload.name, containerPort: port },
        }, { parent: this });
        this.registerOutputs({ service: this.service });
    }
}
