import { parseImageReference } from "./images";

/**
 * What ECS and Fargate refuse in a task definition, as data and pure checks: the registration size and container
 * count quotas, the task sizes Fargate runs, container reservations that must fit the task, health-check forms and
 * ranges, and the ordering conditions ECS accepts. Sources: the ECS developer guide (task definition parameters for
 * Fargate, service quotas).
 */

/** A task definition's registered JSON may not exceed 64 KiB (ECS service quota, not adjustable). */
export const TASK_DEFINITION_MAX_BYTES = 64 * 1024;
/** Containers per task definition (ECS service quota). */
export const MAX_CONTAINERS_PER_TASK = 10;

function steps(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** Task sizes Fargate runs on Linux: CPU units and the memory (MiB) each allows. */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: steps(1024, 4096, 1024),
    1024: steps(2048, 8192, 1024),
    2048: steps(4096, 16384, 1024),
    4096: steps(8192, 30720, 1024),
    8192: steps(16384, 61440, 4096),
    16384: steps(32768, 122880, 8192),
};

/** The fields of an ECS container definition the checks read (ECS API names). */
export interface ContainerDefinition {
    readonly name?: string;
    readonly image?: string;
    readonly essential?: boolean;
    readonly cpu?: number;
    readonly memory?: number;
    readonly memoryReservation?: number;
    readonly healthCheck?: { readonly command?: readonly string[]; readonly interval?: number; readonly timeout?: number; readonly retries?: number; readonly startPeriod?: number };
    readonly dependsOn?: readonly { readonly containerName?: string; readonly condition?: string }[];
    readonly repositoryCredentials?: { readonly credentialsParameter?: string };
    readonly secrets?: readonly { readonly name?: string; readonly valueFrom?: string }[];
}

/** Why a Fargate task size is not one Fargate runs, or undefined when it is. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
    const allowed = FARGATE_TASK_SIZES[cpu];
    if (!allowed) return `task cpu ${cpu} is not a Fargate size (${Object.keys(FARGATE_TASK_SIZES).join(", ")}).`;
    if (!allowed.includes(memory)) return `task memory ${memory} MiB is not allowed with ${cpu} CPU units (${allowed[0]}–${allowed[allowed.length - 1]} MiB in the steps Fargate offers).`;
    return undefined;
}

const RANGES = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], startPeriod: [0, 300] } as const;

/** Why a container's health check is not one ECS accepts; empty when it is (or there is none). */
export function healthCheckProblems(c: ContainerDefinition): string[] {
    const check = c.healthCheck;
    if (!check) return [];
    const name = c.name ?? "?";
    const problems: string[] = [];
    const command = check.command ?? [];
    if (!(command[0] === "CMD" || command[0] === "CMD-SHELL") || command.length < 2) {
        problems.push(`container ${name}: health check ${JSON.stringify(command)} is not \`["CMD", …]\` or \`["CMD-SHELL", "…"]\`.`);
    }
    for (const [field, [min, max]] of Object.entries(RANGES)) {
        const value = check[field as keyof typeof RANGES];
        if (value !== undefined && (value < min || value > max)) problems.push(`container ${name}: health check ${field} ${value} is outside ${min}–${max}.`);
    }
    if (check.timeout !== undefined && check.interval !== undefined && check.timeout >= check.interval) {
        problems.push(`container ${name}: health check timeout ${check.timeout} s is not shorter than its interval ${check.interval} s.`);
    }
    return problems;
}

/** Why the containers' start order is not one ECS accepts: SUCCESS/COMPLETE on essential containers, HEALTHY without a check. */
export function dependencyProblems(defs: readonly ContainerDefinition[]): string[] {
    const byName = new Map(defs.map((d) => [d.name, d]));
    const problems: string[] = [];
    for (const d of defs) {
        for (const dep of d.dependsOn ?? []) {
            const target = byName.get(dep.containerName);
            if (!target) problems.push(`container ${d.name ?? "?"} waits for ${dep.containerName ?? "?"}, which the task does not have.`);
            else if ((dep.condition === "SUCCESS" || dep.condition === "COMPLETE") && target.essential !== false) problems.push(`container ${d.name ?? "?"} waits for ${dep.condition} of ${dep.containerName}, which is essential (ECS refuses this).`);
            else if (dep.condition === "HEALTHY" && !target.healthCheck) problems.push(`container ${d.name ?? "?"} waits for ${dep.containerName} to be HEALTHY, which has no health check.`);
        }
    }
    return problems;
}

