import { cpuUnits, FARGATE_SIZES } from "../platforms/aws/fargateSize";
import { PROMETHEUS_TASK_SIDECARS } from "../workloads/catalogue";
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
 * What every task runs besides its workloads: the config init container (128 MiB, no CPU reservation: it exits
 * before the services start; containerDefinitions.ts), in the API's task the one-shot `db-roles` psql container
 * (128 MiB, no CPU; Api.ts), and in Prometheus's task the API discovery sidecar (64 CPU units, 128 MiB; Prometheus.ts).
 * The AWS tests check these against the task definitions the program declares.
 */
const ONE_SHOT: ResourceLimits = { cpus: 0, memoryMiB: 128 };
export const TASK_OVERHEAD: Readonly<Record<string, readonly ResourceLimits[]>> = {
    api: [ONE_SHOT, ONE_SHOT],
    prometheus: [ONE_SHOT, { cpus: 64 / 1024, memoryMiB: 128 }],
    grafana: [ONE_SHOT],
    alertmanager: [ONE_SHOT],
    jaeger: [ONE_SHOT],
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
        // A one-shot container reserves no CPU at all (0), not the one unit the smallest reservation rounds to.
        cpu: limits.reduce((sum, l) => sum + (l.cpus === 0 ? 0 : cpuUnits(l.cpus)), 0),
        memory: limits.reduce((sum, l) => sum + l.memoryMiB, 0),
    };
}
