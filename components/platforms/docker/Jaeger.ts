import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderJaegerConfig } from "../../render/jaeger";
import { CONFIG_PATHS, JAEGER_PORTS } from "../../workloads/catalogue";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage } from "./context";

/** Jaeger v2: OTLP gRPC/HTTP in over TLS, an in-memory trace store, the query UI over TLS. */
export class Jaeger extends pulumi.ComponentResource {
    public readonly container: docker.Container;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Jaeger", name, {}, opts);
        const { settings, specs, networks } = args;
        const spec = specs.jaeger;

        const image = pulledImage(name, settings.images.jaeger, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.jaeger,
            networks: [{ network: networks.edge, aliases: [spec.alias] }],
            command: ["--config", CONFIG_PATHS.jaegerConfig],
            files: [
                { path: CONFIG_PATHS.jaegerConfig, content: renderJaegerConfig(settings), secret: false },
                ...tlsFiles(spec.tls, args.certificates.jaeger, args.caCertPem),
            ],
            // The health extension listens on loopback inside the container only.
            healthcheck: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${JAEGER_PORTS.health}/status`],
            startPeriod: "30s",
        }, { parent: this });

        this.registerOutputs({ container: this.container });
    }
}
