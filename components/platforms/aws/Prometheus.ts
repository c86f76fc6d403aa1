import * as pulumi from "@pulumi/pulumi";
import { API_TARGETS_FILE } from "../../render/prometheus";
import { serviceNamespace } from "../../workloads/catalogue";
import { blackboxExporterWorkload } from "../../workloads/blackboxExporter";
import { postgresExporterWorkload } from "../../workloads/postgresExporter";
import { prometheusWorkload } from "../../workloads/prometheus";
import { redisExporterWorkload } from "../../workloads/redisExporter";
import { AWS_CLI_IMAGE } from "./context";
import { renderDiscoveryScript } from "./discoveryScript";
import { FargateService } from "./FargateService";
import type { PolicyStatement } from "./iamDocuments";
import { AwsServiceArgs, sharedServiceArgs } from "./serviceArgs";
import type { TaskContainer } from "./taskContainers";

/** The task volume the discovery sidecar writes the API's targets into and Prometheus reads them from. */
const API_TARGETS_VOLUME = "api-targets";
const API_TARGETS_DIR = API_TARGETS_FILE.slice(0, API_TARGETS_FILE.lastIndexOf("/"));
/** How often the sidecar asks Cloud Map for the API's tasks (autoscaling adds one within a minute or so). */
const API_DISCOVERY_INTERVAL_SECONDS = 30;
/** The AWS CLI in a loop: a sixteenth of a vCPU and 128 MiB. */
const API_DISCOVERY_LIMITS = { cpus: 0.0625, memoryMiB: 128 };

/**
 * The sidecar that lists every API task for Prometheus: the AWS CLI asks Cloud Map's API (DiscoverInstances, up to
 * 1000 instances) and writes the addresses as a file_sd file. Not essential (Prometheus keeps the last targets when
 * it is down) but restarted by ECS when it exits; runs as Prometheus's user, which owns the shared volume.
 */
function apiDiscovery(args: AwsServiceArgs): { container: TaskContainer; taskRoleStatements: PolicyStatement[] } {
    const { settings, specs } = args.workloads;
    const namespace = serviceNamespace(settings);
    return {
        container: {
            workload: {
                name: "api-discovery",
                image: AWS_CLI_IMAGE,
                user: specs.prometheus.user,
                limits: API_DISCOVERY_LIMITS,
                entrypoint: ["/bin/sh", "-c"],
                command: [renderDiscoveryScript({ namespace, service: "api", port: specs.api.port, file: API_TARGETS_FILE, intervalSeconds: API_DISCOVERY_INTERVAL_SECONDS })],
                env: { AWS_REGION: args.base.aws.region },
                files: [],
            },
            essential: false,
            restart: true,
            volumeMounts: [{ volume: API_TARGETS_VOLUME, path: API_TARGETS_DIR, readOnly: false }],
        },
        taskRoleStatements: [{
            Sid: "DiscoverApiTasks",
            Effect: "Allow",
            Action: "servicediscovery:DiscoverInstances",
            Resource: "*",
            Condition: { StringEquals: { "servicediscovery:NamespaceName": namespace, "servicediscovery:ServiceName": "api" } },
        }],
    };
}

/**
 * Prometheus on Fargate with its TSDB on EFS, and the exporters as sidecars of its task (reached by the task's
 * name): postgres_exporter and redis_exporter against RDS and ElastiCache over verified TLS, blackbox_exporter
 * probing the public endpoints through the load balancer; each every task of the API as a target of its own, from the
 * discovery sidecar. The same descriptions as on Docker; the healthchecks reach each container over loopback.
 */
export class Prometheus extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Prometheus", name, {}, opts);
        const prometheus = prometheusWorkload(args.workloads);
        const discovery = apiDiscovery(args);
        this.service = new FargateService(name, {
            ...sharedServiceArgs(args),
            serviceName: prometheus.name,
            containers: [
                { workload: prometheus, volumeMounts: [{ volume: API_TARGETS_VOLUME, path: API_TARGETS_DIR, readOnly: true }] },
                { workload: postgresExporterWorkload(args.workloads) },
                { workload: redisExporterWorkload(args.workloads) },
                { workload: blackboxExporterWorkload(args.workloads) },
                discovery.container,
            ],
            sharedVolumes: [{ name: API_TARGETS_VOLUME, owner: prometheus.user }],
            taskRoleStatements: discovery.taskRoleStatements,
            desiredCount: 1,
            loadBalancer: { targetGroupArn: args.targetGroups.prometheus.arn, containerName: prometheus.name, containerPort: args.workloads.specs.prometheus.port },
        }, { parent: this });
        this.registerOutputs({ service: this.service });
    }
}
