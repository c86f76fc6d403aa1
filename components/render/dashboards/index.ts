import type { StackSettings } from "../../settings/types";
import { apiDashboard } from "./api";
import { containersHostDashboard } from "./containers-host";
import { overviewDashboard } from "./overview";
import type { Dashboard } from "./panels";
import { postgresDashboard } from "./postgres";
import { redisDashboard } from "./redis";

/**
 * What the dashboards show the stack by: its name and environment, the API's metric names and CPU, the data tier's
 * tuning, and the API's container as cAdvisor names it (`<namePrefix>-<its alias>`).
 */
export interface DashboardInput extends Pick<StackSettings, "namePrefix" | "environment" | "api" | "resources" | "postgres" | "redis"> {
    readonly apiAlias: string;
}

/** Every provisioned dashboard, by the file name it is provisioned from. */
export const DASHBOARDS: Readonly<Record<string, (input: DashboardInput) => Dashboard>> = {
    "overview.json": overviewDashboard,
    "api.json": apiDashboard,
    "postgres.json": postgresDashboard,
    "redis.json": redisDashboard,
    "containers-host.json": containersHostDashboard,
};

/** Dashboard files for Grafana's file provider: file name -> dashboard JSON. */
export function renderDashboards(input: DashboardInput): Record<string, string> {
    return Object.fromEntries(
        Object.entries(DASHBOARDS).map(([file, build]) => [file, `${JSON.stringify(build(input), null, 2)}\n`]),
    );
}
