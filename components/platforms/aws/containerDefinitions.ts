import { fargateSize, FargateSize } from "./fargateSize";
import { EcsContainerDefinition, environmentList, logConfiguration } from "./ecsContainer";
import { INIT_CONTAINER, initContainer } from "./initContainer";

export type { EcsContainerDefinition } from "./ecsContainer";

/** Where a container's file comes from, before the init container's environment names are assigned. */
export type TaskFileSource =
    | { readonly kind: "object"; readonly key: string; readonly versionId: string }
    /** Secrets Manager ARN (optionally `arn:json-key::` for one key of a JSON secret). */
    | { readonly kind: "secret"; readonly valueFrom: string }
    | { readonly kind: "download"; readonly urls: readonly string[] };

/** A file a container reads at a catalogue path. */
export interface TaskFile {
    readonly path: string;
    readonly source: TaskFileSource;
}

/** One container of a task, with resolved (plain) values. */
export interface ContainerPlan {
    readonly name: string;
    readonly image: string;
    /** Secrets Manager ARN of the registry credentials (`{"username","password"}`) for a private, non-ECR registry. */
    readonly repositoryCredentials?: string;
    /** Numeric non-root `uid[:gid]`; the init container hands this container's secret files to this user. */
    readonly user: string;
    /** CPU units (1024 = one vCPU) reserved while it runs; one-shot containers (`essential: false`) reserve none. */
    readonly cpu: number;
    /** Hard memory limit in MiB. */
    readonly memoryMiB: number;
    /** False for one-shot containers (database role set-up) and restartable sidecars. Defaults to true. */
    readonly essential?: boolean;
    /** Overrides the image's entry point. */
    readonly entryPoint?: readonly string[];
    /** ECS restarts the container when it exits (a non-essential sidecar that keeps running); it reserves CPU. */
    readonly restart?: boolean;
    /** Task volumes shared with other containers of the task (`TaskPlan.sharedVolumes`). */
    readonly volumeMounts?: readonly { readonly volume: string; readonly path: string; readonly readOnly: boolean }[];
    readonly command?: readonly string[];
    /** Plain, non-secret environment. */
    readonly environment?: Readonly<Record<string, string>>;
    /** Environment from Secrets Manager (ECS `secrets`): name -> valueFrom. Only for one-shot clients such as psql. */
    readonly secrets?: Readonly<Record<string, string>>;
    readonly ports?: readonly number[];
    /** Healthcheck in Docker's form (`["CMD", ...]`). */
    readonly healthCheck?: readonly string[];
    readonly startPeriodSeconds?: number;
    readonly files: readonly TaskFile[];
    /** Persistent volumes (EFS) mounted read-write. */
    readonly stateMounts?: readonly { readonly volume: string; readonly path: string }[];
    /** Containers of the task that must exit successfully before this one starts. */
    readonly after?: readonly string[];
}

/** A task's containers plus what they share. */
export interface TaskPlan {
    readonly region: string;
    readonly logGroup: string;
    /** Name of the config bucket the init container reads from. */
    readonly configBucket: string;
    /** Image of the init container (the AWS CLI, pinned). */
    readonly initImage: string;
    /** Content hash of the task's configuration and secret versions; set as `CONFIG_SHA256` on the init container. */
    readonly configHash: string;
    readonly containers: readonly ContainerPlan[];
    /** Task volumes one container writes and others read; the init container gives each to its writer's user. */
    readonly sharedVolumes?: readonly { readonly name: string; readonly owner: string }[];
}

/** A directory a container reads files from, and the task-local volume mounted there. */
export interface ConfigVolume {
    readonly root: string;
    readonly volume: string;
}

export interface TaskLayout {
    readonly containerDefinitions: EcsContainerDefinition[];
    /** Task-local (bind) volumes the init container fills: one per directory a container reads files from. */
    readonly configVolumes: string[];
    readonly size: FargateSize;
}

/** A restarted container must run this long before ECS counts the next exit as a new failure (ECS's minimum is 60). */
const RESTART_ATTEMPT_PERIOD_SECONDS = 60;

function dirname(path: string): string {
    return path.slice(0, path.lastIndexOf("/")) || "/";
}

/**
 * The directories a container's files are mounted at: the directory of each file, collapsed to the topmost one
 * (a file's directory inside another file's directory is covered by it). Mounting only directories we write files
 * into keeps what the image ships elsewhere (e.g. /etc/grafana/grafana.ini) visible.
 */
export function mountRoots(paths: readonly string[]): string[] {
    const dirs = [...new Set(paths.map(dirname))].sort();
    return dirs.filter((d) => !dirs.some((other) => other !== d && d.startsWith(`${other}/`)));
}

/** A volume's name: the container's name and the directory, e.g. `prometheus-etc-prometheus`. */
export function volumeName(container: string, root: string): string {
    return `${container}-${root.replace(/^\/+/, "").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}`;
}

