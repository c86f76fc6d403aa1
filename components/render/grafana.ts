import { stringify } from "yaml";
import { BASIC_AUTH_USERS, CONFIG_PATHS, SECRET_FILES, workloadSpecs } from "../workloads/catalogue";
import type { StackSettings } from "../settings/types";
import { DATASOURCE_UIDS } from "./dashboards/datasources";
import { publicUrl } from "./publicUrl";

export { DATASOURCE_UIDS } from "./dashboards/datasources";
export { renderDashboards } from "./dashboards";

/** Where Grafana reads its provisioning files (datasources/, dashboards/). */
const PROVISIONING_DIR = "/etc/grafana/provisioning";

/** Grafana's `$__file{…}` expansion: the value is read from the file when Grafana loads the provisioning. */
function fromFile(path: string): string {
    return `$__file{${path}}`;
}

/**
 * datasources.yml: Prometheus (the default), Jaeger and Alertmanager, each over TLS verified against the internal
 * CA by the service's alias, with basic-auth passwords read from secret files. Holds no secret.
 */
export function renderGrafanaDatasources(settings: StackSettings): string {
    const specs = workloadSpecs(settings);
    const caCert = fromFile(specs.grafana.tls.ca);
    const tls = (serverName: string) => ({ tlsAuthWithCACert: true, serverName });
    const datasources = [
        {
            name: "Prometheus",
            uid: DATASOURCE_UIDS.prometheus,
            type: "prometheus",
            access: "proxy",
            url: `https://${specs.prometheus.alias}:${specs.prometheus.port}`,
            isDefault: true,
            editable: false,
            basicAuth: true,
            basicAuthUser: BASIC_AUTH_USERS.prometheus,
            jsonData: {
                ...tls(specs.prometheus.alias),
                httpMethod: "POST",
                // Grafana sizes $__rate_interval from the scrape interval.
                timeInterval: settings.prometheus.scrapeInterval,
            },
            secureJsonData: { basicAuthPassword: fromFile(SECRET_FILES.prometheusPassword), tlsCACert: caCert },
        },
        {
            name: "Jaeger",
            uid: DATASOURCE_UIDS.jaeger,
            type: "jaeger",
            access: "proxy",
            url: `https://${specs.jaeger.alias}:${specs.jaeger.port}`,
            editable: false,
            jsonData: tls(specs.jaeger.alias),
            secureJsonData: { tlsCACert: caCert },
        },
        {
            name: "Alertmanager",
            uid: DATASOURCE_UIDS.alertmanager,
            type: "alertmanager",
            access: "proxy",
            url: `https://${specs.alertmanager.alias}:${specs.alertmanager.port}`,
            editable: false,
            basicAuth: true,
            basicAuthUser: BASIC_AUTH_USERS.alertmanager,
            jsonData: { ...tls(specs.alertmanager.alias), implementation: "prometheus", handleGrafanaManagedAlerts: false },
            secureJsonData: { basicAuthPassword: fromFile(SECRET_FILES.alertmanagerPassword), tlsCACert: caCert },
        },
    ];
    // prune: a datasource removed from this file is removed from Grafana too, rather than lingering with old credentials.
    return stringify({ apiVersion: 1, prune: true, datasources }, { aliasDuplicateObjects: false });
}

/** dashboards.yml: one file provider over the rendered dashboards; the files are the source of truth. */
export function renderGrafanaDashboardProviders(settings: StackSettings): string {
    return stringify({
        apiVersion: 1,
        providers: [{
            name: settings.project,
            orgId: 1,
            folder: "Service stack",
            type: "file",
            disableDeletion: true,
            allowUiUpdates: false,
            updateIntervalSeconds: 60,
            options: { path: CONFIG_PATHS.grafanaDashboardsDir, foldersFromFilesStructure: false },
        }],
    });
}

/**
 * The Grafana container's environment. None of it is secret: the admin password is read from a file
 * (`GF_SECURITY_ADMIN_PASSWORD__FILE`), so Grafana can never start with admin/admin.
 */
export function grafanaEnvironment(settings: StackSettings): Record<string, string> {
    const spec = workloadSpecs(settings).grafana;
    return {
        GF_SERVER_PROTOCOL: "https",
        GF_SERVER_HTTP_PORT: String(spec.port),
        GF_SERVER_CERT_FILE: spec.tls.cert,
        GF_SERVER_CERT_KEY: spec.tls.key,
        GF_SERVER_MIN_TLS_VERSION: `TLS${settings.tls.minVersion}`,
        GF_SERVER_ROOT_URL: publicUrl(settings, "grafana"),
        GF_SECURITY_ADMIN_USER: settings.grafana.adminUser,
        GF_SECURITY_ADMIN_PASSWORD__FILE: SECRET_FILES.grafanaAdminPassword,
        GF_SECURITY_COOKIE_SECURE: "true",
        GF_SECURITY_STRICT_TRANSPORT_SECURITY: "true",
        GF_SECURITY_DISABLE_GRAVATAR: "true",
        GF_USERS_ALLOW_SIGN_UP: "false",
        GF_AUTH_ANONYMOUS_ENABLED: "false",
        // No calls home and no public snapshot service: nothing leaves the stack unasked.
        GF_ANALYTICS_REPORTING_ENABLED: "false",
        GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
        GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
        GF_SNAPSHOTS_EXTERNAL_ENABLED: "false",
        // Grafana 11.5+ downloads a list of plugins from grafana.com at start unless told not to: nothing leaves the
        // stack unasked, and a start must not depend on the internet.
        GF_PLUGINS_PREINSTALL_DISABLED: "true",
        GF_PATHS_PROVISIONING: PROVISIONING_DIR,
        GF_METRICS_ENABLED: "true",
    };
}
