import * as pulumi from "@pulumi/pulumi";
import { renderApiStandInConfig } from "../render/apiStandIn";
import { API_STAND_IN_CONFIG } from "../settings/buildSettings";
import type { StackSettings } from "../settings/types";
import type { DataEndpoints } from "../stackOutputs";
import { JAEGER_PORTS, SECRET_FILES, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config } from "./files";

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

/**
 * The team's API. Connection details arrive as plain environment (hosts, ports, TLS modes), every credential as a file
 * named by a `*_FILE` variable; the data tier is verified with the CA the platform's data tier names.
 */
export function apiWorkload({ settings, specs, data }: WorkloadContext): WorkloadDescription {
    const spec = specs.api;
    const trust = data.trust("api");
    return {
        name: WORKLOAD_NAMES.api,
        certificate: "api",
        image: settings.images.api,
        user: spec.user,
        limits: settings.resources.api,
        command: settings.api.args.length > 0 ? settings.api.args : undefined,
        env: pulumi.all([data.postgresHost, data.redisHost]).apply(([postgresHost, redisHost]) => apiEnvironment(settings, specs, { postgresHost, redisHost }, trust.caFile)),
        ports: [spec.port],
        files: [
            sharedFile("postgresAppPassword"),
            // Redis (ElastiCache on AWS) checks the token: an API rolled back must still use the one it accepts now.
            sharedFile("redisPassword", { readCurrent: true }),
            sharedFile("apiSigningKey"),
            sharedFile("apiMetricsToken"),
            ...tlsFiles(spec.tls),
            ...trust.files,
            ...(settings.api.standIn ? [config(API_STAND_IN_CONFIG, renderApiStandInConfig(settings, spec.tls))] : []),
        ],
        healthcheck: { test: settings.api.healthcheck, startPeriodSeconds: 30 },
    };
}
