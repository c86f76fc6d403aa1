import * as pulumi from "@pulumi/pulumi";
import type { WorkloadDescription } from "../../workloads/description";
import type { ContainerPlan, TaskFile } from "./containerDefinitions";
import { cpuUnits } from "./fargateSize";

/**
 * The AWS platform's adapter: a workload description becomes a container of a Fargate task (containerDefinitions.ts
 * turns the plans into ECS container definitions and the init container that delivers every file).
 */

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

/** A task volume shared between containers of the task (TaskPlan.sharedVolumes). */
export interface SharedMount {
    readonly volume: string;
    readonly path: string;
    readonly readOnly: boolean;
}

/** A workload as a container of a task: its description, and what only the task decides. */
export interface TaskContainer {
    readonly workload: WorkloadDescription;
    /** Its name in the task. Defaults to the workload's name. */
    readonly name?: string;
    /** False for one-shot containers and restartable sidecars. Defaults to true. */
    readonly essential?: boolean;
    /** ECS restarts the container when it exits (a non-essential sidecar that keeps running). Defaults to false. */
    readonly restart?: boolean;
    /** Containers of the task that must exit successfully first. Defaults to none. */
    readonly after?: readonly string[];
    /** ECS `secrets`: variable -> Secrets Manager ARN (or `arn:key::`). Only for one-shot clients (psql). */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Task volumes beyond the workload's own (a sidecar's output it reads). Defaults to none. */
    readonly volumeMounts?: readonly SharedMount[];
}

/** A container's name in its task. */
export function containerName(c: TaskContainer): string {
    return c.name ?? c.workload.name;
}

/** The volumes the workload keeps state on (EFS access points of the task). */
export function stateMounts(c: TaskContainer): { volume: string; path: string }[] {
    return (c.workload.volumes ?? []).filter((v) => v.owns === "state").map((v) => ({ volume: v.volume, path: v.path }));
}

/** What a Fargate task cannot give a workload: a host to mount, a writable in-memory directory on a read-only root. */
function refuseUnplaceable(c: TaskContainer): void {
    const w = c.workload;
    if ((w.hostMounts ?? []).length > 0) throw new Error(`FargateService container "${containerName(c)}" mounts the host, which Fargate has none of.`);
    if (Object.keys(w.scratch ?? {}).length > 0) throw new Error(`FargateService container "${containerName(c)}" wants in-memory directories, which the platform does not give on Fargate.`);
    if ((w.volumes ?? []).some((v) => v.owns === "memory")) throw new Error(`FargateService container "${containerName(c)}" owns an in-memory volume; on Fargate share a task volume.`);
}

/** The command: the workload's, with its listen address pinned where it leaves it to the default (a task's containers share one network namespace). */
function command(w: WorkloadDescription): string[] | undefined {
    const pinned = w.listenFlag && w.ports?.[0] !== undefined ? [`${w.listenFlag}=:${w.ports[0]}`] : [];
    if (!w.command && pinned.length === 0) return undefined;
    return [...(w.command ?? []), ...pinned];
}

/** The plan of one container, once its files are resolved and its image pulled. */
export function containerPlan(c: TaskContainer, files: pulumi.Output<TaskFile>[], pulled: PulledImage): pulumi.Output<ContainerPlan> {
    refuseUnplaceable(c);
    const w = c.workload;
    return pulumi.output({
        name: containerName(c),
        image: pulled.image,
        repositoryCredentials: pulled.credentialsArn,
        user: w.user,
        cpu: cpuUnits(w.limits.cpus),
        memoryMiB: w.limits.memoryMiB,
        essential: c.essential ?? true,
        restart: c.restart,
        entryPoint: w.entrypoint ? [...w.entrypoint] : undefined,
        command: command(w),
        environment: w.env ?? {},
        secrets: c.secrets ?? {},
        ports: w.ports && w.ports.length > 0 ? [...w.ports] : undefined,
        healthCheck: w.healthcheck ? [...w.healthcheck.test] : undefined,
        startPeriodSeconds: w.healthcheck?.startPeriodSeconds,
        files,
        stateMounts: stateMounts(c).length > 0 ? stateMounts(c) : undefined,
        after: c.after ? [...c.after] : undefined,
        volumeMounts: sharedMounts(c),
    }).apply((p) => p as unknown as ContainerPlan);
}

/** The task volumes a container mounts: the workload's that it does not keep state on, and the task's extras. */
function sharedMounts(c: TaskContainer): SharedMount[] | undefined {
    const own = (c.workload.volumes ?? []).filter((v) => !v.owns).map((v) => ({ volume: v.volume, path: v.path, readOnly: v.readOnly ?? false }));
    const all = [...own, ...(c.volumeMounts ?? [])];
    return all.length > 0 ? all : undefined;
}
