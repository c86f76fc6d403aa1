import { DEFAULT_ALERT_THRESHOLDS as ALERT } from "../alerts/thresholds";
import { SCRAPE_JOB_NAMES } from "../prometheus";
import { containerOf } from "./containers-host";
import type { DashboardInput } from "./index";
import { Dashboard, dashboard, stat, timeseries, upStat } from "./panels";
import { eq, orZero, rate, re, sel, sum } from "./promql";

const PERCENTILES = [0.5, 0.95, 0.99] as const;
// Thresholds drawn where the alerts fire (SlowAPIResponse / HighLatency, ModerateErrorRate / HighErrorRate).
const LATENCY_THRESHOLDS = [
    { value: ALERT.apiLatencyP95WarningSeconds, color: "orange" },
    { value: ALERT.apiLatencyP95CriticalSeconds, color: "red" },
] as const;
const ERROR_THRESHOLDS = [
    { value: ALERT.apiErrorRatioWarning, color: "orange" },
    { value: ALERT.apiErrorRatioCritical, color: "red" },
] as const;

/** The API's golden signals: traffic, errors, latency, saturation; metric names from `api.metricNames`. */
export function apiDashboard(settings: DashboardInput): Dashboard {
    const names = settings.api.metricNames;
    const job = eq("job", SCRAPE_JOB_NAMES.api);
    const requests = (...matchers: string[]) => sum(rate(sel(names.requestsTotal, job, ...matchers)));
    const errorRatio = `${requests(re(names.statusLabel, "5.."))} / ${requests()}`;
    const quantile = (q: number) => `histogram_quantile(${q}, ${sum(rate(sel(names.requestDurationBucket, job)), "le")})`;
    const container = containerOf(settings, settings.apiAlias);
    return dashboard({
        uid: "stack-api",
        title: "API golden signals",
        description: `Traffic, errors, latency and saturation of the API, from ${names.requestsTotal} and ${names.requestDurationBucket}.`,
        tags: ["service-stack", "api"],
        panels: [
            upStat("API", orZero(`min(${sel("up", job)})`), { width: 6 }),
            stat("Requests", "reqps", { expr: orZero(requests()) }),
            stat("Error ratio", "percentunit", { expr: errorRatio }, { thresholds: ERROR_THRESHOLDS }),
            stat("P95 latency", "s", { expr: quantile(0.95) }, { thresholds: LATENCY_THRESHOLDS }),
            timeseries("Request rate by status", "reqps", [{
                expr: sum(rate(sel(names.requestsTotal, job)), names.statusLabel),
                legend: `{{${names.statusLabel}}}`,
            }]),
            timeseries("Error ratio (5xx)", "percentunit", [{ expr: errorRatio, legend: "5xx / all" }], { min: 0, thresholds: ERROR_THRESHOLDS }),
            timeseries("Latency", "s", PERCENTILES.map((q) => ({ expr: quantile(q), legend: `P${q * 100}` })), { min: 0, thresholds: LATENCY_THRESHOLDS }),
            timeseries("Saturation", "percentunit", [
                {
                    expr: `max(${sel("container_memory_working_set_bytes", eq("job", SCRAPE_JOB_NAMES.cadvisor), container)}) / max(${sel("container_spec_memory_limit_bytes", eq("job", SCRAPE_JOB_NAMES.cadvisor), container)} > 0)`,
                    legend: "memory of limit",
                },
                {
                    expr: `${sum(rate(sel("container_cpu_usage_seconds_total", eq("job", SCRAPE_JOB_NAMES.cadvisor), container)))} / ${settings.resources.api.cpus}`,
                    legend: "CPU of share",
                },
            ], {
                min: 0,
                thresholds: [{ value: 0.9, color: "red" }],
                description: "Memory against the container's limit; CPU against the share the stack gives it (`resources.api.cpus`).",
            }),
        ],
    });
}
