import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderApiStandInConfig } from "../render/apiStandIn";
import { API_STAND_IN_CONFIG } from "../settings/buildSettings";
import { JAEGER_PORTS, SECRET_FILES } from "../services/catalogue";
import { ContainerFile, hardenedContainerArgs, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage } from "./context";

/**
 * The team's API. Connection details arrive as plain env (hosts, ports, TLS modes); every credential arrives
 * as a file named by a `*_FILE` variable.
 */
export class Api extends pulumi.ComponentResource {
    public readonly container: docker.Container;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Api", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.api;
        const { postgres, redis, jaeger } = specs;

        const env: Record<string, string> = {
            ...settings.api.env,
            ENVIRONMENT: settings.environment,
            PORT: String(settings.api.port),
            // Caddy's core has no rate limiter; the API enforces the per-IP budget (as the source documents' API did).
            RATE_LIMIT_PER_MINUTE: String(settings.edge.rateLimitPerMinute),
            TLS_CERT_FILE: spec.tls.cert,
            TLS_KEY_FILE: spec.tls.key,
            DATABASE_HOST: postgres.alias,
            DATABASE_PORT: String(postgres.port),
            DATABASE_NAME: settings.postgres.database,
            DATABASE_USER: settings.postgres.appUser,
            DATABASE_PASSWORD_FILE: SECRET_FILES.postgresAppPassword,
            DATABASE_SSLMODE: "verify-full",
            DATABASE_SSLROOTCERT: spec.tls.ca,
            REDIS_URL: `rediss://${redis.alias}:${redis.port}/0`,
            REDIS_PASSWORD_FILE: SECRET_FILES.redisPassword,
            REDIS_CA_FILE: spec.tls.ca,
            JWT_SIGNING_KEY_FILE: SECRET_FILES.apiSigningKey,
            METRICS_TOKEN_FILE: SECRET_FILES.apiMetricsToken,
            OTEL_SERVICE_NAME: "api",
            OTEL_EXPORTER_OTLP_ENDPOINT: `https://${jaeger.alias}:${JAEGER_PORTS.otlpGrpc}`,
            OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
            OTEL_EXPORTER_OTLP_CERTIFICATE: spec.tls.ca,
        };
        const files: ContainerFile[] = [
            { path: SECRET_FILES.postgresAppPassword, content: generated.postgresAppPassword.result, secret: true },
            { path: SECRET_FILES.redisPassword, content: generated.redisPassword.result, secret: true },
            { path: SECRET_FILES.apiSigningKey, content: generated.apiSigningKey.result, secret: true },
            { path: SECRET_FILES.apiMetricsToken, content: generated.apiMetricsToken.result, secret: true },
            ...tlsFiles(spec.tls, args.certificates.api, args.caCertPem),
        ];
        if (settings.api.standIn) {
            files.push({ path: API_STAND_IN_CONFIG, content: renderApiStandInConfig(settings, spec.tls), secret: false });
            // Caddy wants writable state directories even with automatic HTTPS off.
            env.XDG_DATA_HOME = "/tmp/caddy-data";
            env.XDG_CONFIG_HOME = "/tmp/caddy-config";
        }

        const image = pulledImage(name, settings.images.api, this);
        this.container = new docker.Container(name, hardenedContainerArgs({
            name: hostName(settings, spec.alias),
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.api,
            networks: [
                { network: networks.data, aliases: [spec.alias] },
                { network: networks.edge, aliases: [spec.alias] },
            ],
            command: settings.api.args.length > 0 ? settings.api.args : undefined,
            env,
            files,
            healthcheck: settings.api.healthcheck,
            startPeriod: "30s",
        }), { parent: this });

        this.registerOutputs({ container: this.container });
    }
}
