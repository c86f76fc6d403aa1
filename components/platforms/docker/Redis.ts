import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderRedisAuthConf, renderRedisConf } from "../../render/redis";
import { redisExporterTlsVersion } from "../../render/webConfig";
import { goTlsListenerHealthcheck } from "../../workloads/healthchecks";
import { CONFIG_PATHS, SECRET_FILES } from "../../workloads/catalogue";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/** Redis speaking TLS only, password in a separate secret include, data on a named volume; redis_exporter beside it. */
export class Redis extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    public readonly exporter: docker.Container;
    public readonly volume: docker.Volume;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Redis", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.redis;
        const exporterSpec = specs.redisExporter;
        const redisUrl = `rediss://${spec.alias}:${spec.port}`;

        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        const image = pulledImage(name, settings.images.redis, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.redis,
            networks: [{ network: networks.data, aliases: [spec.alias] }],
            command: ["redis-server", CONFIG_PATHS.redisConf],
            files: [
                { path: CONFIG_PATHS.redisConf, content: renderRedisConf(settings), secret: false },
                { path: SECRET_FILES.redisAuthConf, content: generated.redisPassword.result.apply(renderRedisAuthConf), secret: true },
                { path: SECRET_FILES.redisPassword, content: generated.redisPassword.result, secret: true },
                ...tlsFiles(spec.tls, args.certificates.redis, args.caCertPem),
            ],
            volumes: [{ volume: this.volume, path: "/data" }],
            // The password travels in REDISCLI_AUTH, read from its file, so it never shows in the process list.
            healthcheck: ["CMD-SHELL", `REDISCLI_AUTH="$(cat ${SECRET_FILES.redisPassword})" redis-cli --tls --cacert ${spec.tls.ca} -h ${spec.alias} -p ${spec.port} ping | grep -q PONG`],
            startPeriod: "20s",
            // SIGTERM makes Redis write its append-only file and a final snapshot before exiting.
            stopGraceSeconds: 60,
        }, { parent: this });

        const exporterImage = pulledImage(`${name}-exporter`, settings.images.redisExporter, this);
        this.exporter = workloadContainer(`${name}-exporter`, {
            name: hostName(settings, exporterSpec.alias),
            stack: settings.stack,
            image: exporterImage.imageId,
            user: exporterSpec.user,
            limits: settings.resources.redisExporter,
            networks: [{ network: networks.data, aliases: [exporterSpec.alias] }],
            env: {
                REDIS_ADDR: redisUrl,
                REDIS_PASSWORD_FILE: SECRET_FILES.redisExporterPasswordMap,
                REDIS_EXPORTER_TLS_CA_CERT_FILE: exporterSpec.tls.ca,
                REDIS_EXPORTER_TLS_SERVER_CERT_FILE: exporterSpec.tls.cert,
                REDIS_EXPORTER_TLS_SERVER_KEY_FILE: exporterSpec.tls.key,
                REDIS_EXPORTER_TLS_SERVER_MIN_VERSION: redisExporterTlsVersion(settings.tls.minVersion),
                REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `:${exporterSpec.port}`,
            },
            files: [
                // redis_exporter reads a JSON map of Redis URL to password.
                { path: SECRET_FILES.redisExporterPasswordMap, content: generated.redisPassword.result.apply((p) => JSON.stringify({ [redisUrl]: p })), secret: true },
                ...tlsFiles(exporterSpec.tls, args.certificates.redisExporter, args.caCertPem),
            ],
            healthcheck: goTlsListenerHealthcheck(exporterSpec.port),
            startPeriod: "20s",
        }, { parent: this, dependsOn: [this.container] });

        this.registerOutputs({ container: this.container, exporter: this.exporter, volume: this.volume });
    }
}
