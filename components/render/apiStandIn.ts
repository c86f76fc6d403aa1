import type { StackSettings } from "../settings/types";
import type { TlsFiles } from "../workloads/catalogue";

/**
 * Caddy JSON config for the local stand-in of the team's API: serves TLS on the API port and answers the
 * liveness, readiness and metrics paths, so the local default stack is whole before the real API exists.
 */
export function renderApiStandInConfig(settings: Pick<StackSettings, "api">, tls: TlsFiles): string {
    const respond = (path: string, body: string) => ({
        match: [{ path: [path] }],
        handle: [{ handler: "static_response", status_code: 200, body }],
    });
    const config = {
        admin: { disabled: true },
        apps: {
            http: {
                servers: {
                    api: {
                        listen: [`:${settings.api.port}`],
                        routes: [
                            respond(settings.api.livePath, "ok\n"),
                            respond(settings.api.readyPath, "ok\n"),
                            respond(settings.api.metricsPath, `# TYPE ${settings.api.metricNames.requestsTotal} counter\n${settings.api.metricNames.requestsTotal}{${settings.api.metricNames.statusLabel}="200"} 0\n`),
                        ],
                        tls_connection_policies: [{ certificate_selection: { any_tag: ["api"] } }],
                        automatic_https: { disable: true },
                    },
                },
            },
            tls: { certificates: { load_files: [{ certificate: tls.cert, key: tls.key, tags: ["api"] }] } },
        },
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}
