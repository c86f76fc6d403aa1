import type { PublicEndpoint } from "../settings/types";

/** Who asks for credentials in front of a public endpoint: nobody, the service itself, or the edge before it. */
export type Guard = "none" | "service" | "edge";

/** How a public endpoint shows it is up: a path, and who guards it. */
export interface PublicHealth {
    readonly path: string;
    readonly guard: Guard;
}

/**
 * Each public endpoint's health: the path that answers when it is up, and who guards it (basic auth: Prometheus's and
 * Alertmanager's own; Jaeger's at the edge, Caddy on Docker and the WAF on AWS). The outside-in probes
 * (blackbox_exporter) and the load balancer's health checks both read this, each through its own lens.
 */
export function publicHealth(apiLivePath: string): Readonly<Record<PublicEndpoint, PublicHealth>> {
    return {
        api: { path: apiLivePath, guard: "none" },
        grafana: { path: "/api/health", guard: "none" },
        prometheus: { path: "/-/healthy", guard: "service" },
        alertmanager: { path: "/-/healthy", guard: "service" },
        jaeger: { path: "/", guard: "edge" },
    };
}
