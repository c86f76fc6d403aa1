import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderApiStandInConfig } from "../../render/apiStandIn";
import { API_STAND_IN_CONFIG } from "../../settings/buildSettings";
import { imageFileCapabilities, SECRET_FILES } from "../../workloads/catalogue";
import { apiEnvironment } from "../../workloads/consumers";
import { ContainerFile, workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage } from "./context";

/**
 * The team's API. Connection details arrive as plain env (hosts, ports, TLS modes); every credential arrives
 * as a file named by a `*_FILE` variable.
 */
export class Api extends pulumi.ComponentResource {
    public readonly container: docker.Container;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Api", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.api;

        const env = apiEnvironment(settings, { postgresHost: specs.postgres.alias, redisHost: specs.redis.alias }, spec.tls.ca);
        const files: ContainerFile[] = [
            { path: SECRET_FILES.postgresAppPassword, content: generated.postgresAppPassword.result, secret: true },
            { path: SECRET_FILES.redisPassword, content: generated.redisPassword.result, secret: true },
            { path: SECRET_FILES.apiSigningKey, content: generated.apiSigningKey.result, secret: true },
            { path: SECRET_FILES.apiMetricsToken, content: generated.apiMetricsToken.result, secret: true },
            ...tlsFiles(spec.tls, args.certificates.api, args.caCertPem),
        ];
        if (settings.api.standIn) {
            files.push({ path: API_STAND_IN_CONFIG, content: renderApiStandInConfig(settings, spec.tls), secret: false });
        }

        const image = pulledImage(name, settings.images.api, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.api,
            networks: [
                { network: networks.data, aliases: [spec.alias] },
                { network: networks.edge, aliases: [spec.alias] },
            ],
            command: settings.api.args.length > 0 ? settings.api.args : undefined,
            env,
            files,
            capabilities: imageFileCapabilities(settings.images.api),
            healthcheck: settings.api.healthcheck,
            startPeriod: "30s",
        }, { parent: this });

        this.registerOutputs({ container: this.container });
    }
}
