import { expect } from "chai";
import { parse } from "yaml";
import { alertmanagerArgs, renderAlertmanagerConfig, RECEIVERS } from "../../../components/render/alertmanager";
import { buildSettings } from "../../../components/settings/buildSettings";
import { SECRET_KEYS, StackSettings } from "../../../components/settings/types";
import { renderInputs } from "../../support/renderInputs";

const SLACK = { channel: "#ops-alerts" };
const EMAIL = { to: "oncall@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:587" };
const SECRETS = { webhookUrl: "https://hooks.example.com/T0/secret-webhook", watchdogUrl: "https://hc.example.com/ping/secret-watchdog" };

/** Settings of a stack whose `alerting` config is `alerting`, every receiver secret set. */
function settingsWith(alerting: Record<string, unknown>, extra: Record<string, unknown> = {}): StackSettings {
    const secrets = Object.fromEntries(SECRET_KEYS.map((k) => [k, "set"]));
    return buildSettings({ project: "service-stack", stack: "test", values: { alerting, ...secrets, ...extra }, secretKeys: new Set(SECRET_KEYS) });
}

interface Rendered {
    route: { receiver: string; group_by: string[]; group_wait: string; group_interval: string; repeat_interval: string; routes: Record<string, unknown>[] };
    inhibit_rules: Record<string, unknown>[];
    receivers: ({ name: string } & Record<string, unknown[]>)[];
}

function render(alerting: Record<string, unknown>): Rendered {
    return parse(renderAlertmanagerConfig(settingsWith(alerting), SECRETS)) as Rendered;
}

function receiver(config: Rendered, name: string): Record<string, unknown> {
    const found = config.receivers.find((r) => r.name === name);
    expect(found, `receiver ${name}`).to.not.equal(undefined);
    return found!;
}

/** Integration kinds of a receiver, e.g. ["pagerduty_configs", "slack_configs"]. */
function kinds(config: Rendered, name: string): string[] {
    return Object.keys(receiver(config, name)).filter((k) => k !== "name").sort();
}

