import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadDescription } from "../../workloads/description";
import { DockerPlacement, DockerPlatform, dockerWorkload } from "./dockerWorkload";

/** The Docker stack's components, each the type token its children's URNs in the state have always carried. */
export const DOCKER_GROUPS = ["Postgres", "Redis", "Api", "Prometheus", "Grafana", "Alertmanager", "Jaeger", "Edge", "MetricSources", "Backup"] as const;
export type DockerGroup = (typeof DOCKER_GROUPS)[number];

/** One workload of a group: its description and placement, its resources' name suffix, the member it starts after. */
export interface GroupMember {
    readonly description: WorkloadDescription;
    readonly placement: DockerPlacement;
    /** Resources are named `<group name>-<suffix>`, or the group's name for its main workload. */
    readonly suffix?: string;
    /** The suffix ("" for the main workload) of the member whose container must exist first. */
    readonly after?: string;
}

export interface WorkloadGroupArgs {
    readonly platform: DockerPlatform;
    readonly members: readonly GroupMember[];
}

/**
 * A component of the Docker stack holding one or more workloads (PostgreSQL with its exporter, the three metric
 * sources, the backup job with its off-host copy), each realised by the Docker adapter (dockerWorkload.ts) as its
 * children. `service-stack:docker:<group>` with the group's name: the identity every child's URN is built from.
 */
export class WorkloadGroup extends pulumi.ComponentResource {
    /** Each member's container, by its suffix ("" for the main workload). */
    public readonly containers: Readonly<Record<string, docker.Container>>;
    /** The volumes the members own, by their stack name (`postgres-data`). */
    public readonly volumes: Readonly<Record<string, docker.Volume>>;

    constructor(group: DockerGroup, name: string, args: WorkloadGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`service-stack:docker:${group}`, name, {}, opts);
        if (args.members.length === 0) throw new Error(`WorkloadGroup ${group} \`members\` is empty: expected at least one workload.`);
        const before = new Set(args.platform.volumes.keys());
        const containers: Record<string, docker.Container> = {};
        for (const member of args.members) {
            const suffix = member.suffix ?? "";
            const after = member.after === undefined ? undefined : containers[member.after];
            if (member.after !== undefined && !after) throw new Error(`WorkloadGroup ${group}: "${suffix}" starts after "${member.after}", which is not a member before it.`);
            containers[suffix] = dockerWorkload(suffix ? `${name}-${suffix}` : name, member.description, args.platform, member.placement, { parent: this, ...(after ? { dependsOn: [after] } : {}) });
        }
        this.containers = containers;
        this.volumes = Object.fromEntries([...args.platform.volumes].filter(([volume]) => !before.has(volume)));
        this.registerOutputs({ containers: this.containers, volumes: this.volumes });
    }
}
