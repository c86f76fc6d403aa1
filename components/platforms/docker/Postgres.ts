import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderPgHbaConf, renderPostgresBackupRoleScript, renderPostgresInitScript, renderPostgresqlConf } from "../../render/postgres";
import { renderWebConfig } from "../../render/webConfig";
import { goTlsListenerHealthcheck } from "../../workloads/healthchecks";
import { CONFIG_PATHS, POSTGRES_EXPORTER_USER, SECRET_FILES } from "../../workloads/catalogue";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/** PostgreSQL with TLS-only, SCRAM-only access, its data on a named volume, and postgres_exporter beside it. */
export class Postgres extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    public readonly exporter: docker.Container;
    public readonly volume: docker.Volume;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Postgres", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.postgres;
        const exporterSpec = specs.postgresExporter;
        const db = settings.postgres.database;

        // PostgreSQL 18 images keep PGDATA under /var/lib/postgresql/18/docker; the volume is mounted at the parent.
        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        const image = pulledImage(name, settings.images.postgres, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.postgres,
            networks: [{ network: networks.data, aliases: [spec.alias] }],
            command: ["postgres", "-c", `config_file=${CONFIG_PATHS.postgresConf}`],
            env: {
                POSTGRES_USER: "postgres",
                POSTGRES_PASSWORD_FILE: SECRET_FILES.postgresSuperuserPassword,
                POSTGRES_DB: db,
                POSTGRES_INITDB_ARGS: "--auth-local=scram-sha-256 --auth-host=scram-sha-256 --data-checksums",
            },
            files: [
                { path: CONFIG_PATHS.postgresConf, content: renderPostgresqlConf(settings), secret: false },
                { path: CONFIG_PATHS.pgHbaConf, content: renderPgHbaConf(settings), secret: false },
                { path: CONFIG_PATHS.postgresInitScript, content: renderPostgresInitScript(settings), secret: false },
                { path: CONFIG_PATHS.postgresBackupRoleScript, content: renderPostgresBackupRoleScript(settings), secret: false },
                { path: SECRET_FILES.postgresSuperuserPassword, content: generated.postgresSuperuserPassword.result, secret: true },
                { path: SECRET_FILES.postgresAppPassword, content: generated.postgresAppPassword.result, secret: true },
                { path: SECRET_FILES.postgresExporterPassword, content: generated.postgresExporterPassword.result, secret: true },
                { path: SECRET_FILES.postgresBackupPassword, content: generated.postgresBackupPassword.result, secret: true },
                ...tlsFiles(spec.tls, args.certificates.postgres, args.caCertPem),
            ],
            volumes: [{ volume: this.volume, path: "/var/lib/postgresql" }],
            tmpfs: { "/var/run/postgresql": "rw,noexec,nosuid,size=16m,mode=1777" },
            healthcheck: ["CMD", "pg_isready", "-h", "/var/run/postgresql", "-U", "postgres", "-d", db],
            startPeriod: "60s",
            // A fast shutdown (SIGINT, as the official image's STOPSIGNAL), with time for its checkpoint.
            stopSignal: "SIGINT",
            stopGraceSeconds: 120,
        }, { parent: this });

        const exporterImage = pulledImage(`${name}-exporter`, settings.images.postgresExporter, this);
        this.exporter = workloadContainer(`${name}-exporter`, {
            name: hostName(settings, exporterSpec.alias),
            stack: settings.stack,
            image: exporterImage.imageId,
            user: exporterSpec.user,
            limits: settings.resources.postgresExporter,
            networks: [{ network: networks.data, aliases: [exporterSpec.alias] }],
            command: [`--web.config.file=${CONFIG_PATHS.postgresExporterWebConfig}`],
            env: {
                DATA_SOURCE_URI: `${spec.alias}:${spec.port}/${db}?sslmode=verify-full&sslrootcert=${exporterSpec.tls.ca}`,
                DATA_SOURCE_USER: POSTGRES_EXPORTER_USER,
                DATA_SOURCE_PASS_FILE: SECRET_FILES.postgresExporterPassword,
            },
            files: [
                { path: CONFIG_PATHS.postgresExporterWebConfig, content: renderWebConfig({ tls: exporterSpec.tls, minVersion: settings.tls.minVersion }), secret: false },
                { path: SECRET_FILES.postgresExporterPassword, content: generated.postgresExporterPassword.result, secret: true },
                ...tlsFiles(exporterSpec.tls, args.certificates.postgresExporter, args.caCertPem),
            ],
            healthcheck: goTlsListenerHealthcheck(exporterSpec.port),
            startPeriod: "30s",
        }, { parent: this, dependsOn: [this.container] });

        this.registerOutputs({ container: this.container, exporter: this.exporter, volume: this.volume });
    }
}
