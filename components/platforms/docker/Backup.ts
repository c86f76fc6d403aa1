import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { pgpassLine, renderBackupScript } from "../../render/backup";
import { renderOffsiteAwsConfig, renderOffsiteCredentials, renderOffsiteScript } from "../../render/backupOffsite";
import { CONFIG_PATHS, POSTGRES_BACKUP_USER, SECRET_FILES } from "../../workloads/catalogue";
import type { BackupJob } from "../../render/backup";
import type { OffsiteCopy } from "../../render/backupOffsite";
import { workloadSpecs } from "../../workloads/catalogue";
import type { BackupOffsiteSettings, StackSettings } from "../../settings/types";
import { ContainerFile, stackLabels, workloadContainer } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/**
 * Where the backup volume is mounted: the postgres image's own /var/lib/postgresql (999:999), so Docker gives the new
 * volume's root that owner when it first mounts it; dumps and state live in directories below.
 */
export const BACKUP_MOUNT = "/var/lib/postgresql";
export const BACKUP_PATHS = {
    dumps: `${BACKUP_MOUNT}/backups`,
    state: `${BACKUP_MOUNT}/backup-state`,
    /** node_exporter's textfile-collector directory in both containers that mount the metrics volume. */
    metrics: "/var/lib/backup-metrics",
} as const;

/** Seconds between two passes of the off-host copy. */
const OFFSITE_INTERVAL_SECONDS = 60;

/** What the backup job's script is rendered from: the stack's PostgreSQL, the dump-only role, the paths, the schedule. */
export function backupJob(settings: StackSettings): BackupJob {
    const specs = workloadSpecs(settings);
    return {
        stack: settings.stack,
        host: specs.postgres.alias,
        port: specs.postgres.port,
        database: settings.postgres.database,
        user: POSTGRES_BACKUP_USER,
        caFile: specs.backup.ca,
        passFile: SECRET_FILES.backupPgpass,
        backupDir: BACKUP_PATHS.dumps,
        stateDir: BACKUP_PATHS.state,
        metricsDir: BACKUP_PATHS.metrics,
        schedule: settings.backup.schedule,
        keepDays: settings.backup.keepDays,
        keepCount: settings.backup.keepCount,
    };
}

/** What the off-host copy's script is rendered from. */
export function offsiteCopy(offsite: BackupOffsiteSettings): OffsiteCopy {
    return { backupDir: BACKUP_PATHS.dumps, metricsDir: BACKUP_PATHS.metrics, ...offsite, intervalSeconds: OFFSITE_INTERVAL_SECONDS };
}

/**
 * The PostgreSQL backup job of a Docker stack: a container of the postgres image (pg_dump of the server's major) that
 * dumps the application database at the scheduled times as the dump-only role over TLS verify-full, verifies and keeps
 * the dumps on a volume of their own, and writes its metrics for node_exporter's textfile collector; with
 * `backup.offsite`, a second container of the AWS CLI's image copies every verified dump to S3.
 */
