import { PostgresConfInput, renderPgHbaConf, renderPostgresBackupRoleScript, renderPostgresInitScript, renderPostgresqlConf } from "../render/postgres";
import type { StackSettings } from "../settings/types";
import { CONFIG_PATHS, SECRET_FILES, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { config } from "./files";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";

/** Where the postgres image keeps its data: PostgreSQL 18 images put PGDATA below it (`18/docker`), so the volume goes here. */
export const POSTGRES_DATA_DIR = "/var/lib/postgresql";

/** What postgresql.conf is rendered from. */
export function postgresConfInput(settings: StackSettings, specs: WorkloadSpecs): PostgresConfInput {
    return { port: specs.postgres.port, tls: specs.postgres.tls, minVersion: settings.tls.minVersion, tuning: settings.postgres };
}

/**
 * PostgreSQL: TLS-only, SCRAM-only access, the application, exporter and backup roles created by its init scripts,
 * its data on a volume of its own. The Docker platform runs it; on AWS, RDS is PostgreSQL (platforms/aws/Postgres.ts).
 */
export function postgresWorkload({ settings, specs }: WorkloadContext): WorkloadDescription {
    const spec = specs.postgres;
    const db = settings.postgres.database;
    return {
        name: WORKLOAD_NAMES.postgres,
        certificate: "postgres",
        image: settings.images.postgres,
        user: spec.user,
        limits: settings.resources.postgres,
        command: ["postgres", "-c", `config_file=${CONFIG_PATHS.postgresConf}`],
        env: {
            POSTGRES_USER: "postgres",
            POSTGRES_PASSWORD_FILE: SECRET_FILES.postgresSuperuserPassword,
            POSTGRES_DB: db,
            POSTGRES_INITDB_ARGS: "--auth-local=scram-sha-256 --auth-host=scram-sha-256 --data-checksums",
        },
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.postgresConf, renderPostgresqlConf(postgresConfInput(settings, specs))),
            config(CONFIG_PATHS.pgHbaConf, renderPgHbaConf(settings)),
            config(CONFIG_PATHS.postgresInitScript, renderPostgresInitScript(settings)),
            config(CONFIG_PATHS.postgresBackupRoleScript, renderPostgresBackupRoleScript()),
            sharedFile("postgresSuperuserPassword"),
            sharedFile("postgresAppPassword"),
            sharedFile("postgresExporterPassword"),
            sharedFile("postgresBackupPassword"),
            ...tlsFiles(spec.tls),
        ],
        volumes: [{ volume: "postgres-data", path: POSTGRES_DATA_DIR, owns: "state" }],
        scratch: { "/var/run/postgresql": "rw,noexec,nosuid,size=16m,mode=1777" },
        healthcheck: { test: ["CMD", "pg_isready", "-h", "/var/run/postgresql", "-U", "postgres", "-d", db], startPeriodSeconds: 60 },
        // A fast shutdown (SIGINT, as the official image's STOPSIGNAL), with time for its checkpoint.
        stop: { signal: "SIGINT", graceSeconds: 120 },
    };
}
