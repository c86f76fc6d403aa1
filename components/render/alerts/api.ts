import { SCRAPE_JOB_NAMES } from "../prometheus";
import { millis, percent } from "./format";
import type { AlertContext, AlertGroupDefinition } from "./types";

/** The team's API: availability, 5xx ratio and P95 latency, from the metric names the stack settings give. */
export function apiAlerts({ settings, thresholds: t }: AlertContext): AlertGroupDefinition {
    const { requestsTotal, requestDurationBucket, statusLabel } = settings.api.metricNames;
    const job = `job="${SCRAPE_JOB_NAMES.api}"`;
    // `5..` also matches instrumentations that report the class ("5xx") rather than the code.
    const errorRatio = `sum(rate(${requestsTotal}{${job},${statusLabel}=~"5.."}[5m])) / sum(rate(${requestsTotal}{${job}}[5m]))`;
    const p95 = `histogram_quantile(0.95, sum by (le) (rate(${requestDurationBucket}{${job}}[5m])))`;
    const service = "api";
    return {
        name: "api",
        rules: [
            {
                alert: "APIDown",
                expr: `up{${job}} == 0`,
                for: "1m",
                severity: "critical",
                service,
                summary: "The API is down",
                description: "Prometheus cannot scrape the API at {{ $labels.instance }} (up = {{ $value }}) for 1 minute: the process is down, unhealthy or unreachable.",
            },
            {
                alert: "HighErrorRate",
                expr: `${errorRatio} > ${t.apiErrorRatioCritical}`,
                for: "5m",
                severity: "critical",
                service,
                summary: "The API's 5xx share is critical",
                description: `{{ $value | humanizePercentage }} of API requests ended in a 5xx over the last 5 minutes (critical above ${percent(t.apiErrorRatioCritical)}).`,
            },
            {
                alert: "ModerateErrorRate",
                expr: `${errorRatio} > ${t.apiErrorRatioWarning}`,
                for: "10m",
                severity: "warning",
                service,
                summary: "The API's 5xx share is elevated",
                description: `{{ $value | humanizePercentage }} of API requests ended in a 5xx over the last 5 minutes (warning above ${percent(t.apiErrorRatioWarning)}).`,
            },
            {
                alert: "HighLatency",
                expr: `${p95} > ${t.apiLatencyP95CriticalSeconds}`,
                for: "5m",
                severity: "critical",
                service,
                summary: "API P95 latency is critical",
                description: `95% of API requests completed within {{ $value | humanizeDuration }} over the last 5 minutes; the limit is ${millis(t.apiLatencyP95CriticalSeconds)}.`,
            },
            {
                alert: "SlowAPIResponse",
                expr: `${p95} > ${t.apiLatencyP95WarningSeconds}`,
                for: "10m",
                severity: "warning",
                service,
                summary: "API P95 latency is elevated",
                description: `95% of API requests completed within {{ $value | humanizeDuration }} over the last 5 minutes; the warning limit is ${millis(t.apiLatencyP95WarningSeconds)}.`,
            },
        ],
    };
}
