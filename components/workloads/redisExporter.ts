import * as pulumi from "@pulumi/pulumi";
import { redisExporterTlsVersion } from "../render/webConfig";
import { SECRET_FILES, WORKLOAD_NAMES } from "./catalogue";
import { text, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { secret } from "./files";
import { goTlsListenerHealthcheck } from "./healthchecks";

/** redis_exporter: Redis's metrics over TLS, verifying Redis's certificate; it reads a JSON map of Redis URL to password. */
export function redisExporterWorkload({ settings, specs, data, generated }: WorkloadContext): WorkloadDescription {
    const spec = specs.redisExporter;
    const trust = data.trust("redisExporter");
    const redisUrl = text`rediss://${data.redisHost}:${specs.redis.port}`;
    return {
        name: WORKLOAD_NAMES.redisExporter,
        certificate: "redisExporter",
        image: settings.images.redisExporter,
        user: spec.user,
        limits: settings.resources.redisExporter,
        env: {
            REDIS_ADDR: redisUrl,
            REDIS_PASSWORD_FILE: SECRET_FILES.redisExporterPasswordMap,
            REDIS_EXPORTER_TLS_CA_CERT_FILE: trust.caFile,
            REDIS_EXPORTER_TLS_SERVER_CERT_FILE: spec.tls.cert,
            REDIS_EXPORTER_TLS_SERVER_KEY_FILE: spec.tls.key,
            REDIS_EXPORTER_TLS_SERVER_MIN_VERSION: redisExporterTlsVersion(settings.tls.minVersion),
            REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `:${spec.port}`,
        },
        ports: [spec.port],
        files: [
            // Redis checks the password: an exporter rolled back must still use the one it accepts now.
            secret(SECRET_FILES.redisExporterPasswordMap,
                pulumi.all([redisUrl, generated.redisPassword.result]).apply(([url, password]) => JSON.stringify({ [url]: password })),
                { readCurrent: true }),
            ...trust.files,
            ...tlsFiles(spec.tls),
        ],
        healthcheck: { test: goTlsListenerHealthcheck(spec.port), startPeriodSeconds: 20 },
    };
}
