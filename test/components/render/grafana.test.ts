import { expect } from "chai";
import { parse } from "yaml";
import {
    DATASOURCE_UIDS,
    grafanaEnvironment,
    renderGrafanaDashboardProviders,
    renderGrafanaDatasources,
} from "../../../components/render/grafana";
import { CONFIG_PATHS } from "../../../components/workloads/catalogue";
import { buildSettings } from "../../../components/settings/buildSettings";
import { SECRET_KEYS, StackSettings } from "../../../components/settings/types";
import { renderInputs } from "../../support/renderInputs";

const SECRET_VALUES = Object.fromEntries(SECRET_KEYS.map((k) => [k, `secret-value-of-${k}`]));

function settings(values: Record<string, unknown> = {}): StackSettings {
    return buildSettings({ project: "service-stack", stack: "test", values, secretKeys: new Set(SECRET_KEYS) });
}

const PRODUCTION = settings({
    environment: "production",
    domain: "example.com",
    acmeEmail: "ops@example.com",
    images: { api: "registry.example.com/api:1.4.2" },
    grafana: { adminUser: "ops-admin" },
    alerting: { slack: { channel: "#alerts" }, pagerduty: true, webhook: true, watchdog: true },
    ...SECRET_VALUES,
});

interface Datasource {
    name: string;
    uid: string;
    type: string;
    url: string;
    basicAuth?: boolean;
    basicAuthUser?: string;
    jsonData: Record<string, unknown>;
    secureJsonData: Record<string, string>;
}

