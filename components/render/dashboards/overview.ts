import type { ServiceName } from "../../settings/types";
import { WATCHDOG_ALERT } from "../alertmanager";
import { DEFAULT_ALERT_THRESHOLDS as ALERT } from "../alerts/thresholds";
import { PROBE_ENDPOINT_LABEL, SCRAPE_JOB_NAMES } from "../prometheus";
import type { DashboardInput } from "./index";
import { Dashboard, dashboard, PanelSpec, stat, table, timeseries, upStat } from "./panels";
import { eq, ne, orZero, sel } from "./promql";

const SERVICE_TITLES: Readonly<Record<ServiceName, string>> = {
    postgres: "PostgreSQL",
    redis: "Redis",
    api: "API",
    prometheus: "Prometheus",
    grafana: "Grafana",
    alertmanager: "Alertmanager",
    jaeger: "Jaeger",
};

/**
 * The 0/1 series that says whether each service is up. The databases are judged by their exporters' own probe
 * (`pg_up`, `redis_up`): the exporter being scraped says nothing about the database behind it.
 */
const SERVICE_UP: Readonly<Record<ServiceName, string>> = {
    postgres: sel("pg_up", eq("job", SCRAPE_JOB_NAMES.postgres)),
    redis: sel("redis_up", eq("job", SCRAPE_JOB_NAMES.redis)),
    api: sel("up", eq("job", SCRAPE_JOB_NAMES.api)),
    prometheus: sel("up", eq("job", SCRAPE_JOB_NAMES.prometheus)),
    grafana: sel("up", eq("job", SCRAPE_JOB_NAMES.grafana)),
    alertmanager: sel("up", eq("job", SCRAPE_JOB_NAMES.alertmanager)),
    jaeger: sel("up", eq("job", SCRAPE_JOB_NAMES.jaeger)),
};

const FIRING = eq("alertstate", "firing");

/** Count of firing alerts of one severity; the Watchdog is left out (it always fires, by design). */
function firingCount(severity: string): string {
    return orZero(`count(${sel("ALERTS", FIRING, eq("severity", severity))})`);
}

/** One screen for the whole stack: each service up or down, the alerting pipeline, firing alerts, probes. */
export function overviewDashboard(settings: DashboardInput): Dashboard {
    const blackbox = eq("job", SCRAPE_JOB_NAMES.blackbox);
    const services: PanelSpec[] = (Object.keys(SERVICE_UP) as ServiceName[]).map((service) =>
        upStat(SERVICE_TITLES[service], orZero(`min(${SERVICE_UP[service]})`)));
    return dashboard({
        uid: "stack-overview",
        title: "Stack overview",
        description: `Every service of ${settings.namePrefix} (${settings.environment}) and the alerts firing now.`,
        tags: ["service-stack", "overview"],
        panels: [
            ...services,
            upStat("Alerting pipeline", orZero(`count(${sel("ALERTS", FIRING, eq("alertname", WATCHDOG_ALERT))})`), {
                description: `The ${WATCHDOG_ALERT} alert always fires; when it does not, rule evaluation is broken.`,
            }),
            stat("Critical alerts firing", "short", { expr: firingCount("critical") }, { width: 12, thresholds: [{ value: 1, color: "red" }] }),
            stat("Warning alerts firing", "short", { expr: firingCount("warning") }, { width: 12, thresholds: [{ value: 1, color: "orange" }] }),
            table("Firing alerts", { expr: sel("ALERTS", FIRING, ne("alertname", WATCHDOG_ALERT)) }, ["Time", "Value", "__name__", "alertstate"]),
            timeseries("Scrape targets up", "none", [{ expr: "up", legend: "{{job}} {{instance}}" }], { min: 0, max: 1 }),
            timeseries("Public endpoint probes", "none", [{ expr: sel("probe_success", blackbox), legend: `{{${PROBE_ENDPOINT_LABEL}}}` }], { min: 0, max: 1 }),
            timeseries("Certificate expiry", "d", [{
                expr: `(${sel("probe_ssl_earliest_cert_expiry", blackbox)} - time()) / 86400`,
                legend: `{{${PROBE_ENDPOINT_LABEL}}}`,
            }], {
                description: "Days until the certificate each public endpoint presents expires.",
                baseColor: "red",
                thresholds: [
                    { value: ALERT.certificateExpiryCriticalDays, color: "orange" },
                    { value: ALERT.certificateExpiryWarningDays, color: "green" },
                ],
            }),
        ],
    });
}
