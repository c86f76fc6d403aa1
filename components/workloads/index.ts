import type { WorkloadName } from "../settings/types";
import { alertmanagerWorkload } from "./alertmanager";
import { apiWorkload } from "./api";
import { backupWorkload } from "./backup";
import { backupOffsiteWorkload } from "./backupOffsite";
import { blackboxExporterWorkload } from "./blackboxExporter";
import { cadvisorWorkload } from "./cadvisor";
import type { WorkloadContext, WorkloadDescription } from "./description";
import { edgeWorkload } from "./edge";
import { grafanaWorkload } from "./grafana";
import { jaegerWorkload } from "./jaeger";
import { nodeExporterWorkload } from "./nodeExporter";
import { postgresWorkload } from "./postgres";
import { postgresExporterWorkload } from "./postgresExporter";
import { prometheusWorkload } from "./prometheus";
import { redisWorkload } from "./redis";
import { redisExporterWorkload } from "./redisExporter";

/** Each workload's description as the stack's settings make it; undefined where the settings switch a workload off. */
const DESCRIBE: Readonly<Record<WorkloadName, (ctx: WorkloadContext) => WorkloadDescription | undefined>> = {
    postgres: postgresWorkload,
    redis: redisWorkload,
    api: apiWorkload,
    prometheus: prometheusWorkload,
    grafana: grafanaWorkload,
    alertmanager: alertmanagerWorkload,
    jaeger: jaegerWorkload,
    postgresExporter: postgresExporterWorkload,
    redisExporter: redisExporterWorkload,
    nodeExporter: nodeExporterWorkload,
    cadvisor: cadvisorWorkload,
    blackboxExporter: blackboxExporterWorkload,
    edge: edgeWorkload,
    backup: (ctx) => backupWorkload(ctx),
    backupOffsite: (ctx) => (ctx.settings.backup.offsite ? backupOffsiteWorkload(ctx, ctx.settings.backup.offsite) : undefined),
};

/** The descriptions of `workloads` (those the settings run), built once from one context. */
export function describeWorkloads(ctx: WorkloadContext, workloads: readonly WorkloadName[]): Partial<Record<WorkloadName, WorkloadDescription>> {
    const out: Partial<Record<WorkloadName, WorkloadDescription>> = {};
    for (const workload of workloads) {
        const description = DESCRIBE[workload](ctx);
        if (description) out[workload] = description;
    }
    return out;
}
