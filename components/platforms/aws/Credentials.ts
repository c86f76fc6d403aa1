import * as pulumi from "@pulumi/pulumi";
import type { GeneratedSecretName, GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import { SECRET_KEYS, SecretKey, StackSecrets } from "../../settings/types";
import type { SharedSecret } from "../../workloads/description";
import { AwsBase, storedSecret } from "./context";

/** A secret already in Secrets Manager (a shared credential): its ARN and current version. */
export interface StoredSecretRef {
    readonly arn: pulumi.Input<string>;
    readonly versionId: pulumi.Input<string>;
}

/** The generated credentials the tasks read, by their name in Secrets Manager (`<prefix>/credentials/<name>`). */
export const CREDENTIALS = {
    "postgres-app-password": "postgresAppPassword",
    "postgres-exporter-password": "postgresExporterPassword",
    "postgres-backup-password": "postgresBackupPassword",
    "redis-auth-token": "redisPassword",
    "grafana-admin-password": "grafanaAdminPassword",
    "prometheus-password": "prometheusPassword",
    "alertmanager-password": "alertmanagerPassword",
    "api-signing-key": "apiSigningKey",
    "api-metrics-token": "apiMetricsToken",
} as const satisfies Readonly<Record<string, GeneratedSecretName>>;
export type Credential = keyof typeof CREDENTIALS;

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
        const store = (id: string, value: pulumi.Input<string>): StoredSecretRef => {
            const { secret, version } = storedSecret(`${name}-${id}`, `${args.base.settings.namePrefix}/credentials/${id}`, value, args.base, this);
            return { arn: secret.arn, versionId: version.versionId };
        };
        this.credentials = Object.fromEntries(Object.entries(CREDENTIALS).map(([id, field]) => [id, store(id, generated[field].result)])) as Record<Credential, StoredSecretRef>;
        const receivers: Partial<Record<SecretKey, StoredSecretRef>> = {};
        for (const key of SECRET_KEYS) {
            const value = args.configSecrets[key];
            if (value) receivers[key] = store(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value);
        }
        this.receiverSecrets = receivers;
        this.registerOutputs({ credentials: this.credentials, receiverSecrets: this.receiverSecrets });
    }

    /** The stored secret a workload's shared file reads; throws for a secret no task may read (the Docker superuser's). */
    shared(secret: SharedSecret): StoredSecretRef {
        const credential = Object.entries(CREDENTIALS).find(([, field]) => field === secret)?.[0] as Credential | undefined;
        const stored = credential ? this.credentials[credential] : this.receiverSecrets[secret as SecretKey];
        if (!stored) throw new Error(`Credentials: no task reads \`${secret}\` on AWS; it is not stored.`);
        return stored;
    }
}
