import { DEFAULT_RUNBOOK_URL } from "./defaults";
import { durationMs, isEmailAddress, isHostPort, isPort } from "./grammars";
import type { AlertingSettings, SecretKey } from "./types";
import { ConfigReader, EMAIL_EXPECTED } from "./validate";

/** Keys of the `alerting` config object. */
export const ALERTING_CONFIG_KEYS = ["repeatInterval", "groupWait", "groupInterval", "slack", "email", "pagerduty", "webhook", "watchdog", "runbookUrl"] as const;

/** How the reader learns whether a receiver's secret is in the stack's config. */
export interface SecretPresence {
    readonly project: string;
    readonly has: (key: SecretKey) => boolean;
}

/**
 * An https URL of a document: a host name, an optional port, and a path of RFC 3986 path characters, at most 2048
 * characters. No `#` or `?` (each alert's anchor is appended) and no `{`/`}`: Prometheus expands `{{ … }}` in the
 * `runbook_url` annotation as a template.
 */
function isRunbookUrl(text: string): boolean {
    const match = /^https:\/\/([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d+))?(\/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*)$/.exec(text);
    return match !== null && text.length <= 2048 && (match[2] === undefined || isPort(match[2]));
}

/** Reads the `alerting` object: intervals, receivers (each needing its secret) and the runbook URL. */
export function readAlerting(r: ConfigReader, secrets: SecretPresence, value: unknown): AlertingSettings {
    const a = r.object("alerting", value, ALERTING_CONFIG_KEYS);
    const requireSecret = (key: SecretKey, receiver: string): void => {
        if (!secrets.has(key)) {
            r.conflict(`\`${secrets.project}:${key}\` is required when \`alerting.${receiver}\` is enabled: set it with \`pulumi config set --secret ${key} …\`.`);
        }
    };
    const slack = readSlack(r, a.slack, requireSecret);
    const email = readEmail(r, a.email, requireSecret);
    const pagerduty = r.boolean("alerting.pagerduty", a.pagerduty, false);
    if (pagerduty) requireSecret("pagerdutyRoutingKey", "pagerduty");
    const webhook = r.boolean("alerting.webhook", a.webhook, false);
    if (webhook) requireSecret("webhookUrl", "webhook");
    const watchdog = r.boolean("alerting.watchdog", a.watchdog, false);
    if (watchdog) requireSecret("watchdogUrl", "watchdog");
    return {
        repeatInterval: r.duration("alerting.repeatInterval", a.repeatInterval, "4h"),
        // Zero is allowed here (a new group's first notification goes out at once); Alertmanager refuses it for the other two.
        groupWait: r.string("alerting.groupWait", a.groupWait, "30s", (text) => durationMs(text) !== undefined, "a duration such as `30s` or `0s` (units in the order y, w, d, h, m, s, ms, each at most once; at most 292 years)"),
        groupInterval: r.duration("alerting.groupInterval", a.groupInterval, "5m"),
        slack,
        email,
        pagerduty,
        webhook,
        watchdog,
        runbookUrl: r.string("alerting.runbookUrl", a.runbookUrl, DEFAULT_RUNBOOK_URL, isRunbookUrl, "an https URL of the published docs/runbook.md, without `#`, `?`, `{` or `}`, at most 2048 characters"),
    };
}

type RequireSecret = (key: SecretKey, receiver: string) => void;

function readSlack(r: ConfigReader, value: unknown, requireSecret: RequireSecret): AlertingSettings["slack"] {
    if (value === undefined) return undefined;
    const s = r.object("alerting.slack", value, ["channel"]);
    const expected = "a Slack channel such as `#ops-alerts`";
    const channel = r.string("alerting.slack.channel", s.channel, undefined, /^#[a-z0-9_-]{1,80}$/, expected);
    if (s.channel === undefined) r.fail("alerting.slack.channel", undefined, expected);
    requireSecret("slackWebhookUrl", "slack");
    return channel ? { channel } : undefined;
}

function readEmail(r: ConfigReader, value: unknown, requireSecret: RequireSecret): AlertingSettings["email"] {
    if (value === undefined) return undefined;
    const e = r.object("alerting.email", value, ["to", "from", "smarthost", "username"]);
    // Alertmanager expands `to` and `from` as templates: the address grammar leaves no `{{`.
    const address = (key: "to" | "from") => r.string(`alerting.email.${key}`, e[key] ?? "", undefined, isEmailAddress, EMAIL_EXPECTED);
    const to = address("to");
    const from = address("from");
    const smarthost = r.string("alerting.email.smarthost", e.smarthost ?? "", undefined, isHostPort, "`host:port` of the SMTP relay, such as `smtp.example.com:587` (a host name or IPv4 address, a port from 1 to 65535)");
    const username = r.string("alerting.email.username", e.username, undefined);
    if (username) requireSecret("smtpPassword", "email.username");
    return to && from && smarthost ? { to, from, smarthost, username } : undefined;
}
