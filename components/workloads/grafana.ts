import { grafanaEnvironment, renderDashboards, renderGrafanaDashboardProviders, renderGrafanaDatasources } from "../render/grafana";
import { CONFIG_PATHS, WORKLOAD_NAMES } from "./catalogue";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config, configDirectory } from "./files";

/** Where Grafana keeps its database and plugins. */
export const GRAFANA_DATA_DIR = "/var/lib/grafana";

/**
 * Grafana over TLS with provisioned datasources and dashboards. The admin password is generated and read from a file
 * (`GF_SECURITY_ADMIN_PASSWORD__FILE`), so Grafana can never start with admin/admin.
 */
export function grafanaWorkload({ settings, specs }: WorkloadContext): WorkloadDescription {
    const spec = specs.grafana;
    return {
        name: WORKLOAD_NAMES.grafana,
        certificate: "grafana",
        image: settings.images.grafana,
        user: spec.user,
        limits: settings.resources.grafana,
        env: grafanaEnvironment(settings),
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.grafanaDatasources, renderGrafanaDatasources(settings)),
            config(CONFIG_PATHS.grafanaDashboardProviders, renderGrafanaDashboardProviders(settings)),
            ...configDirectory(CONFIG_PATHS.grafanaDashboardsDir, renderDashboards(settings)),
            sharedFile("grafanaAdminPassword"),
            // Checked by Prometheus and Alertmanager, which are not rolled back with Grafana.
            sharedFile("prometheusPassword", { readCurrent: true }),
            sharedFile("alertmanagerPassword", { readCurrent: true }),
            ...tlsFiles(spec.tls),
        ],
        volumes: [{ volume: "grafana-data", path: GRAFANA_DATA_DIR, owns: "state" }],
        healthcheck: { test: ["CMD", "wget", "-q", "--spider", "--no-check-certificate", `https://127.0.0.1:${spec.port}/api/health`], startPeriodSeconds: 60 },
    };
}
