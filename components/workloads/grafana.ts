import type { DashboardInput } from "../render/dashboards";
import { DatasourcesInput, grafanaEnvironment, GrafanaEnvironmentInput, renderDashboards, renderGrafanaDashboardProviders, renderGrafanaDatasources } from "../render/grafana";
import { publicUrl } from "../render/publicUrl";
import type { StackSettings } from "../settings/types";
import { CONFIG_PATHS, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config, configDirectory } from "./files";

/** Where Grafana keeps its database and plugins. */
export const GRAFANA_DATA_DIR = "/var/lib/grafana";

/** What the datasources are rendered from: Prometheus, Jaeger and Alertmanager by name, Grafana's CA file. */
export function datasourcesInput(settings: StackSettings, specs: WorkloadSpecs): DatasourcesInput {
    const upstream = (spec: { alias: string; port: number }) => ({ alias: spec.alias, port: spec.port });
    return {
        caFile: specs.grafana.tls.ca,
        scrapeInterval: settings.prometheus.scrapeInterval,
        prometheus: upstream(specs.prometheus),
        jaeger: upstream(specs.jaeger),
        alertmanager: upstream(specs.alertmanager),
    };
}

/** What Grafana's environment is rendered from. */
export function grafanaEnvironmentInput(settings: StackSettings, specs: WorkloadSpecs): GrafanaEnvironmentInput {
    return { port: specs.grafana.port, tls: specs.grafana.tls, minVersion: settings.tls.minVersion, rootUrl: publicUrl(settings, "grafana"), adminUser: settings.grafana.adminUser };
}

/** What the dashboards are rendered from: the settings they show, and the API's alias, its container's name suffix. */
export function dashboardInput(settings: StackSettings, specs: WorkloadSpecs): DashboardInput {
    return { ...settings, apiAlias: specs.api.alias };
}

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
        env: grafanaEnvironment(grafanaEnvironmentInput(settings, specs)),
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.grafanaDatasources, renderGrafanaDatasources(datasourcesInput(settings, specs))),
            config(CONFIG_PATHS.grafanaDashboardProviders, renderGrafanaDashboardProviders(settings)),
            ...configDirectory(CONFIG_PATHS.grafanaDashboardsDir, renderDashboards(dashboardInput(settings, specs))),
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
