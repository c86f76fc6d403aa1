import type { SecretKey } from "../types";
import type { ConfigReader } from "../validate";
import type { CheckInput } from "./check";

/** A receiver that is enabled needs its secret in the stack's config. */
function requireSecret(r: ConfigReader, { ctx }: CheckInput, key: SecretKey, receiver: string): void {
    if (!ctx.given(key)) r.conflict(`\`${ctx.project}:${key}\` is required when \`alerting.${receiver}\` is enabled: set it with \`pulumi config set --secret ${key} …\`.`);
}

/** Each receiver's secret: Slack's webhook, the SMTP password of a relay user, PagerDuty's key, the webhook and watchdog URLs. */
export const checkReceiverSecrets = {
    slack: (r: ConfigReader, input: CheckInput): void => {
        if (input.ctx.given("alerting.slack")) requireSecret(r, input, "slackWebhookUrl", "slack");
    },
    email: (r: ConfigReader, input: CheckInput): void => {
        if (input.ctx.given("alerting.email") && input.values.alerting.email?.username) requireSecret(r, input, "smtpPassword", "email.username");
    },
    pagerduty: (r: ConfigReader, input: CheckInput): void => {
        if (input.values.alerting.pagerduty) requireSecret(r, input, "pagerdutyRoutingKey", "pagerduty");
    },
    webhook: (r: ConfigReader, input: CheckInput): void => {
        if (input.values.alerting.webhook) requireSecret(r, input, "webhookUrl", "webhook");
    },
    watchdog: (r: ConfigReader, input: CheckInput): void => {
        if (input.values.alerting.watchdog) requireSecret(r, input, "watchdogUrl", "watchdog");
    },
};