describe("renderGrafanaDatasources", () => {
    const doc = parse(renderGrafanaDatasources(renderInputs(settings()).datasources)) as { apiVersion: number; prune: boolean; datasources: Datasource[] };
    const byUid = (uid: string) => doc.datasources.find((d) => d.uid === uid)!;

    it("declares exactly the exported datasource UIDs, Prometheus the default", () => {
        expect(doc.apiVersion).to.equal(1);
        expect(doc.prune).to.equal(true);
        expect(doc.datasources.map((d) => d.uid)).to.deep.equal(Object.values(DATASOURCE_UIDS));
        expect(doc.datasources.filter((d) => (d as { isDefault?: boolean }).isDefault).map((d) => d.uid)).to.deep.equal(["prometheus"]);
    });

    it("reaches Prometheus by alias over TLS, verifying the CA, with the password from its secret file", () => {
        expect(byUid("prometheus")).to.deep.include({
            type: "prometheus",
            url: "https://prometheus:9090",
            basicAuth: true,
            basicAuthUser: "prometheus",
            jsonData: { tlsAuthWithCACert: true, serverName: "prometheus", httpMethod: "POST", timeInterval: "15s" },
            secureJsonData: { basicAuthPassword: "$__file{/run/secrets/prometheus-password}", tlsCACert: "$__file{/etc/grafana/tls/ca.crt}" },
        });
    });

    it("reaches Jaeger's query service by alias over TLS", () => {
        expect(byUid("jaeger")).to.deep.include({
            type: "jaeger",
            url: "https://jaeger:16686",
            jsonData: { tlsAuthWithCACert: true, serverName: "jaeger" },
            secureJsonData: { tlsCACert: "$__file{/etc/grafana/tls/ca.crt}" },
        });
    });

    it("reaches Alertmanager (Prometheus implementation) by alias over TLS with basic auth from a file", () => {
        expect(byUid("alertmanager")).to.deep.include({
            type: "alertmanager",
            url: "https://alertmanager:9093",
            basicAuth: true,
            basicAuthUser: "alertmanager",
            jsonData: { tlsAuthWithCACert: true, serverName: "alertmanager", implementation: "prometheus", handleGrafanaManagedAlerts: false },
            secureJsonData: { basicAuthPassword: "$__file{/run/secrets/alertmanager-password}", tlsCACert: "$__file{/etc/grafana/tls/ca.crt}" },
        });
    });

    it("takes Prometheus's scrape interval for $__rate_interval", () => {
        const slow = parse(renderGrafanaDatasources(renderInputs(settings({ prometheus: { scrapeInterval: "30s" } })).datasources)) as { datasources: Datasource[] };
        expect(slow.datasources[0].jsonData.timeInterval).to.equal("30s");
    });

    it("holds no secret and addresses no service at localhost", () => {
        const text = renderGrafanaDatasources(renderInputs(PRODUCTION).datasources);
        expect(text).to.not.include("secret-value-of");
        expect(text).to.not.match(/localhost|127\.0\.0\.1/);
        expect(text).to.not.match(/http:\/\//);
    });
});

describe("renderGrafanaDashboardProviders", () => {
    it("provisions the rendered dashboards directory read-only", () => {
        const doc = parse(renderGrafanaDashboardProviders(settings())) as { apiVersion: number; providers: Record<string, unknown>[] };
        expect(doc).to.deep.equal({
            apiVersion: 1,
            providers: [{
                name: "service-stack",
                orgId: 1,
                folder: "Service stack",
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: 60,
                options: { path: CONFIG_PATHS.grafanaDashboardsDir, foldersFromFilesStructure: false },
            }],
        });
    });
});

describe("grafanaEnvironment", () => {
    const local = grafanaEnvironment(renderInputs(settings()).grafanaEnvironment);
    const production = grafanaEnvironment(renderInputs(PRODUCTION).grafanaEnvironment);

    it("serves HTTPS with its certificate at the minimum TLS version of the stack", () => {
        expect(local).to.include({
            GF_SERVER_PROTOCOL: "https",
            GF_SERVER_HTTP_PORT: "3000",
            GF_SERVER_CERT_FILE: "/etc/grafana/tls/tls.crt",
            GF_SERVER_CERT_KEY: "/etc/grafana/tls/tls.key",
            GF_SERVER_MIN_TLS_VERSION: "TLS1.2",
        });
        expect(production.GF_SERVER_MIN_TLS_VERSION).to.equal("TLS1.3");
    });

    it("knows its public URL (with the edge port only where the edge is not on 443)", () => {
        expect(local.GF_SERVER_ROOT_URL).to.equal("https://grafana.localhost:8443/");
        expect(production.GF_SERVER_ROOT_URL).to.equal("https://grafana.example.com/");
    });

    it("can never start with admin/admin: the admin is the configured user and the password a file", () => {
        expect(production.GF_SECURITY_ADMIN_USER).to.equal("ops-admin");
        expect(local.GF_SECURITY_ADMIN_USER).to.equal("grafana-admin");
        expect(production.GF_SECURITY_ADMIN_PASSWORD__FILE).to.equal("/run/secrets/grafana-admin-password");
        expect(production).to.not.have.property("GF_SECURITY_ADMIN_PASSWORD");
    });

    it("hardens the security settings, reports nothing home and downloads no plugin at start", () => {
        expect(local).to.include({
            GF_PLUGINS_PREINSTALL_DISABLED: "true",
            GF_SECURITY_COOKIE_SECURE: "true",
            GF_SECURITY_STRICT_TRANSPORT_SECURITY: "true",
            GF_SECURITY_DISABLE_GRAVATAR: "true",
            GF_USERS_ALLOW_SIGN_UP: "false",
            GF_AUTH_ANONYMOUS_ENABLED: "false",
            GF_ANALYTICS_REPORTING_ENABLED: "false",
            GF_SNAPSHOTS_EXTERNAL_ENABLED: "false",
            GF_METRICS_ENABLED: "true",
        });
    });

    it("provisions from the directory the datasource and dashboard-provider files are written to", () => {
        expect(local.GF_PATHS_PROVISIONING).to.equal("/etc/grafana/provisioning");
        expect(CONFIG_PATHS.grafanaDatasources.startsWith(`${local.GF_PATHS_PROVISIONING}/datasources/`)).to.equal(true);
        expect(CONFIG_PATHS.grafanaDashboardProviders.startsWith(`${local.GF_PATHS_PROVISIONING}/dashboards/`)).to.equal(true);
    });

    it("holds no secret: no value carries a secret, and credential-named variables are only *__FILE references", () => {
        for (const [name, value] of Object.entries(production)) {
            expect(value, name).to.not.include("secret-value-of");
            if (/PASSWORD|SECRET|TOKEN|API_?KEY|CREDENTIAL/.test(name)) {
                expect(name, `${name} must be a __FILE reference`).to.match(/__FILE$/);
                expect(value).to.match(/^\/run\/secrets\//);
            }
        }
    });
});
