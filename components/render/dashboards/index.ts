import type { StackSettings } from "../../settings/types";
import { apiDashboard } from "./api";
import { containersHostDashboard } from "./containers-host";
import { overviewDashboard } from "./overview";
import type { Dashboard } from "./panels";
import { postgresDashboard } from "./postgres";
import { redisDashboard } from "./redis";

/** Every provisioned dashboard, by the file name it is provisioned from. */
export const DASHBOARDS: Readonly<Record<string, (settings: StackSettings) => Dashboard>> = {
    "overview.json": overviewDashboard,
    "api.json": apiDashboard,
    "postgres.json": postgresDashboard,
    "redis.json": redisDashboard,
    "containers-host.json": containersHostDashboard,
};

/** Dashboard files for Grafana's file provider: file name -> dashboard JSON. */
export function renderDashboards(settings: StackSettings): Record<string, string> {
    return Object.fromEntries(
        Object.entries(DASHBOARDS).map(([file, build]) => [file, `${JSON.stringify(build(settings), null, 2)}\n`]),
    );
}
