import type { StackSettings } from "../../settings/types";
import type { AlertThresholds } from "./thresholds";

/** `critical` pages, `warning` goes to chat, `none` is the Watchdog's heartbeat. */
export type Severity = "critical" | "warning" | "none";

/** One alerting rule as data; rendering adds the runbook link and the label/annotation layout. */
export interface AlertDefinition {
    /** Alert name; also the runbook section (`docs/runbook.md#<name in lower case>`). */
    readonly alert: string;
    readonly expr: string;
    /** How long the condition must hold before the alert fires (a Prometheus duration). */
    readonly for: string;
    readonly severity: Severity;
    /** The `service` label: Alertmanager groups by it and inhibits warnings while a critical of the same service fires. */
    readonly service: string;
    readonly summary: string;
    /** Go template text; includes `{{ $value }}`, humanized where that reads better. */
    readonly description: string;
}

/** The alerts of one concern, rendered as one rule file `<name>.yml` with one group of the same name. */
export interface AlertGroupDefinition {
    readonly name: string;
    readonly rules: readonly AlertDefinition[];
}

/** What the rules read of the settings: the API's metric names, the backup job, the platform, the runbook. */
export type AlertSettings = Pick<StackSettings, "alerting" | "api" | "backup" | "platform">;

/** What every concern's rules are built from. */
export interface AlertContext {
    readonly settings: AlertSettings;
    readonly thresholds: AlertThresholds;
}
