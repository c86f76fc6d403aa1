import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderCaddyBasicAuthSnippet, renderCaddyfile } from "../../render/caddy";
import { BASIC_AUTH_USERS, CONFIG_PATHS, EDGE_CONTAINER_PORTS, imageFileCapabilities, SECRET_FILES } from "../../workloads/catalogue";
import { PUBLIC_ENDPOINTS } from "../../settings/types";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/**
 * The Caddy edge proxy: the only container publishing ports. Terminates TLS (ACME certificates when a domain is
 * set, the internal CA's otherwise) and adds the security headers.
 */
export class Edge extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    public readonly volume: docker.Volume;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Edge", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.edge;
        const publicHosts = PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]);
        const jaegerAuth = generated.jaegerPassword.bcryptHash.apply((hash) => renderCaddyBasicAuthSnippet(BASIC_AUTH_USERS.jaeger, hash));

        // ACME account and certificates live here; losing them in production means re-issuing under rate limits.
        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        const image = pulledImage(name, settings.images.edge, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.edge,
            // The public hostnames are aliases too, so probes from inside the stack reach the edge by those names.
            networks: [{ network: networks.edge, aliases: [spec.alias, ...publicHosts] }],
            command: ["caddy", "run", "--config", CONFIG_PATHS.caddyfile, "--adapter", "caddyfile"],
            env: { XDG_DATA_HOME: "/data", XDG_CONFIG_HOME: "/config" },
            files: [
                { path: CONFIG_PATHS.caddyfile, content: renderCaddyfile(settings), secret: false },
                { path: SECRET_FILES.edgeJaegerBasicAuth, content: jaegerAuth, secret: true },
                ...tlsFiles(spec.tls, args.certificates.edge, args.caCertPem),
            ],
            volumes: [{ volume: this.volume, path: "/data" }],
            tmpfs: { "/config": "rw,noexec,nosuid,size=8m" },
            capabilities: imageFileCapabilities(settings.images.edge),
            ports: [
                { internal: EDGE_CONTAINER_PORTS.http, external: settings.edge.httpPort, ip: settings.edge.bindAddress },
                { internal: EDGE_CONTAINER_PORTS.https, external: settings.edge.httpsPort, ip: settings.edge.bindAddress },
            ],
            // Caddy's admin API answers on loopback inside the container only.
            healthcheck: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:2019/config/"],
            startPeriod: "30s",
        }, { parent: this });

        this.registerOutputs({ container: this.container, volume: this.volume });
    }
}
