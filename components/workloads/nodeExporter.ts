import { renderWebConfig } from "../render/webConfig";
import { BACKUP_PATHS } from "./backup";
import { CONFIG_PATHS, WORKLOAD_NAMES } from "./catalogue";
import { tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config } from "./files";
import { goTlsListenerHealthcheck } from "./healthchecks";

/**
 * node_exporter: the host's disk, memory and CPU through read-only mounts of /proc, /sys and /, and the backup job's
 * metrics from its textfile directory. Only a platform with a host runs it (Fargate has none).
 */
export function nodeExporterWorkload({ settings, specs }: WorkloadContext): WorkloadDescription {
    const spec = specs.nodeExporter;
    return {
        name: WORKLOAD_NAMES.nodeExporter,
        certificate: "nodeExporter",
        image: settings.images.nodeExporter,
        user: spec.user,
        limits: settings.resources.nodeExporter,
        command: [
            "--path.procfs=/host/proc",
            "--path.sysfs=/host/sys",
            "--path.rootfs=/host/root",
            `--web.config.file=${CONFIG_PATHS.nodeExporterWebConfig}`,
            `--collector.textfile.directory=${BACKUP_PATHS.metrics}`,
        ],
        ports: [spec.port],
        files: [config(CONFIG_PATHS.nodeExporterWebConfig, renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion })), ...tlsFiles(spec.tls)],
        volumes: [{ volume: "backup-metrics", path: BACKUP_PATHS.metrics, readOnly: true }],
        hostMounts: [
            { hostPath: "/proc", path: "/host/proc" },
            { hostPath: "/sys", path: "/host/sys" },
            { hostPath: "/", path: "/host/root" },
        ],
        healthcheck: { test: goTlsListenerHealthcheck(spec.port), startPeriodSeconds: 20 },
    };
}
