import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import { PublishedOutputs, publishedOutputs } from "../../stackOutputs";
import { PUBLIC_ENDPOINTS, StackSecrets, StackSettings, WORKLOADS, WorkloadName } from "../../settings/types";
import type { InternalCa } from "../../tls/InternalCa";
import { stackCa } from "../../tls/stackCa";
import { isServing, WorkloadSpecs, workloadSpecs } from "../../workloads/catalogue";
import type { WorkloadContext, WorkloadDescription } from "../../workloads/description";
import { describeWorkloads } from "../../workloads/index";
import { hostName } from "./context";
import type { DockerPlatform } from "./dockerWorkload";
import { dockerDataTier, DockerNetwork, GROUPS, NETWORKS, publishedPorts } from "./layout";
import { GroupMember, WorkloadGroup } from "./WorkloadGroup";

export interface DockerStackArgs {
    readonly settings: StackSettings;
    readonly secrets: StackSecrets;
}

/** The internal CA with a certificate for every serving workload by its alias; the edge's also for the public names. */
function internalCa(name: string, settings: StackSettings, specs: WorkloadSpecs, parent: pulumi.Resource): InternalCa {
    const servers: Record<string, string[]> = {};
    for (const workload of WORKLOADS) if (isServing(workload)) servers[workload] = [specs[workload].alias];
    servers.edge = [...PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]), specs.edge.alias];
    return stackCa(name, settings, servers, parent);
}

/**
 * The whole stack on one Docker host: two networks, generated secrets, the internal CA, and every workload's
 * description realised by the Docker adapter, grouped into the stack's components (layout.ts); DNS records when a
 * zone is set.
 */
export class DockerStack extends pulumi.ComponentResource {
    public readonly published: PublishedOutputs;
    /** Every named volume holding state; protected in production. */
    public readonly statefulVolumes: readonly docker.Volume[];
    /** The stack's components, by their name in layout.ts (`postgres`, `metrics`, …). */
    public readonly groups: Readonly<Record<string, WorkloadGroup>>;

    constructor(name: string, args: DockerStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Stack", name, {}, opts);
        const { settings } = args;
        if (settings.platform !== "docker") {
            throw new Error(`DockerStack \`settings.platform\` is "${settings.platform}": expected "docker".`);
        }
        const specs = workloadSpecs(settings);
        const labels = [{ label: "com.service-stack.stack", value: settings.stack }];
        const networks: Record<DockerNetwork, docker.Network> = {
            // No route out: the data tier talks only to the services beside it.
            data: new docker.Network(`${name}-data`, { name: hostName(settings, "data"), internal: true, driver: "bridge", labels }, { parent: this }),
            edge: new docker.Network(`${name}-edge`, { name: hostName(settings, "edge"), driver: "bridge", labels }, { parent: this }),
        };
        const generated = new GeneratedSecrets(`${name}-secrets`, { length: settings.passwordLength }, { parent: this });
        const ca = internalCa(name, settings, specs, this);

        const context: WorkloadContext = { settings, specs, generated, configSecrets: args.secrets, data: dockerDataTier(specs), selfHost: (spec) => spec.alias };
        const descriptions = describeWorkloads(context, WORKLOADS);
        const platform: DockerPlatform = { stackName: name, settings, caCertPem: ca.caCertPem, certificates: ca.certificates, generated, configSecrets: args.secrets, volumes: new Map() };
        this.groups = this.declareGroups(name, descriptions, platform, networks);
        this.statefulVolumes = Object.values(descriptions).flatMap((d) => (d?.volumes ?? []).filter((v) => v.owns === "state").map((v) => platform.volumes.get(v.volume)!));

        if (settings.dns) {
            // Loaded here, not at the top: it brings in @pulumi/aws (~0.3 s), which stacks without a DNS zone never use.
            const { DnsRecords } = require("./DnsRecords") as typeof import("./DnsRecords");
            new DnsRecords(`${name}-dns`, { dns: settings.dns, hostnames: PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]) }, { parent: this });
        }

        this.published = publishedOutputs(settings, specs, generated, ca.caCertPem, { postgresHost: specs.postgres.alias, redisHost: specs.redis.alias });
        this.registerOutputs({ ...this.published, statefulVolumes: this.statefulVolumes, groups: this.groups });
    }

    /** The components of layout.ts in order, each with the members the stack describes (the off-host copy only when configured). */
    private declareGroups(
        name: string,
        descriptions: Readonly<Partial<Record<WorkloadName, WorkloadDescription>>>,
        platform: DockerPlatform,
        networks: Readonly<Record<DockerNetwork, docker.Network>>,
    ): Record<string, WorkloadGroup> {
        const groups: Record<string, WorkloadGroup> = {};
        for (const layout of GROUPS) {
            const members: GroupMember[] = layout.members.flatMap(({ workload, suffix, after }) => {
                const description = descriptions[workload];
                if (!description) return [];
                const aliases = workload === "edge"
                    // The public hostnames are aliases too, so probes from inside the stack reach the edge by those names.
                    ? [description.name, ...PUBLIC_ENDPOINTS.map((e) => platform.settings.hostnames[e])]
                    : [description.name];
                const placement = { networks: NETWORKS[workload].map((n) => ({ network: networks[n], aliases })), ports: publishedPorts(workload, platform.settings) };
                return [{ description, placement, suffix, after }];
            });
            const dependsOn = (layout.dependsOn ?? []).map((g) => groups[g]!);
            groups[layout.name] = new WorkloadGroup(layout.group, `${name}-${layout.name}`, { platform, members }, { parent: this, dependsOn });
        }
        return groups;
    }
}
