import { renderJaegerConfig } from "../render/jaeger";
import type { StackSettings } from "../settings/types";
import { CONFIG_PATHS, JAEGER_PORTS, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config } from "./files";

/** What Jaeger's configuration is rendered from. */
export function jaegerConfigInput(settings: StackSettings, specs: WorkloadSpecs): Parameters<typeof renderJaegerConfig>[0] {
    return { tls: specs.jaeger.tls, minVersion: settings.tls.minVersion, maxTraces: settings.jaeger.maxTraces };
}

/** Jaeger v2: OTLP gRPC and HTTP in over TLS, an in-memory trace store, the query UI over TLS. */
export function jaegerWorkload({ settings, specs }: WorkloadContext): WorkloadDescription {
    const spec = specs.jaeger;
    return {
        name: WORKLOAD_NAMES.jaeger,
        certificate: "jaeger",
        image: settings.images.jaeger,
        user: spec.user,
        limits: settings.resources.jaeger,
        command: ["--config", CONFIG_PATHS.jaegerConfig],
        ports: [JAEGER_PORTS.ui, JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp, JAEGER_PORTS.metrics],
        files: [config(CONFIG_PATHS.jaegerConfig, renderJaegerConfig(jaegerConfigInput(settings, specs))), ...tlsFiles(spec.tls)],
        // The health extension listens on loopback inside the container only.
        healthcheck: { test: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${JAEGER_PORTS.health}/status`], startPeriodSeconds: 30 },
    };
}
