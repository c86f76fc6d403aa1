import { stringify } from "yaml";
import type { TlsVersion } from "../settings/types";
import { JAEGER_PORTS, TlsFiles } from "../workloads/catalogue";

const STORE = "memstore";

/**
 * Jaeger v2 configuration (OpenTelemetry collector form): OTLP gRPC and HTTP in over TLS, an in-memory trace store,
 * the query UI over TLS, health on loopback only, internal metrics for Prometheus on JAEGER_PORTS.metrics.
 */
export function renderJaegerConfig(input: { readonly tls: TlsFiles; readonly minVersion: TlsVersion; readonly maxTraces: number }): string {
    const { tls } = input;
    const serverTls = { cert_file: tls.cert, key_file: tls.key, min_version: input.minVersion };
    const config = {
        service: {
            extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
            telemetry: {
                resource: { "service.name": "jaeger" },
                metrics: { level: "detailed", readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: JAEGER_PORTS.metrics } } } }] },
                logs: { level: "info" },
            },
        },
        extensions: {
            healthcheckv2: { use_v2: true, http: { endpoint: `127.0.0.1:${JAEGER_PORTS.health}`, status: { enabled: true, path: "/status" } } },
            jaeger_query: {
                storage: { traces: STORE },
                http: { endpoint: `0.0.0.0:${JAEGER_PORTS.ui}`, tls: serverTls },
                // The query gRPC API is not used by anything in the stack: loopback only.
                grpc: { endpoint: "127.0.0.1:16685" },
            },
            jaeger_storage: { backends: { [STORE]: { memory: { max_traces: input.maxTraces } } } },
        },
        receivers: {
            otlp: {
                protocols: {
                    grpc: { endpoint: `0.0.0.0:${JAEGER_PORTS.otlpGrpc}`, tls: serverTls },
                    http: { endpoint: `0.0.0.0:${JAEGER_PORTS.otlpHttp}`, tls: serverTls },
                },
            },
        },
        processors: { batch: {} },
        exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
    };
    return stringify(config, { aliasDuplicateObjects: false });
}
