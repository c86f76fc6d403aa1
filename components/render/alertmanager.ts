import { stringify } from "yaml";
import { CONFIG_PATHS, SECRET_FILES } from "../workloads/catalogue";
import type { AlertingSettings, StackSettings } from "../settings/types";

/** Names of the receivers the rendered routing tree sends to. */
export const RECEIVERS = {
    /** Root receiver: chat integrations, so an alert with an unexpected severity still reaches someone. */
    default: "default",
    critical: "critical",
    warning: "warning",
    watchdog: "watchdog",
    /** Receiver with no integrations: the Watchdog's destination when no dead-man's switch is configured. */
    null: "null",
} as const;

/** Name of the always-firing alert that proves the alerting pipeline works end to end. */
export const WATCHDOG_ALERT = "Watchdog";

/** Labels alerts are grouped by; the alert rules set `service` and `severity` on every rule. */
export const GROUP_BY = ["alertname", "service", "severity"] as const;

// A dead-man's switch expects a steady heartbeat: notify at once and re-send every minute. Alertmanager only
// flushes on group_interval ticks, so the service on the other end sees one ping every one to two minutes.
const WATCHDOG_TIMING = { group_wait: "0s", group_interval: "1m", repeat_interval: "1m" } as const;

/** Receiver secrets that must be inlined in alertmanager.yml (see renderAlertmanagerConfig). */
export interface AlertmanagerInlineSecrets {
    /** URL of the generic webhook receiver; required when `alerting.webhook` is true. */
    readonly webhookUrl?: string;
    /** URL of the dead-man's switch; required when `alerting.watchdog` is true. */
    readonly watchdogUrl?: string;
}

interface SlackConfig { readonly send_resolved: true; readonly api_url_file: string; readonly channel: string }
interface EmailConfig {
    readonly send_resolved: true;
    readonly to: string;
    readonly from: string;
    readonly smarthost: string;
    readonly require_tls: true;
    readonly auth_username?: string;
    readonly auth_password_file?: string;
}
interface WebhookConfig { readonly send_resolved: boolean; readonly url: string }
interface PagerdutyConfig { readonly send_resolved: true; readonly routing_key_file: string }

interface Receiver {
    readonly name: string;
    readonly slack_configs?: readonly SlackConfig[];
    readonly email_configs?: readonly EmailConfig[];
    readonly webhook_configs?: readonly WebhookConfig[];
    readonly pagerduty_configs?: readonly PagerdutyConfig[];
}

type Integrations = Omit<Receiver, "name">;

/**
 * alertmanager.yml: severity-based routing (critical to the pager and chat, warning to chat, Watchdog to its
 * dead-man's switch), warnings inhibited while a critical alert fires for the same service.
 *
 * Slack, PagerDuty and SMTP credentials are file references to SECRET_FILES. Webhook URLs are inlined from
 * `secrets`, because amtool 0.25 (which validates the file here) has no webhook `url_file` (Alertmanager 0.26+
 * does). When `alerting.webhook` or `alerting.watchdog` is on, the output holds a secret: the caller must wrap it
 * in `pulumi.secret` and upload it as a secret file.
 */
export function renderAlertmanagerConfig(settings: Pick<StackSettings, "alerting">, secrets: AlertmanagerInlineSecrets = {}): string {
    const alerting = settings.alerting;
    const chat = chatIntegrations(alerting, secrets);
    const pager: Integrations = alerting.pagerduty
        ? { pagerduty_configs: [{ send_resolved: true, routing_key_file: SECRET_FILES.pagerdutyRoutingKey }] }
        : {};
    // send_resolved is off for the heartbeat: when Prometheus dies the Watchdog times out as "resolved", and that
    // message must not look like one more heartbeat to the dead-man's switch.
    const watchdogReceiver: Receiver = alerting.watchdog
        ? { name: RECEIVERS.watchdog, webhook_configs: [{ send_resolved: false, url: required(secrets.watchdogUrl, "watchdogUrl", "alerting.watchdog") }] }
        : { name: RECEIVERS.null };

    const config = {
        route: {
            receiver: RECEIVERS.default,
            group_by: [...GROUP_BY],
            group_wait: alerting.groupWait,
            group_interval: alerting.groupInterval,
            repeat_interval: alerting.repeatInterval,
            routes: [
                { receiver: watchdogReceiver.name, matchers: [`alertname="${WATCHDOG_ALERT}"`], ...WATCHDOG_TIMING },
                { receiver: RECEIVERS.critical, matchers: ['severity="critical"'] },
                { receiver: RECEIVERS.warning, matchers: ['severity="warning"'] },
            ],
        },
        inhibit_rules: [
            {
                // Without `service=~".+"` a critical alert lacking the label would silence every unlabelled warning.
                source_matchers: ['severity="critical"', 'service=~".+"'],
                target_matchers: ['severity="warning"'],
                equal: ["service"],
            },
        ],
        receivers: [
            { name: RECEIVERS.default, ...chat },
            { name: RECEIVERS.critical, ...pager, ...chat },
            { name: RECEIVERS.warning, ...chat },
            watchdogReceiver,
        ] satisfies Receiver[],
    };
    // YAML 1.1 quoting: Alertmanager reads with yaml.v2, to which a plain `on`, `yes` or `n` (an SMTP user name, say)
    // is a boolean, not the string we wrote.
    return stringify(config, { aliasDuplicateObjects: false, version: "1.1" });
}

/** Command-line flags of the Alertmanager container: one node, TLS and basic auth from the web config. */
export function alertmanagerArgs(input: { readonly port: number; readonly externalUrl: string }): string[] {
    return [
        `--config.file=${CONFIG_PATHS.alertmanagerConfig}`,
        `--web.config.file=${CONFIG_PATHS.alertmanagerWebConfig}`,
        `--web.listen-address=:${input.port}`,
        "--storage.path=/alertmanager",
        // Empty: a single node, no gossip port to expose or secure.
        "--cluster.listen-address=",
        `--web.external-url=${input.externalUrl}`,
    ];
}

function chatIntegrations(alerting: AlertingSettings, secrets: AlertmanagerInlineSecrets): Integrations {
    const email = alerting.email;
    return {
        ...(alerting.slack ? { slack_configs: [{ send_resolved: true, api_url_file: SECRET_FILES.slackWebhookUrl, channel: alerting.slack.channel }] } : {}),
        ...(email ? {
            email_configs: [{
                send_resolved: true,
                to: email.to,
                from: email.from,
                smarthost: email.smarthost,
                require_tls: true,
                ...(email.username ? { auth_username: email.username, auth_password_file: SECRET_FILES.smtpPassword } : {}),
            }],
        } : {}),
        ...(alerting.webhook ? { webhook_configs: [{ send_resolved: true, url: required(secrets.webhookUrl, "webhookUrl", "alerting.webhook") }] } : {}),
    };
}

function required(value: string | undefined, key: keyof AlertmanagerInlineSecrets, setting: string): string {
    if (!value) throw new Error(`renderAlertmanagerConfig: \`secrets.${key}\` is required when \`${setting}\` is true.`);
    return value;
}
