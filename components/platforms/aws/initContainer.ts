import type { ConfigVolume, TaskPlan } from "./containerDefinitions";
import { EcsContainerDefinition, environmentList, logConfiguration } from "./ecsContainer";
import { HandOver, InitFile, renderInitScript, secretEnvName } from "./initScript";

/** Where the init container mounts the config volumes it fills. */
export const INIT_MOUNT_ROOT = "/out";
const INIT_MEMORY_MIB = 128;

/**
 * Docker's default capabilities but CHOWN: what the init container drops. Fargate lets a task add back only
 * SYS_PTRACE, so "drop ALL, add CHOWN" is impossible there; dropping the rest by name leaves CHOWN alone.
 */
export const INIT_DROPPED_CAPABILITIES: readonly string[] = [
    "AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];
/** The init container's user: root, because Fargate creates task-local volumes owned by root with mode 0755. */
export const INIT_USER = "0:0";
/** The init container's name. */
export const INIT_CONTAINER = "config-init";

/**
 * The task's init container, when any container reads files or shares a volume: the AWS CLI as root keeping only
 * CHOWN, writing every container's files into their volumes and handing shared volumes to their writers.
 */
export function initContainer(plan: TaskPlan, volumesOf: ReadonlyMap<string, readonly ConfigVolume[]>): EcsContainerDefinition[] {
    // One init container for the whole task: as root it can write every user's files, and one per user would only
    // repeat the same image, script and secrets fetch (all of a task's secrets go through one execution role anyway).
    const consumers = plan.containers.filter((c) => c.files.length > 0);
    const files: InitFile[] = [];
    const secrets: { name: string; valueFrom: string }[] = [];
    for (const c of consumers) {
        const volumes = volumesOf.get(c.name) ?? [];
        for (const f of c.files) {
            const { root, volume } = volumes.find((v) => f.path.startsWith(`${v.root}/`))!;
            const target = `${INIT_MOUNT_ROOT}/${volume}${f.path.slice(root.length)}`;
            if (f.source.kind === "secret") {
                const name = secretEnvName(`${c.name}${f.path}`);
                secrets.push({ name, valueFrom: f.source.valueFrom });
                files.push({ target, source: { kind: "secret", env: name, owner: c.user } });
            } else {
                files.push({ target, source: f.source });
            }
        }
    }
    const shared = plan.sharedVolumes ?? [];
    const configVolumeNames = new Set([...volumesOf.values()].flat().map((v) => v.volume));
    for (const v of shared) if (configVolumeNames.has(v.name)) throw new Error(`taskLayout: shared volume "${v.name}" has a configuration volume's name.`);
    for (const c of plan.containers) {
        for (const m of c.volumeMounts ?? []) if (!shared.some((v) => v.name === m.volume)) throw new Error(`taskLayout: container "${c.name}" mounts "${m.volume}", which is not a shared volume of the task.`);
    }
    const handOver: HandOver[] = shared.map((v) => ({ dir: `${INIT_MOUNT_ROOT}/${v.name}`, owner: v.owner }));
    if (consumers.length === 0 && shared.length === 0) return [];
    return [{
        name: INIT_CONTAINER,
        image: plan.initImage,
        essential: false,
        user: INIT_USER,
        readonlyRootFilesystem: true,
        memory: INIT_MEMORY_MIB,
        entryPoint: ["/bin/sh", "-c"],
        command: [renderInitScript(files, handOver)],
        environment: environmentList({ AWS_REGION: plan.region, CONFIG_BUCKET: plan.configBucket, CONFIG_SHA256: plan.configHash }),
        secrets: secrets.sort((a, b) => a.name.localeCompare(b.name)),
        portMappings: [],
        mountPoints: [
            ...consumers.flatMap((c) => (volumesOf.get(c.name) ?? []).map((v) => ({ sourceVolume: v.volume, containerPath: `${INIT_MOUNT_ROOT}/${v.volume}`, readOnly: false }))),
            ...shared.map((v) => ({ sourceVolume: v.name, containerPath: `${INIT_MOUNT_ROOT}/${v.name}`, readOnly: false })),
        ],
        linuxParameters: { initProcessEnabled: false, capabilities: { drop: [...INIT_DROPPED_CAPABILITIES] } },
        logConfiguration: logConfiguration(plan, INIT_CONTAINER),
    }];
}
