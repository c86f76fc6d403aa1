import * as pulumi from "@pulumi/pulumi";
import type { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import { SECRET_KEYS, SecretKey, StackSecrets } from "../../settings/types";
import { AwsBase, storedSecret } from "./context";
import type { StoredSecretRef } from "./FargateService";

/** The generated credentials the tasks read, by their name in Secrets Manager (`<prefix>/credentials/<name>`). */
export const CREDENTIALS = [
    "postgres-app-password",
    "postgres-exporter-password",
    "postgres-backup-password",
    "redis-auth-token",
    "grafana-admin-password",
    "prometheus-password",
    "alertmanager-password",
    "api-signing-key",
    "api-metrics-token",
] as const;
export type Credential = (typeof CREDENTIALS)[number];

export interface CredentialsArgs {
    readonly base: Pick<AwsBase, "settings" | "keyArn">;
    readonly generated: GeneratedSecrets;
    /** Receiver secrets from stack config (Slack, PagerDuty, ...): stored too when set. */
    readonly configSecrets: StackSecrets;
}

/**
 * Every credential shared between tasks, in Secrets Manager under the stack key: the generated passwords and
 * tokens (the Redis one is also ElastiCache's AUTH token) and the receiver secrets from stack config. Tasks reach
 * them only through ECS `secrets`, written to 0400 files by their init containers.
 */
export class Credentials extends pulumi.ComponentResource {
    public readonly credentials: Readonly<Record<Credential, StoredSecretRef>>;
    public readonly receiverSecrets: Readonly<Partial<Record<SecretKey, StoredSecretRef>>>;

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Credentials", name, {}, opts);
        const { generated } = args;
        const values: Record<Credential, pulumi.Output<string>> = {
            "postgres-app-password": generated.postgresAppPassword.result,
            "postgres-exporter-password": generated.postgresExporterPassword.result,
            "postgres-backup-password": generated.postgresBackupPassword.result,
            "redis-auth-token": generated.redisPassword.result,
            "grafana-admin-password": generated.grafanaAdminPassword.result,
            "prometheus-password": generated.prometheusPassword.result,
            "alertmanager-password": generated.alertmanagerPassword.result,
            "api-signing-key": generated.apiSigningKey.result,
            "api-metrics-token": generated.apiMetricsToken.result,
        };
        const store = (id: string, value: pulumi.Input<string>): StoredSecretRef => {
            const { secret, version } = storedSecret(`${name}-${id}`, `${args.base.settings.namePrefix}/credentials/${id}`, value, args.base, this);
            return { arn: secret.arn, versionId: version.versionId };
        };
        this.credentials = Object.fromEntries(Object.entries(values).map(([id, value]) => [id, store(id, value)])) as Record<Credential, StoredSecretRef>;
        const receivers: Partial<Record<SecretKey, StoredSecretRef>> = {};
        for (const key of SECRET_KEYS) {
            const value = args.configSecrets[key];
            if (value) receivers[key] = store(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value);
        }
        this.receiverSecrets = receivers;
        this.registerOutputs({ credentials: this.credentials, receiverSecrets: this.receiverSecrets });
    }
}