describe("renderAlertmanagerConfig", () => {
    describe("routing tree", () => {
        const config = render({});

        it("groups by alert, service and severity with the stack's timing (repeat 4h by default)", () => {
            expect(config.route).to.deep.include({
                receiver: "default",
                group_by: ["alertname", "service", "severity"],
                group_wait: "30s",
                group_interval: "5m",
                repeat_interval: "4h",
            });
        });

        it("takes its timing from settings.alerting", () => {
            const custom = render({ groupWait: "10s", groupInterval: "2m", repeatInterval: "12h" });
            expect(custom.route).to.deep.include({ group_wait: "10s", group_interval: "2m", repeat_interval: "12h" });
        });

        it("routes the Watchdog first, then critical, then warning", () => {
            expect(config.route.routes).to.deep.equal([
                { receiver: "null", matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "1m" },
                { receiver: "critical", matchers: ['severity="critical"'] },
                { receiver: "warning", matchers: ['severity="warning"'] },
            ]);
        });

        it("inhibits a service's warnings while a critical alert fires for that service", () => {
            expect(config.inhibit_rules).to.deep.equal([{
                source_matchers: ['severity="critical"', 'service=~".+"'],
                target_matchers: ['severity="warning"'],
                equal: ["service"],
            }]);
        });
    });

    describe("a stack with no receivers configured", () => {
        const config = render({});

        it("declares every routed receiver, none with an integration", () => {
            expect(config.receivers).to.deep.equal([{ name: "default" }, { name: "critical" }, { name: "warning" }, { name: "null" }]);
        });

        it("needs no secret", () => {
            expect(() => renderAlertmanagerConfig(settingsWith({}))).to.not.throw();
        });
    });

    describe("receivers for each combination of integrations", () => {
        const cases: [string, Record<string, unknown>, { critical: string[]; warning: string[]; watchdog: string }][] = [
            ["Slack only", { slack: SLACK }, { critical: ["slack_configs"], warning: ["slack_configs"], watchdog: "null" }],
            ["e-mail only", { email: EMAIL }, { critical: ["email_configs"], warning: ["email_configs"], watchdog: "null" }],
            ["webhook only", { webhook: true }, { critical: ["webhook_configs"], warning: ["webhook_configs"], watchdog: "null" }],
            ["PagerDuty only", { pagerduty: true }, { critical: ["pagerduty_configs"], warning: [], watchdog: "null" }],
            ["watchdog only", { watchdog: true }, { critical: [], warning: [], watchdog: "watchdog" }],
            ["PagerDuty and Slack", { pagerduty: true, slack: SLACK }, { critical: ["pagerduty_configs", "slack_configs"], warning: ["slack_configs"], watchdog: "null" }],
            ["everything", { slack: SLACK, email: EMAIL, webhook: true, pagerduty: true, watchdog: true }, {
                critical: ["email_configs", "pagerduty_configs", "slack_configs", "webhook_configs"],
                warning: ["email_configs", "slack_configs", "webhook_configs"],
                watchdog: "watchdog",
            }],
        ];
        for (const [what, alerting, expected] of cases) {
            it(`${what}: critical -> ${expected.critical.join("+") || "nothing"}, warning -> ${expected.warning.join("+") || "nothing"}, Watchdog -> ${expected.watchdog}`, () => {
                const config = render(alerting);
                expect(kinds(config, RECEIVERS.critical)).to.deep.equal(expected.critical);
                expect(kinds(config, RECEIVERS.warning)).to.deep.equal(expected.warning);
                // Alerts of an unexpected severity fall through to chat rather than vanish.
                expect(kinds(config, RECEIVERS.default)).to.deep.equal(expected.warning);
                expect(config.route.routes[0]).to.include({ receiver: expected.watchdog });
                expect(config.receivers.map((r) => r.name)).to.deep.equal(["default", "critical", "warning", expected.watchdog]);
            });
        }
    });

    describe("integrations", () => {
        const config = render({ slack: SLACK, email: { ...EMAIL, username: "relay-user" }, webhook: true, pagerduty: true, watchdog: true });
        const critical = receiver(config, "critical");

        it("Slack reads its webhook URL from the secret file", () => {
            expect(critical.slack_configs).to.deep.equal([{ send_resolved: true, api_url_file: "/run/secrets/slack-webhook-url", channel: "#ops-alerts" }]);
        });

        it("PagerDuty reads its routing key from the secret file", () => {
            expect(critical.pagerduty_configs).to.deep.equal([{ send_resolved: true, routing_key_file: "/run/secrets/pagerduty-routing-key" }]);
        });

        it("e-mail requires TLS and reads the relay password from the secret file", () => {
            expect(critical.email_configs).to.deep.equal([{
                send_resolved: true,
                to: "oncall@example.com",
                from: "alertmanager@example.com",
                smarthost: "smtp.example.com:587",
                require_tls: true,
                auth_username: "relay-user",
                auth_password_file: "/run/secrets/smtp-password",
            }]);
        });

        it("e-mail without a relay user sends no credentials", () => {
            const plain = render({ email: EMAIL });
            expect(receiver(plain, "warning").email_configs).to.deep.equal([{ send_resolved: true, ...EMAIL, require_tls: true }]);
        });

        it("the webhook URL is inlined from the secrets argument", () => {
            expect(critical.webhook_configs).to.deep.equal([{ send_resolved: true, url: SECRETS.webhookUrl }]);
        });

        it("the Watchdog pings the dead-man's switch and never sends 'resolved' (which would look like a heartbeat)", () => {
            expect(receiver(config, "watchdog")).to.deep.equal({ name: "watchdog", webhook_configs: [{ send_resolved: false, url: SECRETS.watchdogUrl }] });
        });

        it("writes no YAML aliases, each receiver is self-contained", () => {
            const text = renderAlertmanagerConfig(settingsWith({ slack: SLACK, email: EMAIL }), SECRETS);
            expect(text).to.not.match(/[&*]a\d/);
        });
    });

    describe("secrets", () => {
        it("holds no secret when only file-backed integrations are on", () => {
            const text = renderAlertmanagerConfig(settingsWith({ slack: SLACK, email: { ...EMAIL, username: "u" }, pagerduty: true }), SECRETS);
            expect(text).to.not.include("secret-webhook").and.not.include("secret-watchdog");
        });

        it("fails loudly when the webhook is on but its URL was not passed", () => {
            expect(() => renderAlertmanagerConfig(settingsWith({ webhook: true }), { watchdogUrl: SECRETS.watchdogUrl }))
                .to.throw("`secrets.webhookUrl` is required when `alerting.webhook` is true");
        });

        it("fails loudly when the watchdog is on but its URL was not passed", () => {
            expect(() => renderAlertmanagerConfig(settingsWith({ watchdog: true })))
                .to.throw("`secrets.watchdogUrl` is required when `alerting.watchdog` is true");
        });
    });

    it("addresses no service at localhost", () => {
        const text = renderAlertmanagerConfig(settingsWith({ slack: SLACK, email: EMAIL, webhook: true, pagerduty: true, watchdog: true }), SECRETS);
        expect(text).to.not.match(/localhost|127\.0\.0\.1/);
    });
});

describe("alertmanagerArgs", () => {
    it("runs one node with the rendered config, TLS web config and the public URL (edge port on the local default)", () => {
        expect(alertmanagerArgs(renderInputs(settingsWith({})).alertmanagerArgs)).to.deep.equal([
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--web.config.file=/etc/alertmanager/web.yml",
            "--web.listen-address=:9093",
            "--storage.path=/alertmanager",
            "--cluster.listen-address=",
            "--web.external-url=https://alertmanager.localhost:8443/",
        ]);
    });

    it("drops the port from the external URL when the edge serves 443", () => {
        const staging = settingsWith({}, { environment: "staging", domain: "staging.example.com", acmeEmail: "ops@example.com", images: { api: "registry.example.com/api:1.0.0" } });
        expect(alertmanagerArgs(renderInputs(staging).alertmanagerArgs)).to.include("--web.external-url=https://alertmanager.staging.example.com/");
    });
});
