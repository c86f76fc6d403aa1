import { cpuUnits, FARGATE_SIZES } from "../aws/fargateSize";
import { PROMETHEUS_TASK_SIDECARS } from "../services/catalogue";
import type { ResourceLimits, WorkloadName } from "./types";

/**
 * The Fargate tasks of the AWS platform and the workloads each runs (components/aws: one FargateService per task),
 * so the settings can check a task's size before any resource exists.
 */
export const FARGATE_TASKS: Readonly<Record<string, readonly WorkloadName[]>> = {
    api: ["api"],
    prometheus: ["prometheus", ...PROMETHEUS_TASK_SIDECARS],
    grafana: ["grafana"],
    alertmanager: ["alertmanager"],
    jaeger: ["jaeger"],
};

/**
 * What every task runs besides its workloads: the config init container (64 CPU units, 128 MiB; containerDefinitions.ts),
 * and in the API's task the one-shot `db-roles` psql container (0.125 CPU, 128 MiB; Api.ts). The AWS tests check these
 * against the task definitions the program declares.
 */
export const TASK_OVERHEAD: Readonly<Record<string, readonly ResourceLimits[]>> = {
    api: [{ cpus: 64 / 1024, memoryMiB: 128 }, { cpus: 0.125, memoryMiB: 128 }],
    prometheus: [{ cpus: 64 / 1024, memoryMiB: 128 }],
    grafana: [{ cpus: 64 / 1024, memoryMiB: 128 }],
    alertmanager: [{ cpus: 64 / 1024, memoryMiB: 128 }],
    jaeger: [{ cpus: 64 / 1024, memoryMiB: 128 }],
};

/** The largest Fargate task: 16 vCPU (16384 units) and 120 GiB. */
export const LARGEST_FARGATE_TASK = {
    cpu: Math.max(...FARGATE_SIZES.map((s) => s.cpu)),
    memory: Math.max(...FARGATE_SIZES.flatMap((s) => s.memory)),
};

/** The CPU units and MiB a task's containers ask for in all, as its task definition will sum them. */
export function taskDemand(task: string, resources: Readonly<Record<WorkloadName, ResourceLimits>>): { cpu: number; memory: number } {
    const limits = [...(FARGATE_TASKS[task] ?? []).map((w) => resources[w]), ...(TASK_OVERHEAD[task] ?? [])];
    return {
        cpu: limits.reduce((sum, l) => sum + cpuUnits(l.cpus), 0),
        memory: limits.reduce((sum, l) => sum + l.memoryMiB, 0),
    };
}
