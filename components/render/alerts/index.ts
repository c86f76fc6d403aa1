import { apiAlerts } from "./api";
import { backupAlerts } from "./backup";
import { certificateAlerts } from "./certificates";
import { hostAlerts } from "./host";
import { postgresAlerts } from "./postgres";
import { monitoringAlerts } from "./prometheus";
import { probeAlerts } from "./probes";
import { redisAlerts } from "./redis";
import { type AlertThresholds, DEFAULT_ALERT_THRESHOLDS } from "./thresholds";
import type { AlertContext, AlertSettings, AlertGroupDefinition } from "./types";
import { watchdogAlerts } from "./watchdog";

export { BACKUP_DESTINATION_LABEL, BACKUP_METRICS } from "./backup";
export { DEFAULT_ALERT_THRESHOLDS } from "./thresholds";
export type { AlertThresholds } from "./thresholds";
export type { AlertDefinition, AlertGroupDefinition, Severity } from "./types";

/** Link to an alert's section of the runbook at `runbook` (GitHub's heading anchor of `## <alert>`). */
export function runbookUrl(runbook: string, alert: string): string {
    return `${runbook}#${alert.toLowerCase()}`;
}

/** Each concern's alerts; a concern that does not apply to the stack's platform returns undefined. */
const CONCERNS: readonly ((context: AlertContext) => AlertGroupDefinition | undefined)[] = [
    apiAlerts,
    postgresAlerts,
    redisAlerts,
    hostAlerts,
    certificateAlerts,
    probeAlerts,
    monitoringAlerts,
    backupAlerts,
    watchdogAlerts,
];

/** Every alert group of the stack, the thresholds being the defaults merged with `overrides`. */
export function alertGroups(settings: AlertSettings, overrides: Partial<AlertThresholds> = {}): AlertGroupDefinition[] {
    const context: AlertContext = { settings, thresholds: { ...DEFAULT_ALERT_THRESHOLDS, ...overrides } };
    return CONCERNS.map((concern) => concern(context)).filter((group): group is AlertGroupDefinition => group !== undefined);
}
