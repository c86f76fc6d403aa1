import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderBlackboxConfig } from "../../render/blackbox";
import { renderWebConfig } from "../../render/webConfig";
import { goTlsListenerHealthcheck } from "../../workloads/healthchecks";
import { CONFIG_PATHS } from "../../workloads/catalogue";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { BACKUP_PATHS } from "./Backup";
import { DockerServiceArgs, hostName, pulledImage } from "./context";

export interface MetricSourcesArgs extends DockerServiceArgs {
    /** The backup job's metrics: node_exporter's textfile-collector directory, mounted read-only. */
    readonly textfileVolume: docker.Volume;
}

/**
 * Host, container and outside-in metrics: node_exporter, cAdvisor and blackbox_exporter. node_exporter and
 * cAdvisor read the host through read-only mounts, each an explicit, named exemption in the policy config.
 */
export class MetricSources extends pulumi.ComponentResource {
    public readonly nodeExporter: docker.Container;
    public readonly cadvisor: docker.Container;
    public readonly blackboxExporter: docker.Container;

    constructor(name: string, args: MetricSourcesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:MetricSources", name, {}, opts);
        const { settings, specs, networks } = args;
        const node = specs.nodeExporter;
        const cadvisor = specs.cadvisor;
        const blackbox = specs.blackboxExporter;
        const webConfig = (tls: typeof node.tls) => renderWebConfig({ tls, minVersion: settings.tls.minVersion });

        this.nodeExporter = workloadContainer(`${name}-node`, {
            name: hostName(settings, node.alias),
            stack: settings.stack,
            image: pulledImage(`${name}-node`, settings.images.nodeExporter, this).imageId,
            user: node.user,
            limits: settings.resources.nodeExporter,
            networks: [{ network: networks.data, aliases: [node.alias] }],
            command: [
                "--path.procfs=/host/proc",
                "--path.sysfs=/host/sys",
                "--path.rootfs=/host/root",
                `--web.config.file=${CONFIG_PATHS.nodeExporterWebConfig}`,
                `--collector.textfile.directory=${BACKUP_PATHS.metrics}`,
            ],
            volumes: [{ volume: args.textfileVolume, path: BACKUP_PATHS.metrics, readOnly: true }],
            hostMounts: [
                { hostPath: "/proc", path: "/host/proc" },
                { hostPath: "/sys", path: "/host/sys" },
                { hostPath: "/", path: "/host/root" },
            ],
            files: [
                { path: CONFIG_PATHS.nodeExporterWebConfig, content: webConfig(node.tls), secret: false },
                ...tlsFiles(node.tls, args.certificates.nodeExporter, args.caCertPem),
            ],
            healthcheck: goTlsListenerHealthcheck(node.port),
            startPeriod: "20s",
        }, { parent: this });

        // Only the metric kinds the alerts and dashboards read: `--disable_metrics` would replace cAdvisor's own
        // default list and switch on the process, NUMA and TCP collectors it keeps off.
        // cAdvisor has no TLS server of its own: it is scraped over HTTP on the data network, which has no route
        // out and no published port (an exemption recorded in the policy config).
        this.cadvisor = workloadContainer(`${name}-cadvisor`, {
            name: hostName(settings, cadvisor.alias),
            stack: settings.stack,
            image: pulledImage(`${name}-cadvisor`, settings.images.cadvisor, this).imageId,
            user: cadvisor.user,
            limits: settings.resources.cadvisor,
            networks: [{ network: networks.data, aliases: [cadvisor.alias] }],
            command: ["--docker_only=true", "--housekeeping_interval=15s", "--store_container_labels=false", "--enable_metrics=cpu,memory,network"],
            hostMounts: [
                { hostPath: "/", path: "/rootfs" },
                { hostPath: "/sys", path: "/sys" },
                { hostPath: "/var/lib/docker", path: "/var/lib/docker" },
                { hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock" },
            ],
            files: [],
            healthcheck: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${cadvisor.port}/healthz`],
            startPeriod: "30s",
        }, { parent: this });

        this.blackboxExporter = workloadContainer(`${name}-blackbox`, {
            name: hostName(settings, blackbox.alias),
            stack: settings.stack,
            image: pulledImage(`${name}-blackbox`, settings.images.blackboxExporter, this).imageId,
            user: blackbox.user,
            limits: settings.resources.blackboxExporter,
            // On the edge network, where the public hostnames resolve to the edge proxy.
            networks: [{ network: networks.edge, aliases: [blackbox.alias] }],
            command: [`--config.file=${CONFIG_PATHS.blackboxExporterConfig}`, `--web.config.file=${CONFIG_PATHS.blackboxExporterWebConfig}`],
            files: [
                { path: CONFIG_PATHS.blackboxExporterConfig, content: renderBlackboxConfig(settings), secret: false },
                { path: CONFIG_PATHS.blackboxExporterWebConfig, content: webConfig(blackbox.tls), secret: false },
                ...tlsFiles(blackbox.tls, args.certificates.blackboxExporter, args.caCertPem),
            ],
            healthcheck: goTlsListenerHealthcheck(blackbox.port),
            startPeriod: "20s",
        }, { parent: this });

        this.registerOutputs({ nodeExporter: this.nodeExporter, cadvisor: this.cadvisor, blackboxExporter: this.blackboxExporter });
    }
}
