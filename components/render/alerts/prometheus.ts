import { SCRAPE_JOB_NAMES } from "../prometheus";
import type { AlertContext, AlertDefinition, AlertGroupDefinition } from "./types";

/** Prometheus itself: its targets, configuration, rules, and whether it reaches Alertmanager. */
function prometheusRules(): AlertDefinition[] {
    const prometheus = `job="${SCRAPE_JOB_NAMES.prometheus}"`;
    return [
        {
            alert: "PrometheusTargetMissing",
            expr: "up == 0",
            for: "5m",
            severity: "warning",
            service: "prometheus",
            summary: "A scrape target is down",
            description: "Prometheus has failed to scrape {{ $labels.job }} at {{ $labels.instance }} for 5 minutes (up = {{ $value }}); its metrics and alerts are blind.",
        },
        {
            alert: "PrometheusConfigReloadFailed",
            expr: `max_over_time(prometheus_config_last_reload_successful{${prometheus}}[5m]) == 0`,
            for: "10m",
            severity: "warning",
            service: "prometheus",
            summary: "Prometheus could not load its configuration",
            description: "The last configuration reload of {{ $labels.instance }} failed (prometheus_config_last_reload_successful = {{ $value }}); it runs on the previous configuration.",
        },
        {
            alert: "PrometheusRuleEvaluationFailures",
            expr: `increase(prometheus_rule_evaluation_failures_total{${prometheus}}[5m]) > 0`,
            for: "15m",
            severity: "warning",
            service: "prometheus",
            summary: "Prometheus fails to evaluate rules",
            description: "{{ $value | humanize }} rule evaluations in group {{ $labels.rule_group }} failed over the last 5 minutes; alerts in it may never fire.",
        },
        {
            alert: "PrometheusNotConnectedToAlertmanager",
            expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${prometheus}}[5m]) < 1`,
            for: "10m",
            severity: "warning",
            service: "prometheus",
            summary: "Prometheus has no Alertmanager to send to",
            description: "{{ $labels.instance }} has discovered {{ $value }} Alertmanagers for 10 minutes; firing alerts go nowhere.",
        },
        {
            alert: "PrometheusNotificationsFailing",
            expr: `sum by (instance) (rate(prometheus_notifications_errors_total{${prometheus}}[5m])) / sum by (instance) (rate(prometheus_notifications_sent_total{${prometheus}}[5m])) > 0.01`,
            for: "15m",
            severity: "warning",
            service: "prometheus",
            summary: "Prometheus fails to deliver alerts to Alertmanager",
            description: "{{ $value | humanizePercentage }} of the alerts {{ $labels.instance }} sent to Alertmanager over the last 5 minutes failed.",
        },
    ];
}

/** Alertmanager: its configuration, and whether its notifications get out. */
function alertmanagerRules(): AlertDefinition[] {
    const alertmanager = `job="${SCRAPE_JOB_NAMES.alertmanager}"`;
    return [
        {
            alert: "AlertmanagerConfigReloadFailed",
            expr: `max_over_time(alertmanager_config_last_reload_successful{${alertmanager}}[5m]) == 0`,
            for: "10m",
            severity: "warning",
            service: "alertmanager",
            summary: "Alertmanager could not load its configuration",
            description: "The last configuration reload of {{ $labels.instance }} failed (alertmanager_config_last_reload_successful = {{ $value }}); it routes with the previous configuration.",
        },
        {
            alert: "AlertmanagerNotificationsFailing",
            // Summed by integration: Alertmanager 0.28 adds a `reason` label the 0.25 series do not have.
            expr: `sum by (instance, integration) (rate(alertmanager_notifications_failed_total{${alertmanager}}[5m])) / sum by (instance, integration) (rate(alertmanager_notifications_total{${alertmanager}}[5m])) > 0.01`,
            for: "5m",
            severity: "warning",
            service: "alertmanager",
            summary: "Alertmanager fails to send notifications",
            description: "{{ $value | humanizePercentage }} of the {{ $labels.integration }} notifications from {{ $labels.instance }} failed over the last 5 minutes: people are not being told about alerts.",
        },
    ];
}

/** The monitoring pipeline itself: targets, Prometheus's configuration and rules, delivery to and by Alertmanager. */
export function monitoringAlerts(_context: AlertContext): AlertGroupDefinition {
    return { name: "prometheus", rules: [...prometheusRules(), ...alertmanagerRules()] };
}
