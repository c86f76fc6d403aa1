import { renderBlackboxConfig } from "../render/blackbox";
import { renderWebConfig } from "../render/webConfig";
import type { StackSettings } from "../settings/types";
import { CONFIG_PATHS, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config } from "./files";
import { goTlsListenerHealthcheck } from "./healthchecks";

/** Without a domain the public names carry the internal CA's certificate, which the probes must trust. */
export function blackboxInput(settings: StackSettings, specs: WorkloadSpecs): Parameters<typeof renderBlackboxConfig>[0] {
    return settings.domain ? {} : { caFile: specs.blackboxExporter.tls.ca };
}

/** blackbox_exporter: probes every public endpoint from outside in, through the edge or the load balancer. */
export function blackboxExporterWorkload({ settings, specs }: WorkloadContext): WorkloadDescription {
    const spec = specs.blackboxExporter;
    return {
        name: WORKLOAD_NAMES.blackboxExporter,
        certificate: "blackboxExporter",
        image: settings.images.blackboxExporter,
        user: spec.user,
        limits: settings.resources.blackboxExporter,
        command: [`--config.file=${CONFIG_PATHS.blackboxExporterConfig}`, `--web.config.file=${CONFIG_PATHS.blackboxExporterWebConfig}`],
        listenFlag: "--web.listen-address",
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.blackboxExporterConfig, renderBlackboxConfig(blackboxInput(settings, specs))),
            config(CONFIG_PATHS.blackboxExporterWebConfig, renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion })),
            ...tlsFiles(spec.tls),
        ],
        healthcheck: { test: goTlsListenerHealthcheck(spec.port), startPeriodSeconds: 20 },
    };
}