/**
 * The container definitions of a Fargate task: each container plus one init container (the AWS CLI) that writes
 * every container's files into task-local volumes, which the containers mount read-only and wait for (`dependsOn`
 * SUCCESS). Fargate creates those volumes owned by root with mode 0755 (aws/containers-roadmap#938), so the init
 * container runs as root with every capability but CHOWN dropped: it writes each file as root (configuration stays
 * root-owned, 0444) and hands each secret (0400) to its consumer's user with `chown`. Credentials reach the init
 * container only through ECS `secrets`; no container's `environment` carries one. Every other container runs as its
 * non-root user with every capability dropped; all run on a read-only root filesystem and log to the task's group.
 */
export function taskLayout(plan: TaskPlan): TaskLayout {
    const names = new Set<string>();
    for (const c of plan.containers) {
        if (c.name === INIT_CONTAINER) throw new Error(`taskLayout: container name "${INIT_CONTAINER}" is reserved for the init container.`);
        if (names.has(c.name)) throw new Error(`taskLayout: two containers are named "${c.name}".`);
        names.add(c.name);
        if (/^0(:|$)/.test(c.user) || !/^\d+(:\d+)?$/.test(c.user)) throw new Error(`taskLayout: container "${c.name}" has user "${c.user}": expected a numeric, non-root uid[:gid].`);
        for (const f of c.files) if (!f.path.startsWith("/")) throw new Error(`taskLayout: container "${c.name}" has a relative file path "${f.path}".`);
    }

    const volumesOf = new Map(plan.containers.map((c) => [c.name, mountRoots(c.files.map((f) => f.path)).map((root) => ({ root, volume: volumeName(c.name, root) }))]));
    const shared = plan.sharedVolumes ?? [];
    const inits = initContainer(plan, volumesOf);
    const mains = plan.containers.map((c) => mainContainer(plan, c, volumesOf.get(c.name) ?? [], names));
    const all = [...inits, ...mains];
    return {
        containerDefinitions: all,
        configVolumes: [...[...volumesOf.values()].flat().map((v) => v.volume), ...shared.map((v) => v.name)],
        size: fargateSize(all.reduce((sum, c) => sum + (c.cpu ?? 0), 0), all.reduce((sum, c) => sum + c.memory, 0)),
    };
}

/** A workload's container: its user, its files' volumes read-only after the init container's SUCCESS, its state and task volumes. */
function mainContainer(plan: TaskPlan, c: ContainerPlan, volumes: readonly ConfigVolume[], names: ReadonlySet<string>): EcsContainerDefinition {
    const waitFor = [...(c.files.length > 0 || (c.volumeMounts ?? []).length > 0 ? [INIT_CONTAINER] : []), ...(c.after ?? [])];
    const oneShot = c.essential === false && !c.restart;
    for (const other of c.after ?? []) if (!names.has(other)) throw new Error(`taskLayout: container "${c.name}" waits for unknown container "${other}".`);
    return {
        name: c.name,
        image: c.image,
        ...(c.repositoryCredentials ? { repositoryCredentials: { credentialsParameter: c.repositoryCredentials } } : {}),
        essential: c.essential ?? true,
        user: c.user,
        readonlyRootFilesystem: true,
        // One-shot containers run before the others start (those wait for their SUCCESS): a reservation would only
        // raise the task's size, and unreserved they get the CPU the idle task has anyway. Memory stays a hard limit.
        ...(oneShot ? {} : { cpu: c.cpu }),
        memory: c.memoryMiB,
        ...(c.entryPoint ? { entryPoint: [...c.entryPoint] } : {}),
        ...(c.command ? { command: [...c.command] } : {}),
        environment: environmentList(c.environment ?? {}),
        secrets: Object.entries(c.secrets ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, valueFrom]) => ({ name, valueFrom })),
        portMappings: (c.ports ?? []).map((containerPort) => ({ containerPort, protocol: "tcp" as const })),
        mountPoints: [
            ...volumes.map((v) => ({ sourceVolume: v.volume, containerPath: v.root, readOnly: true })),
            ...(c.stateMounts ?? []).map((m) => ({ sourceVolume: m.volume, containerPath: m.path, readOnly: false })),
            ...(c.volumeMounts ?? []).map((m) => ({ sourceVolume: m.volume, containerPath: m.path, readOnly: m.readOnly })),
        ],
        ...(waitFor.length > 0 ? { dependsOn: waitFor.map((containerName) => ({ containerName, condition: "SUCCESS" as const })) } : {}),
        ...(c.restart ? { restartPolicy: { enabled: true as const, restartAttemptPeriod: RESTART_ATTEMPT_PERIOD_SECONDS } } : {}),
        ...(c.healthCheck ? { healthCheck: { command: [...c.healthCheck], interval: 15, timeout: 5, retries: 5, startPeriod: c.startPeriodSeconds ?? 30 } } : {}),
        linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
        logConfiguration: logConfiguration(plan, c.name),
    };
}
