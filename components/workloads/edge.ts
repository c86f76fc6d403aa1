import { CaddyfileInput, renderCaddyBasicAuthSnippet, renderCaddyfile } from "../render/caddy";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSettings } from "../settings/types";
import { BASIC_AUTH_USERS, CONFIG_PATHS, EDGE_CONTAINER_PORTS, SECRET_FILES, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config, secret } from "./files";

/** What the Caddyfile is rendered from: each public name and its upstream, the edge's certificate unless ACME issues them. */
export function caddyfileInput(settings: StackSettings, specs: WorkloadSpecs): CaddyfileInput {
    const site = (endpoint: PublicEndpoint) => ({
        hostname: settings.hostnames[endpoint],
        upstream: { scheme: endpoint === "api" ? settings.api.scheme : "https" as const, alias: specs[endpoint].alias, port: specs[endpoint].port },
    });
    return {
        sites: Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e, site(e)])) as CaddyfileInput["sites"],
        ...(settings.domain ? {} : { certificate: specs.edge.tls }),
        caFile: specs.edge.tls.ca,
        minVersion: settings.tls.minVersion,
        httpsPort: settings.edge.httpsPort,
        acmeEmail: settings.edge.acmeEmail,
    };
}

/**
 * The Caddy edge proxy: terminates TLS for the public names (ACME certificates with a domain, the internal CA's
 * otherwise), adds the security headers and asks for basic auth in front of Jaeger. Its ACME account and
 * certificates are state: losing them in production means re-issuing under rate limits. On AWS the load balancer
 * and the WAF take its place.
 */
export function edgeWorkload({ settings, specs, generated }: WorkloadContext): WorkloadDescription {
    const spec = specs.edge;
    return {
        name: WORKLOAD_NAMES.edge,
        certificate: "edge",
        image: settings.images.edge,
        user: spec.user,
        limits: settings.resources.edge,
        command: ["caddy", "run", "--config", CONFIG_PATHS.caddyfile, "--adapter", "caddyfile"],
        env: { XDG_DATA_HOME: "/data", XDG_CONFIG_HOME: "/config" },
        ports: [EDGE_CONTAINER_PORTS.http, EDGE_CONTAINER_PORTS.https],
        files: [
            config(CONFIG_PATHS.caddyfile, renderCaddyfile(caddyfileInput(settings, specs))),
            secret(SECRET_FILES.edgeJaegerBasicAuth, generated.jaegerPassword.bcryptHash.apply((hash) => renderCaddyBasicAuthSnippet(BASIC_AUTH_USERS.jaeger, hash))),
            ...tlsFiles(spec.tls),
        ],
        volumes: [{ volume: "edge-data", path: "/data", owns: "state" }],
        scratch: { "/config": "rw,noexec,nosuid,size=8m" },
        // Caddy's admin API answers on loopback inside the container only.
        healthcheck: { test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:2019/config/"], startPeriodSeconds: 30 },
    };
}
