import type { BackupSecretKey, RegistrySecretKey, SecretKey } from "../types";
import type { SecretNode } from "./nodes";

const neededBy = (key: string): SecretNode => ({ node: "secret", neededBy: key });

/**
 * The secret keys, each with the key whose setting needs it (the README's Secrets section says the same). Never shown
 * in a message; stored in plain text, refused. In the order their plain-text problems are reported.
 */
export const SECRETS: Readonly<Record<SecretKey | RegistrySecretKey | BackupSecretKey, SecretNode>> = {
    slackWebhookUrl: neededBy("alerting.slack"),
    webhookUrl: neededBy("alerting.webhook"),
    pagerdutyRoutingKey: neededBy("alerting.pagerduty"),
    smtpPassword: neededBy("alerting.email.username"),
    watchdogUrl: neededBy("alerting.watchdog"),
    dockerHubAccessToken: neededBy("aws.dockerHubUsername"),
    teamRegistryPassword: neededBy("aws.teamRegistryUsername"),
    backupS3AccessKeyId: neededBy("backup.offsite"),
    backupS3SecretAccessKey: neededBy("backup.offsite"),
};