/** Why the containers' reservations do not fit the task size. */
export function reservationProblems(defs: readonly ContainerDefinition[], cpu: number, memory: number): string[] {
    const cpuSum = defs.reduce((sum, d) => sum + (d.cpu ?? 0), 0);
    const memorySum = defs.reduce((sum, d) => sum + (d.memoryReservation ?? d.memory ?? 0), 0);
    const problems: string[] = [];
    if (cpuSum > cpu) problems.push(`containers reserve ${cpuSum} CPU units; the task has ${cpu}.`);
    if (memorySum > memory) problems.push(`containers reserve ${memorySum} MiB; the task has ${memory} MiB.`);
    for (const d of defs) if (d.memory !== undefined && d.memory < 6) problems.push(`container ${d.name ?? "?"}: memory ${d.memory} MiB is below Docker's 6 MiB minimum.`);
    return problems;
}

/** The task definition fields the checks read, resolved. */
export interface TaskDefinitionInputs {
    readonly family?: string;
    readonly cpu?: string | number;
    readonly memory?: string | number;
    readonly requiresCompatibilities?: readonly string[];
    readonly containerDefinitions: readonly ContainerDefinition[];
    /** Everything else that is registered with the definition (volumes, roles, runtime platform, ...). */
    readonly rest: Readonly<Record<string, unknown>>;
}

/** Every limit a task definition breaks; empty when ECS and Fargate would accept it. */
export function taskDefinitionProblems(task: TaskDefinitionInputs): string[] {
    const problems: string[] = [];
    const bytes = Buffer.byteLength(JSON.stringify({ ...task.rest, family: task.family, cpu: task.cpu, memory: task.memory, containerDefinitions: task.containerDefinitions }), "utf8");
    if (bytes > TASK_DEFINITION_MAX_BYTES) problems.push(`the registered definition is ${bytes} bytes; ECS accepts ${TASK_DEFINITION_MAX_BYTES}.`);
    if (task.containerDefinitions.length > MAX_CONTAINERS_PER_TASK) problems.push(`${task.containerDefinitions.length} containers; ECS accepts ${MAX_CONTAINERS_PER_TASK} per task definition.`);
    if ((task.requiresCompatibilities ?? []).includes("FARGATE")) {
        const cpu = Number(task.cpu);
        const memory = Number(task.memory);
        const size = fargateSizeProblem(cpu, memory);
        if (size) problems.push(size);
        else problems.push(...reservationProblems(task.containerDefinitions, cpu, memory));
    }
    for (const c of task.containerDefinitions) problems.push(...healthCheckProblems(c));
    problems.push(...dependencyProblems(task.containerDefinitions));
    return problems;
}

/**
 * Registries whose images are Docker Hub's: Docker Hub itself, and fronts that redirect their pulls (and token
 * requests) to it, so a pull through them counts against Docker Hub's anonymous limit. cr.jaegertracing.io is such a
 * front for the `jaegertracing/*` repositories.
 */
export const DOCKER_HUB_REGISTRIES: readonly string[] = ["docker.io", "index.docker.io", "registry-1.docker.io", "cr.jaegertracing.io"];

/** True when the image is pulled from Docker Hub (directly or through a front that redirects there). */
export function isDockerHubImage(image: string): boolean {
    return DOCKER_HUB_REGISTRIES.includes(parseImageReference(image).registry);
}

/** True when the image lives in a private ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com`). */
export function isPrivateEcrImage(image: string): boolean {
    return /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(parseImageReference(image).registry);
}

/** Images a task pulls without credentials from Docker Hub: the anonymous pulls Docker Hub limits per IP. */
export function anonymousDockerHubImages(defs: readonly ContainerDefinition[]): ContainerDefinition[] {
    return defs.filter((d) => typeof d.image === "string" && isDockerHubImage(d.image) && !d.repositoryCredentials?.credentialsParameter);
}
