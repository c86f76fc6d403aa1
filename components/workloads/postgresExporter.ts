import { POSTGRES_EXPORTER_USER, SECRET_FILES, CONFIG_PATHS, WORKLOAD_NAMES } from "./catalogue";
import { renderWebConfig } from "../render/webConfig";
import { sharedFile, text, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config } from "./files";
import { goTlsListenerHealthcheck } from "./healthchecks";

/** postgres_exporter: PostgreSQL's metrics over TLS, as the monitoring role, verifying the database's certificate. */
export function postgresExporterWorkload({ settings, specs, data }: WorkloadContext): WorkloadDescription {
    const spec = specs.postgresExporter;
    const trust = data.trust("postgresExporter");
    return {
        name: WORKLOAD_NAMES.postgresExporter,
        certificate: "postgresExporter",
        image: settings.images.postgresExporter,
        user: spec.user,
        limits: settings.resources.postgresExporter,
        command: [`--web.config.file=${CONFIG_PATHS.postgresExporterWebConfig}`],
        listenFlag: "--web.listen-address",
        env: {
            DATA_SOURCE_URI: text`${data.postgresHost}:${specs.postgres.port}/${settings.postgres.database}?sslmode=verify-full&sslrootcert=${trust.caFile}`,
            DATA_SOURCE_USER: POSTGRES_EXPORTER_USER,
            DATA_SOURCE_PASS_FILE: SECRET_FILES.postgresExporterPassword,
        },
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.postgresExporterWebConfig, renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion })),
            // The database checks it, and an exporter rolled back must still log in.
            sharedFile("postgresExporterPassword", { readCurrent: true }),
            ...trust.files,
            ...tlsFiles(spec.tls),
        ],
        healthcheck: { test: goTlsListenerHealthcheck(spec.port), startPeriodSeconds: 30 },
    };
}
