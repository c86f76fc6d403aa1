import type { PublicEndpoint, StackSettings } from "../settings/types";

/**
 * The URL users reach an endpoint at through the edge, e.g. `https://grafana.localhost:8443/`; services that build
 * links to themselves (Grafana's root URL, Alertmanager's external URL) need it.
 */
export function publicUrl(settings: StackSettings, endpoint: PublicEndpoint): string {
    // On AWS the load balancer always listens on 443; the edge's host port only applies to the Docker edge.
    const port = settings.platform === "docker" && settings.edge.httpsPort !== 443 ? `:${settings.edge.httpsPort}` : "";
    return `https://${settings.hostnames[endpoint]}${port}/`;
}
