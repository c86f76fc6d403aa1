import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import type { WorkloadSpecs } from "../../workloads/catalogue";
import type { StackSecrets, StackSettings } from "../../settings/types";
import type { IssuedCertificate } from "../../tls/InternalCa";

/** The two networks: the data tier has no route out; the edge network reaches the internet and the proxy. */
export interface StackNetworks {
    readonly data: docker.Network;
    readonly edge: docker.Network;
}

/** What every service component needs from the stack; passed whole so components stay uniform. */
export interface DockerServiceArgs {
    readonly settings: StackSettings;
    readonly specs: WorkloadSpecs;
    readonly networks: StackNetworks;
    readonly caCertPem: pulumi.Output<string>;
    readonly certificates: Readonly<Record<string, IssuedCertificate>>;
    readonly generated: GeneratedSecrets;
    readonly configSecrets: StackSecrets;
}

/** Pulls a pinned image; `keepLocally` so a destroy does not delete images other stacks on the host use. */
export function pulledImage(name: string, reference: string, parent: pulumi.Resource): docker.RemoteImage {
    return new docker.RemoteImage(`${name}-image`, { name: reference, keepLocally: true }, { parent });
}

/** A named volume for a workload's state, protected from deletion where the stack says so. */
export function stateVolume(name: string, hostName: string, settings: StackSettings, parent: pulumi.Resource): docker.Volume {
    return new docker.Volume(name, {
        name: hostName,
        labels: [
            { label: "com.service-stack.stack", value: settings.stack },
            { label: "com.service-stack.stateful", value: "true" },
        ],
    }, { parent, protect: settings.protectStateful });
}

/** Host-level name of a workload's container or volume: `<project>-<stack>-<alias>`. */
export function hostName(settings: StackSettings, alias: string, suffix?: string): string {
    return [settings.namePrefix, alias, suffix].filter(Boolean).join("-");
}
