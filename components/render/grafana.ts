import { stringify } from "yaml";
import type { StackSettings, TlsVersion } from "../settings/types";
import { BASIC_AUTH_USERS, CONFIG_PATHS, SECRET_FILES, TlsFiles } from "../workloads/catalogue";
import { DATASOURCE_UIDS } from "./dashboards/datasources";

export { DATASOURCE_UIDS } from "./dashboards/datasources";
export { renderDashboards } from "./dashboards";

/** Where Grafana reads its provisioning files (datasources/, dashboards/). */
const PROVISIONING_DIR = "/etc/grafana/provisioning";

/** Grafana's `$__file{…}` expansion: the value is read from the file when Grafana loads the provisioning. */
function fromFile(path: string): string {
    return `$__file{${path}}`;
}

/** A server Grafana queries by name over TLS, verifying its certificate by that name. */
export interface GrafanaUpstream {
    readonly alias: string;
    readonly port: number;
}

/** What the datasources are rendered from: the servers, the CA that verifies them, the scrape interval. */
export interface DatasourcesInput {
    readonly caFile: string;
    readonly scrapeInterval: string;
    readonly prometheus: GrafanaUpstream;
    readonly jaeger: GrafanaUpstream;
    readonly alertmanager: GrafanaUpstream;
}

/**
 * datasources.yml: Prometheus (the default), Jaeger and Alertmanager, each over TLS verified against the internal
 * CA by the service's alias, with basic-auth passwords read from secret files. Holds no secret.
 */
export function renderGrafanaDatasources(input: DatasourcesInput): string {
    const caCert = fromFile(input.caFile);
    const tls = (serverName: string) => ({ tlsAuthWithCACert: true, serverName });
    const datasources = [
        {
            name: "Prometheus",
            uid: DATASOURCE_UIDS.prometheus,
            type: "prometheus",
            access: "proxy",
            url: `https://${input.prometheus.alias}:${input.prometheus.port}`,
            isDefault: true,
            editable: false,
            basicAuth: true,
            basicAuthUser: BASIC_AUTH_USERS.prometheus,
            jsonData: {
                ...tls(input.prometheus.alias),
                httpMethod: "POST",
                // Grafana sizes $__rate_interval from the scrape interval.
                timeInterval: input.scrapeInterval,
            },
            secureJsonData: { basicAuthPassword: fromFile(SECRET_FILES.prometheusPassword), tlsCACert: caCert },
        },
        {
            name: "Jaeger",
            uid: DATASOURCE_UIDS.jaeger,
            type: "jaeger",
            access: "proxy",
            url: `https://${input.jaeger.alias}:${input.jaeger.port}`,
            editable: false,
            jsonData: tls(input.jaeger.alias),
            secureJsonData: { tlsCACert: caCert },
        },
        {
            name: "Alertmanager",
            uid: DATASOURCE_UIDS.alertmanager,
            type: "alertmanager",
            access: "proxy",
            url: `https://${input.alertmanager.alias}:${input.alertmanager.port}`,
            editable: false,
            basicAuth: true,
            basicAuthUser: BASIC_AUTH_USERS.alertmanager,
            jsonData: { ...tls(input.alertmanager.alias), implementation: "prometheus", handleGrafanaManagedAlerts: false },
            secureJsonData: { basicAuthPassword: fromFile(SECRET_FILES.alertmanagerPassword), tlsCACert: caCert },
        },
    ];
    // prune: a datasource removed from this file is removed from Grafana too, rather than lingering with old credentials.
    return stringify({ apiVersion: 1, prune: true, datasources }, { aliasDuplicateObjects: false });
}

/** dashboards.yml: one file provider over the rendered dashboards; the files are the source of truth. */
export function renderGrafanaDashboardProviders(settings: Pick<StackSettings, "project">): string {
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

/** What Grafana's environment says: where it serves, with which certificate, its public URL and admin. */
export interface GrafanaEnvironmentInput {
    readonly port: number;
    readonly tls: TlsFiles;
    readonly minVersion: TlsVersion;
    readonly rootUrl: string;
    readonly adminUser: string;
}

/**
 * The Grafana container's environment. None of it is secret: the admin password is read from a file
 * (`GF_SECURITY_ADMIN_PASSWORD__FILE`), so Grafana can never start with admin/admin.
 */
export function grafanaEnvironment(input: GrafanaEnvironmentInput): Record<string, string> {
    return {
        GF_SERVER_PROTOCOL: "https",
        GF_SERVER_HTTP_PORT: String(input.port),
        GF_SERVER_CERT_FILE: input.tls.cert,
        GF_SERVER_CERT_KEY: input.tls.key,
        GF_SERVER_MIN_TLS_VERSION: `TLS${input.minVersion}`,
        GF_SERVER_ROOT_URL: input.rootUrl,
        GF_SECURITY_ADMIN_USER: input.adminUser,
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
