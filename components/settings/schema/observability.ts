import { byteSize, durationMs, isHostPort, isPort, isSingleUnitDuration } from "../grammars";
import { duration, email, flag, integer, key, must, text } from "./kinds";
import { group, optionalGroup, SharedRow } from "./nodes";

/**
 * Where docs/runbook.md is published when `alerting.runbookUrl` is not set: this repository's file on GitHub, under
 * a placeholder organisation that each team replaces with its own (README, "Configuration").
 */
export const DEFAULT_RUNBOOK_URL = "https://github.com/example-org/service-stack/blob/main/docs/runbook.md";

/**
 * An https URL of a document: a host name, an optional port, and a path of RFC 3986 path characters, at most 2048
 * characters. No `#` or `?` (each alert's anchor is appended) and no `{`/`}`: Prometheus expands `{{ … }}` in the
 * `runbook_url` annotation as a template.
 */
function isRunbookUrl(text: string): boolean {
    const match = /^https:\/\/([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d+))?(\/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*)$/.exec(text);
    return match !== null && text.length <= 2048 && (match[2] === undefined || isPort(match[2]));
}

const GROUPING: SharedRow = { type: "duration (`groupWait` may be `0s`)", default: "`30s` / `5m`", meaning: "Alertmanager grouping" };

/** Prometheus's scrape and retention, Alertmanager's timing and receivers (each needing its secret). */
export const METRICS_AND_ALERTING_KEYS = {
    prometheus: group({
        scrapeInterval: key(duration, {
            default: "15s",
            // Grafana reads the scrape interval too (the Prometheus data source's `timeInterval`), and only in one unit.
            rules: [must(isSingleUnitDuration, "a duration in one unit such as `15s` or `1m`: Grafana reads `1m30s` as `1m`")],
            type: "duration in one unit (`15s`, `1m`): Grafana reads `1m30s` as `1m`",
            meaning: "global scrape interval",
        }),
        evaluationInterval: key(duration, { default: "15s", meaning: "rule evaluation interval" }),
        retentionTime: key(duration, { default: "15d", meaning: "TSDB retention" }),
        retentionSize: key(text({ accepts: (text) => (byteSize(text) ?? 0n) > 0n, expected: "a size above zero such as `10GB` (a whole number and B, KB, MB, GB, TB, PB or EB; less than 8EB)" }), {
            type: "size above zero, below 8EB: whole number and `B`, `KB`, `MB`, `GB`, `TB`, `PB` or `EB` (`10GB`)",
            meaning: "optional TSDB size cap",
        }),
    }),
    // Read (and reported) receivers first, as they always were.
    alerting: group({
        repeatInterval: key(duration, { default: "4h", meaning: "re-send interval of a firing alert" }),
        // Zero is allowed here (a new group's first notification goes out at once); Alertmanager refuses it for the other two.
        groupWait: key(text({ accepts: (text) => durationMs(text) !== undefined, expected: "a duration such as `30s` or `0s` (units in the order y, w, d, h, m, s, ms, each at most once; at most 292 years)" }), {
            default: "30s",
            row: GROUPING,
        }),
        groupInterval: key(duration, { default: "5m", row: GROUPING }),
        slack: optionalGroup({
            channel: key(text({ accepts: /^#[a-z0-9_-]{1,80}$/, expected: "a Slack channel such as `#ops-alerts`" }), {
                required: {},
                type: "`#` and 1–80 of `a-z 0-9 _ -`",
                meaning: "Slack receiver; needs secret `slackWebhookUrl`",
            }),
        }),
        // Alertmanager expands `to` and `from` as templates: the address grammar leaves no `{{`. A missing one is refused as empty.
        email: optionalGroup({
            to: key(email, { required: { missingAs: "" } }),
            from: key(email, { required: { missingAs: "" } }),
            smarthost: key(text({ accepts: isHostPort, expected: "`host:port` of the SMTP relay, such as `smtp.example.com:587` (a host name or IPv4 address, a port from 1 to 65535)" }), { required: { missingAs: "" } }),
            username: key(text(), {}),
        }, {
            row: {
                type: "`{to, from, smarthost, username?}`: `to`/`from` e-mails as `acmeEmail`, `smarthost` `host:port` (host name or IPv4, port 1–65535), `username` text",
                default: "none",
                meaning: "e-mail receiver; `username` needs secret `smtpPassword`",
            },
        }),
        pagerduty: key(flag, { default: false, meaning: "PagerDuty for critical alerts; needs secret `pagerdutyRoutingKey`" }),
        webhook: key(flag, { default: false, meaning: "generic webhook receiver; needs secret `webhookUrl`" }),
        watchdog: key(flag, { default: false, meaning: "dead-man's-switch for the Watchdog alert; needs secret `watchdogUrl`" }),
        runbookUrl: key(text({ accepts: isRunbookUrl, expected: "an https URL of the published docs/runbook.md, without `#`, `?`, `{` or `}`, at most 2048 characters" }), {
            default: DEFAULT_RUNBOOK_URL,
            type: "https URL: host, optional port, path of RFC 3986 path characters; no `#`, `?`, `{` or `}`; ≤ 2048 characters",
            meaning: "where your copy of `docs/runbook.md` is published; every alert's `runbook_url` is this plus `#<alert>`. Set it: the default's organisation is a placeholder",
        }),
    }, { readOrder: ["slack", "email", "pagerduty", "webhook", "watchdog", "repeatInterval", "groupWait", "groupInterval", "runbookUrl"] }),
};

/** Grafana's admin and Jaeger's in-memory store. */
export const DASHBOARDS_AND_TRACES_KEYS = {
    grafana: group({
        adminUser: key(text({ accepts: /^[a-z][a-z0-9_.-]{2,31}$/, expected: "a user name of 3 to 32 lower-case characters" }), {
            default: "grafana-admin",
            rules: [must((user) => user !== "admin", "a user name other than the well-known default `admin`")],
            type: "3–32 of `a-z 0-9 _ . -`, starting with a letter; not `admin`",
            meaning: "Grafana admin user (password generated)",
        }),
    }),
    jaeger: group({
        maxTraces: key(integer(1000, 10000000), { default: 100000, meaning: "traces kept in Jaeger's in-memory store" }),
    }),
};
