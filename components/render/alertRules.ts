import { stringify } from "yaml";
import type { AlertSettings } from "./alerts/types";
import { type AlertDefinition, alertGroups, type AlertThresholds, runbookUrl } from "./alerts";

/**
 * Prometheus rule files, one per concern: file name (`api.yml`, …) to its YAML. Thresholds are
 * DEFAULT_ALERT_THRESHOLDS merged with `overrides`. Holds no secret.
 */
export function renderAlertRules(settings: AlertSettings, overrides: Partial<AlertThresholds> = {}): Record<string, string> {
    return Object.fromEntries(alertGroups(settings, overrides).map((group) => [
        `${group.name}.yml`,
        stringify({ groups: [{ name: group.name, rules: group.rules.map((rule) => ruleOf(rule, settings.alerting.runbookUrl)) }] }, { aliasDuplicateObjects: false, lineWidth: 0 }),
    ]));
}

function ruleOf(definition: AlertDefinition, runbook: string) {
    return {
        alert: definition.alert,
        expr: definition.expr,
        for: definition.for,
        labels: { severity: definition.severity, service: definition.service },
        annotations: {
            summary: definition.summary,
            description: definition.description,
            runbook_url: runbookUrl(runbook, definition.alert),
        },
    };
}
