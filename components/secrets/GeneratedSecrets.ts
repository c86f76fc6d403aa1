import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** The generated credentials, by their field on GeneratedSecrets. */
export const GENERATED_SECRETS = [
    "postgresSuperuserPassword",
    "postgresAppPassword",
    "postgresExporterPassword",
    "postgresBackupPassword",
    "redisPassword",
    "grafanaAdminPassword",
    "prometheusPassword",
    "alertmanagerPassword",
    "jaegerPassword",
    "apiSigningKey",
    "apiMetricsToken",
] as const;
export type GeneratedSecretName = (typeof GENERATED_SECRETS)[number];

export interface GeneratedSecretsArgs {
    /** Length of every generated password. No default: it comes from the validated settings. */
    readonly length: number;
}

/**
 * Every credential the stack generates. Values are Pulumi secrets end to end; services that check basic auth
 * get the bcrypt hash (also secret), never the password.
 */
export class GeneratedSecrets extends pulumi.ComponentResource implements Readonly<Record<GeneratedSecretName, random.RandomPassword>> {
    public readonly postgresSuperuserPassword: random.RandomPassword;
    public readonly postgresAppPassword: random.RandomPassword;
    public readonly postgresExporterPassword: random.RandomPassword;
    /** The backup job's dump-only role. */
    public readonly postgresBackupPassword: random.RandomPassword;
    public readonly redisPassword: random.RandomPassword;
    public readonly grafanaAdminPassword: random.RandomPassword;
    public readonly prometheusPassword: random.RandomPassword;
    public readonly alertmanagerPassword: random.RandomPassword;
    public readonly jaegerPassword: random.RandomPassword;
    public readonly apiSigningKey: random.RandomPassword;
    public readonly apiMetricsToken: random.RandomPassword;

    constructor(name: string, args: GeneratedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:secrets:GeneratedSecrets", name, {}, opts);
        if (!Number.isInteger(args.length) || args.length < 24) {
            throw new Error(`GeneratedSecrets \`length\` is ${args.length}: expected an integer of at least 24.`);
        }
        // Alphanumeric only: the values go into URLs, config files and SQL without quoting surprises;
        // 32 characters of [A-Za-z0-9] are ~190 bits.
        const password = (suffix: string, length = args.length) =>
            new random.RandomPassword(`${name}-${suffix}`, { length, special: false, minLower: 1, minUpper: 1, minNumeric: 1 }, { parent: this });

        this.postgresSuperuserPassword = password("postgres-superuser");
        this.postgresAppPassword = password("postgres-app");
        this.postgresExporterPassword = password("postgres-exporter");
        this.postgresBackupPassword = password("postgres-backup");
        this.redisPassword = password("redis");
        this.grafanaAdminPassword = password("grafana-admin");
        this.prometheusPassword = password("prometheus");
        this.alertmanagerPassword = password("alertmanager");
        this.jaegerPassword = password("jaeger");
        this.apiSigningKey = password("api-signing-key", Math.max(64, args.length));
        this.apiMetricsToken = password("api-metrics-token");

        this.registerOutputs({
            postgresSuperuserPassword: this.postgresSuperuserPassword,
            postgresAppPassword: this.postgresAppPassword,
            postgresExporterPassword: this.postgresExporterPassword,
            postgresBackupPassword: this.postgresBackupPassword,
            redisPassword: this.redisPassword,
            grafanaAdminPassword: this.grafanaAdminPassword,
            prometheusPassword: this.prometheusPassword,
            alertmanagerPassword: this.alertmanagerPassword,
            jaegerPassword: this.jaegerPassword,
            apiSigningKey: this.apiSigningKey,
            apiMetricsToken: this.apiMetricsToken,
        });
    }
}
