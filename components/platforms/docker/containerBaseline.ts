import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceLimits } from "../../settings/types";
import { ContainerFile, deliverFiles, DeliveredFiles, FILES_REVISION_LABEL } from "./fileDelivery";

export type { ContainerFile } from "./fileDelivery";

export interface NetworkAttachment {
    readonly network: docker.Network;
    readonly aliases: readonly string[];
}

/** Everything that differs between workload containers; the hardening is the same for all. */
export interface WorkloadContainerSpec {
    /** Container name on the host, e.g. `service-stack-dev-postgres`. */
    readonly name: string;
    /** The stack's name, labelled on everything the container needs. */
    readonly stack: string;
    readonly image: pulumi.Input<string>;
    /** Numeric `uid:gid` the process runs as. */
    readonly user: string;
    readonly limits: ResourceLimits;
    readonly networks: readonly NetworkAttachment[];
    /** Healthcheck test in Docker's form (`["CMD", …]` or `["CMD-SHELL", "…"]`). */
    readonly healthcheck: readonly string[];
    /** Time the process gets to start before failed checks count. */
    readonly startPeriod: string;
    readonly files: readonly ContainerFile[];
    readonly command?: readonly string[];
    /** Replaces the image's entrypoint (the AWS CLI's image starts `aws`; the off-host copy is a bash loop). */
    readonly entrypoint?: readonly string[];
    /** Plain, non-secret environment, in order. Credentials are files (`*_FILE`). */
    readonly env?: pulumi.Input<Readonly<Record<string, pulumi.Input<string>>>>;
    /** Named volumes; `readOnly` for a volume another container writes (node_exporter's textfile directory). */
    readonly volumes?: readonly { readonly volume: docker.Volume; readonly path: string; readonly readOnly?: boolean }[];
    /** Read-only host mounts, each an explicit policy exemption (node_exporter, cAdvisor). */
    readonly hostMounts?: readonly { readonly hostPath: string; readonly path: string }[];
    /** Writable scratch space on a read-only root filesystem: path -> tmpfs options. */
    readonly tmpfs?: Readonly<Record<string, string>>;
    /** Capabilities added back after dropping all of them. */
    readonly capabilities?: readonly string[];
    readonly ports?: readonly { readonly internal: number; readonly external: number; readonly ip: string }[];
    /**
     * Seconds a stop (a replacement by `pulumi up`, `docker stop`, a daemon restart) waits for a clean exit before
     * SIGKILL; the default, 30, covers every service but the data tier, which gets longer.
     */
    readonly stopGraceSeconds?: number;
    /** The signal that stops the process cleanly, when it is not the image's own. */
    readonly stopSignal?: string;
    /** False only where an image cannot run on a read-only root filesystem. */
    readonly readOnlyRootFilesystem?: boolean;
}

/** Seconds a container gets to stop cleanly unless its spec says otherwise. */
export const DEFAULT_STOP_GRACE_SECONDS = 30;

/** The log rotation every container gets: json-file, 10 MB × 3. */
export const LOG_OPTIONS = { "max-size": "10m", "max-file": "3" } as const;

/** An environment as Docker's `NAME=value` list: plain when every value is, resolved later otherwise. */
function envList(env: WorkloadContainerSpec["env"]): pulumi.Input<string[]> {
    const entries = (values: Readonly<Record<string, unknown>>) => Object.entries(values).map(([k, v]) => `${k}=${String(v)}`);
    if (env === undefined) return [];
    if (!pulumi.Output.isInstance(env) && !(env instanceof Promise) && Object.values(env).every((v) => typeof v === "string")) return entries(env);
    return pulumi.output(env).apply(entries);
}

/** The label every container and volume of a stack carries. */
export function stackLabels(stack: string): { label: string; value: string }[] {
    return [{ label: "com.service-stack.stack", value: stack }];
}

/**
 * Docker container arguments with the security and operations baseline applied: pinned image, all capabilities
 * dropped, no privilege escalation, read-only root, non-root user, memory limit, CPU shares, healthcheck,
 * bounded restart policy, log rotation. Its files arrive on read-only volumes (see fileDelivery.ts).
 */
export function hardenedContainerArgs(spec: WorkloadContainerSpec, files?: DeliveredFiles): docker.ContainerArgs {
    return {
        name: spec.name,
        image: spec.image,
        user: spec.user,
        command: spec.command ? [...spec.command] : undefined,
        ...(spec.entrypoint ? { entrypoints: [...spec.entrypoint] } : {}),
        envs: envList(spec.env),
        memory: spec.limits.memoryMiB,
        memorySwap: spec.limits.memoryMiB,
        cpuShares: Math.round(spec.limits.cpus * 1024),
        restart: "unless-stopped",
        mustRun: true,
        // Without a grace period the provider's delete force-removes the container: SIGKILL, so a replaced Redis
        // loses its last second of writes and PostgreSQL needs crash recovery.
        destroyGraceSeconds: spec.stopGraceSeconds ?? DEFAULT_STOP_GRACE_SECONDS,
        stopTimeout: spec.stopGraceSeconds ?? DEFAULT_STOP_GRACE_SECONDS,
        stopSignal: spec.stopSignal,
        privileged: false,
        readOnly: spec.readOnlyRootFilesystem ?? true,
        capabilities: { drops: ["ALL"], adds: spec.capabilities ? [...spec.capabilities] : [] },
        securityOpts: ["no-new-privileges:true"],
        logDriver: "json-file",
        logOpts: { ...LOG_OPTIONS },
        healthcheck: {
            tests: [...spec.healthcheck],
            interval: "15s",
            timeout: "5s",
            retries: 5,
            startPeriod: spec.startPeriod,
        },
        networksAdvanced: spec.networks.map((n) => ({ name: n.network.name, aliases: [...n.aliases] })),
        volumes: [
            ...(spec.volumes ?? []).map((v) => ({ volumeName: v.volume.name, containerPath: v.path, ...(v.readOnly ? { readOnly: true } : {}) })),
            ...(spec.hostMounts ?? []).map((m) => ({ hostPath: m.hostPath, containerPath: m.path, readOnly: true })),
        ],
        mounts: files?.mounts,
        tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m", ...(spec.tmpfs ?? {}) },
        ports: spec.ports?.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: "tcp" })),
        labels: [
            ...stackLabels(spec.stack),
            // The carrier's ID changes whenever its files do: the container is then re-created and reads them at start.
            ...(files ? [{ label: FILES_REVISION_LABEL, value: files.carrier.id }] : []),
        ],
    };
}

/**
 * One workload container with the baseline, and its files delivered on read-only volumes through a never-started
 * carrier container (fileDelivery.ts). Children of `opts.parent`; `opts` (e.g. `dependsOn`) apply to the workload.
 */
export function workloadContainer(name: string, spec: WorkloadContainerSpec, opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource }): docker.Container {
    const files = deliverFiles(name, { consumer: spec.name, image: spec.image, user: spec.user, files: spec.files, labels: stackLabels(spec.stack) }, opts.parent);
    return new docker.Container(name, hardenedContainerArgs(spec, files), opts);
}