export class Backup extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    /** The dumps: stateful, protected in production. */
    public readonly volume: docker.Volume;
    /** The textfile-collector directory, in memory (the job rewrites it when it starts); node_exporter mounts it read-only. */
    public readonly metricsVolume: docker.Volume;
    public readonly offsite?: docker.Container;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Backup", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.backup;
        const postgres = specs.postgres;
        const [uid, gid] = spec.user.split(":");

        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        this.metricsVolume = new docker.Volume(`${name}-metrics`, {
            name: hostName(settings, spec.alias, "metrics"),
            driver: "local",
            // tmpfs owned by the job's user: a named volume on a path the image lacks would be root's.
            driverOpts: { type: "tmpfs", device: "tmpfs", o: `size=1m,uid=${uid},gid=${gid},mode=0755` },
            labels: [...stackLabels(settings.stack), { label: "com.service-stack.stateful", value: "false" }],
        }, { parent: this });

        const pgpass = generated.postgresBackupPassword.result.apply((password) => pgpassLine(postgres.alias, postgres.port, settings.postgres.database, POSTGRES_BACKUP_USER, password));
        const script = renderBackupScript(backupJob(settings));
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: pulledImage(name, settings.images.backup, this).imageId,
            user: spec.user,
            limits: settings.resources.backup,
            networks: [{ network: networks.data, aliases: [spec.alias] }],
            command: ["bash", CONFIG_PATHS.backupScript, "schedule"],
            files: [
                { path: CONFIG_PATHS.backupScript, content: script, secret: false },
                { path: spec.ca, content: args.caCertPem, secret: false },
                { path: SECRET_FILES.backupPgpass, content: pgpass, secret: true },
            ],
            volumes: [{ volume: this.volume, path: BACKUP_MOUNT }, { volume: this.metricsVolume, path: BACKUP_PATHS.metrics }],
            healthcheck: ["CMD", "bash", CONFIG_PATHS.backupScript, "health"],
            startPeriod: "30s",
        }, { parent: this });

        const offsite = settings.backup.offsite;
        if (offsite) this.offsite = this.offsiteCopy(name, args, offsite);

        this.registerOutputs({ container: this.container, volume: this.volume, metricsVolume: this.metricsVolume, offsite: this.offsite });
    }

    /** The off-host copy: the AWS CLI's image on the edge network (the one with a route out), the dumps read-only. */
    private offsiteCopy(name: string, args: DockerServiceArgs, offsite: BackupOffsiteSettings): docker.Container {
        const { settings, specs, networks, configSecrets } = args;
        const spec = specs.backupOffsite;
        const accessKeyId = configSecrets.backupS3AccessKeyId;
        const secretAccessKey = configSecrets.backupS3SecretAccessKey;
        if (!accessKeyId || !secretAccessKey) {
            throw new Error("Backup: `backup.offsite` is set without `backupS3AccessKeyId` and `backupS3SecretAccessKey`; buildSettings requires both.");
        }
        const files: ContainerFile[] = [
            { path: CONFIG_PATHS.offsiteScript, content: renderOffsiteScript(offsiteCopy(offsite)), secret: false },
            { path: CONFIG_PATHS.offsiteAwsConfig, content: renderOffsiteAwsConfig({ region: offsite.region, pathStyle: offsite.endpoint !== undefined }), secret: false },
            { path: SECRET_FILES.backupS3Credentials, content: pulumi.all([accessKeyId, secretAccessKey]).apply(([id, key]) => renderOffsiteCredentials(id, key)), secret: true },
            ...(offsite.caCertificate ? [{ path: spec.ca, content: offsite.caCertificate, secret: false }] : []),
        ];
        return workloadContainer(`${name}-offsite`, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: pulledImage(`${name}-offsite`, settings.images.backupOffsite, this).imageId,
            user: spec.user,
            limits: settings.resources.backupOffsite,
            networks: [{ network: networks.edge, aliases: [spec.alias] }],
            // The image's entrypoint is `aws`: the loop is bash's.
            entrypoint: ["bash"],
            command: [CONFIG_PATHS.offsiteScript],
            env: {
                HOME: "/tmp",
                AWS_CONFIG_FILE: CONFIG_PATHS.offsiteAwsConfig,
                AWS_SHARED_CREDENTIALS_FILE: SECRET_FILES.backupS3Credentials,
                ...(offsite.caCertificate ? { AWS_CA_BUNDLE: spec.ca } : {}),
            },
            files,
            volumes: [{ volume: this.volume, path: BACKUP_MOUNT, readOnly: true }, { volume: this.metricsVolume, path: BACKUP_PATHS.metrics }],
            healthcheck: ["CMD", "bash", CONFIG_PATHS.offsiteScript, "health"],
            startPeriod: "30s",
        }, { parent: this, dependsOn: [this.container] });
    }
}
