import * as pulumi from "@pulumi/pulumi";
import { publicUrl } from "../render/publicUrl";
import type { GeneratedSecrets } from "../secrets/GeneratedSecrets";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSettings } from "../settings/types";
import { BASIC_AUTH_USERS, JAEGER_PORTS, SECRET_FILES, WorkloadSpecs } from "./catalogue";

/**
 * What the stack hands its consumers, the same on every platform: the API's environment and the stack's
 * `connection` output. Only the data tier's host names and the CA that verifies them differ (Docker network aliases
 * and the internal CA; RDS/ElastiCache endpoints and the AWS trust bundle).
 */
export interface DataEndpoints<T> {
    readonly postgresHost: T;
    readonly redisHost: T;
}

/**
 * The API's environment: connection details as plain variables, every credential as a `*_FILE` path.
 * `dataCaFile` is the CA file (in the API's container) that verifies PostgreSQL and Redis.
 */
export function apiEnvironment(settings: StackSettings, specs: WorkloadSpecs, data: DataEndpoints<string>, dataCaFile: string): Record<string, string> {
    const spec = specs.api;
    return {
        ...settings.api.env,
        ENVIRONMENT: settings.environment,
        PORT: String(settings.api.port),
        // Caddy's core has no rate limiter (and on AWS the WAF enforces the budget per client IP): the API may too.
        RATE_LIMIT_PER_MINUTE: String(settings.edge.rateLimitPerMinute),
        TLS_CERT_FILE: spec.tls.cert,
        TLS_KEY_FILE: spec.tls.key,
        DATABASE_HOST: data.postgresHost,
        DATABASE_PORT: String(specs.postgres.port),
        DATABASE_NAME: settings.postgres.database,
        DATABASE_USER: settings.postgres.appUser,
        DATABASE_PASSWORD_FILE: SECRET_FILES.postgresAppPassword,
        DATABASE_SSLMODE: "verify-full",
        DATABASE_SSLROOTCERT: dataCaFile,
        REDIS_URL: `rediss://${data.redisHost}:${specs.redis.port}/0`,
        REDIS_PASSWORD_FILE: SECRET_FILES.redisPassword,
        REDIS_CA_FILE: dataCaFile,
        JWT_SIGNING_KEY_FILE: SECRET_FILES.apiSigningKey,
        METRICS_TOKEN_FILE: SECRET_FILES.apiMetricsToken,
        OTEL_SERVICE_NAME: "api",
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://${specs.jaeger.alias}:${JAEGER_PORTS.otlpGrpc}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_EXPORTER_OTLP_CERTIFICATE: spec.tls.ca,
        // The local stand-in is Caddy, which wants writable state directories even with automatic HTTPS off.
        ...(settings.api.standIn ? { XDG_DATA_HOME: "/tmp/caddy-data", XDG_CONFIG_HOME: "/tmp/caddy-config" } : {}),
    };
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
