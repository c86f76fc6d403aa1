import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { GENERATED_SECRETS, GeneratedSecretName, GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import type { StackSecrets, StackSettings } from "../../settings/types";
import type { IssuedCertificate } from "../../tls/InternalCa";
import { imageFileCapabilities } from "../../workloads/catalogue";
import type { FileSource, VolumeMount, WorkloadDescription, WorkloadFile } from "../../workloads/description";
import { ContainerFile, NetworkAttachment, stackLabels, workloadContainer, WorkloadContainerSpec } from "./containerBaseline";
import { hostName, pulledImage, stateVolume } from "./context";

/**
 * The Docker platform's adapter: a workload description becomes a pinned image, the volumes the workload owns, and
 * its hardened container with its files delivered by a never-started carrier (containerBaseline.ts, fileDelivery.ts).
 */

/** What the Docker stack gives every workload: its settings, networks, secrets, certificates and named volumes. */
export interface DockerPlatform {
    /** The stack component's name: resource names of the stack's volumes start with it. */
    readonly stackName: string;
    readonly settings: StackSettings;
    readonly caCertPem: pulumi.Output<string>;
    readonly certificates: Readonly<Record<string, IssuedCertificate>>;
    readonly generated: GeneratedSecrets;
    readonly configSecrets: StackSecrets;
    /** The stack's named volumes by their name (`postgres-data`), as the workloads that own them create them. */
    readonly volumes: Map<string, docker.Volume>;
}

/** Where a workload's container sits on the host: its networks and names there, and the ports the host publishes. */
export interface DockerPlacement {
    readonly networks: readonly NetworkAttachment[];
    readonly ports?: WorkloadContainerSpec["ports"];
}

/** A file's content and whether it is a secret (its user's, 0400) or configuration (root's, 0444). */
function containerFile(platform: DockerPlatform, description: WorkloadDescription, path: string, source: FileSource): ContainerFile {
    switch (source.kind) {
        case "config":
            return { path, content: source.content, secret: false };
        case "secret":
            return { path, content: source.content, secret: true };
        case "shared": {
            const generated = (GENERATED_SECRETS as readonly string[]).includes(source.secret);
            const content = generated ? platform.generated[source.secret as GeneratedSecretName].result : platform.configSecrets[source.secret as keyof StackSecrets];
            if (!content) throw new Error(`Docker workload "${description.name}": ${path} holds \`${source.secret}\`, which the stack has no value for.`);
            return { path, content, secret: true };
        }
        case "tls": {
            if (source.part === "ca") return { path, content: platform.caCertPem, secret: false };
            const material = description.certificate ? platform.certificates[description.certificate] : undefined;
            if (!material) throw new Error(`Docker workload "${description.name}": ${path} is a TLS ${source.part}, but it has no certificate.`);
            return source.part === "key" ? { path, content: material.privateKeyPem, secret: true } : { path, content: material.certPem, secret: false };
        }
        case "download":
            throw new Error(`Docker workload "${description.name}": ${path} is downloaded at start, which the Docker platform does not do; deliver its content.`);
    }
}

/** The files of a description as the carrier uploads them. */
export function containerFiles(platform: DockerPlatform, description: WorkloadDescription): ContainerFile[] {
    return description.files.map((f: WorkloadFile) => containerFile(platform, description, f.path, f.source));
}

/** A volume the workload owns: state (protected where the stack says so), or in-memory files owned by its user. */
function ownedVolume(platform: DockerPlatform, description: WorkloadDescription, mount: VolumeMount, parent: pulumi.Resource): docker.Volume {
    const { settings } = platform;
    const name = `${platform.stackName}-${mount.volume}`;
    if (mount.owns === "state") return stateVolume(name, hostName(settings, mount.volume), settings, parent);
    const [uid, gid] = description.user.split(":");
    return new docker.Volume(name, {
        name: hostName(settings, mount.volume),
        driver: "local",
        // tmpfs owned by the workload's user: a named volume on a path the image lacks would be root's.
        driverOpts: { type: "tmpfs", device: "tmpfs", o: `size=1m,uid=${uid},gid=${gid},mode=0755` },
        labels: [...stackLabels(settings.stack), { label: "com.service-stack.stateful", value: "false" }],
    }, { parent });
}

/** The volumes of a description: those it owns are created (children of `parent`), the others looked up. */
function volumesOf(platform: DockerPlatform, description: WorkloadDescription, parent: pulumi.Resource): WorkloadContainerSpec["volumes"] {
    return (description.volumes ?? []).map((mount) => {
        if (mount.owns) platform.volumes.set(mount.volume, ownedVolume(platform, description, mount, parent));
        const volume = platform.volumes.get(mount.volume);
        if (!volume) throw new Error(`Docker workload "${description.name}" mounts the volume \`${mount.volume}\`, which no workload before it owns.`);
        return { volume, path: mount.path, ...(mount.readOnly ? { readOnly: true } : {}) };
    });
}

/**
 * One workload on the Docker host: its image (`<name>-image`), the volumes it owns, and its container `<name>` with
 * the baseline. Children of `opts.parent`; `opts` (e.g. `dependsOn`) apply to the container.
 */
export function dockerWorkload(
    name: string,
    description: WorkloadDescription,
    platform: DockerPlatform,
    placement: DockerPlacement,
    opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): docker.Container {
    const { settings } = platform;
    if (!description.healthcheck) throw new Error(`Docker workload "${description.name}" has no healthcheck: every container of the Docker baseline has one.`);
    const volumes = volumesOf(platform, description, opts.parent);
    return workloadContainer(name, {
        name: hostName(settings, description.name),
        stack: settings.stack,
        image: pulledImage(name, description.image, opts.parent).imageId,
        user: description.user,
        limits: description.limits,
        networks: placement.networks,
        command: description.command,
        entrypoint: description.entrypoint,
        env: description.env,
        files: containerFiles(platform, description),
        volumes,
        hostMounts: description.hostMounts,
        tmpfs: description.scratch,
        capabilities: imageFileCapabilities(description.image),
        ports: placement.ports,
        healthcheck: description.healthcheck.test,
        startPeriod: `${description.healthcheck.startPeriodSeconds}s`,
        stopSignal: description.stop?.signal,
        stopGraceSeconds: description.stop?.graceSeconds,
    }, opts);
}
