import * as pulumi from "@pulumi/pulumi";
import { publicUrl } from "./render/publicUrl";
import type { GeneratedSecrets } from "./secrets/GeneratedSecrets";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSettings } from "./settings/types";
import { BASIC_AUTH_USERS, WorkloadSpecs } from "./workloads/catalogue";

/**
 * What a stack publishes, the same on every platform: the public URLs, the internal CA's certificate and the
 * `connection` output. Only the data tier's host names and the CA that verifies them differ (Docker network aliases
 * and the internal CA; RDS/ElastiCache endpoints and the AWS trust bundle).
 */
export interface DataEndpoints<T> {
    readonly postgresHost: T;
    readonly redisHost: T;
}

/** The stack outputs every platform's stack component publishes. */
export interface PublishedOutputs {
    readonly publicUrls: Readonly<Record<PublicEndpoint, string>>;
    readonly caCertificate: pulumi.Output<string>;
    /** Secret. */
    readonly connection: pulumi.Output<object>;
}

/** Every public endpoint's URL. */
export function publicUrls(settings: StackSettings): Record<PublicEndpoint, string> {
    return Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e, publicUrl(settings, e)])) as Record<PublicEndpoint, string>;
}

/**
 * The stack's `connection` output, one secret: how a person or a client reaches each service and with which
 * credentials. `postgresRootCert`, when set, is where the CA that verifies the database is published (on Docker it
 * is the stack's `caCertificate` output).
 */
export function connectionOutput(
    settings: StackSettings,
    specs: WorkloadSpecs,
    generated: GeneratedSecrets,
    data: DataEndpoints<pulumi.Input<string>>,
    postgresRootCert?: string,
): pulumi.Output<object> {
    const urls = publicUrls(settings);
    return pulumi.secret(pulumi.all([
        data.postgresHost,
        data.redisHost,
        generated.postgresAppPassword.result,
        generated.redisPassword.result,
        generated.grafanaAdminPassword.result,
        generated.prometheusPassword.result,
        generated.alertmanagerPassword.result,
        generated.jaegerPassword.result,
    ]).apply(([pgHost, redisHost, pgPassword, redisPassword, grafanaPassword, prometheusPassword, alertmanagerPassword, jaegerPassword]) => ({
        postgres: {
            host: pgHost, port: specs.postgres.port, database: settings.postgres.database, user: settings.postgres.appUser, password: pgPassword,
            sslmode: "verify-full", ...(postgresRootCert ? { sslrootcert: postgresRootCert } : {}),
        },
        redis: { url: `rediss://${redisHost}:${specs.redis.port}/0`, password: redisPassword },
        grafana: { url: urls.grafana, user: settings.grafana.adminUser, password: grafanaPassword },
        prometheus: { url: urls.prometheus, user: BASIC_AUTH_USERS.prometheus, password: prometheusPassword },
        alertmanager: { url: urls.alertmanager, user: BASIC_AUTH_USERS.alertmanager, password: alertmanagerPassword },
        jaeger: { url: urls.jaeger, user: BASIC_AUTH_USERS.jaeger, password: jaegerPassword },
    })));
}

/** The published outputs of a stack whose data tier is at `data` (its CA published at `postgresRootCert`, when not the stack's). */
export function publishedOutputs(
    settings: StackSettings,
    specs: WorkloadSpecs,
    generated: GeneratedSecrets,
    caCertPem: pulumi.Output<string>,
    data: DataEndpoints<pulumi.Input<string>>,
    postgresRootCert?: string,
): PublishedOutputs {
    return { publicUrls: publicUrls(settings), caCertificate: caCertPem, connection: connectionOutput(settings, specs, generated, data, postgresRootCert) };
}
