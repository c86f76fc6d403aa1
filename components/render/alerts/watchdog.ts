import { WATCHDOG_ALERT } from "../alertmanager";
import type { AlertContext, AlertGroupDefinition } from "./types";

/** The always-firing heartbeat: when the dead-man's switch stops hearing it, the alerting pipeline is broken. */
export function watchdogAlerts(_context: AlertContext): AlertGroupDefinition {
    return {
        name: "watchdog",
        rules: [
            {
                alert: WATCHDOG_ALERT,
                expr: "vector(1)",
                for: "0m",
                severity: "none",
                service: "alerting",
                summary: "Alerting pipeline heartbeat",
                description: "Always firing (value {{ $value }}) so the dead-man's switch receiver hears that Prometheus evaluates rules and Alertmanager delivers; if it stops, alerting is broken.",
            },
        ],
    };
}
