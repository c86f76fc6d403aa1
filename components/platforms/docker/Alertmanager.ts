import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { alertmanagerArgs, renderAlertmanagerConfig } from "../../render/alertmanager";
import { renderHttpClientConfig } from "../../render/httpClientConfig";
import { renderWebConfig } from "../../render/webConfig";
import { BASIC_AUTH_USERS, CONFIG_PATHS, SECRET_FILES } from "../../workloads/catalogue";
import { SECRET_KEYS } from "../../settings/types";
import { ContainerFile, workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/** Alertmanager behind TLS and basic auth; receiver credentials from secret stack config arrive as files. */
export class Alertmanager extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    public readonly volume: docker.Volume;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Alertmanager", name, {}, opts);
        const { settings, specs, networks, generated, configSecrets } = args;
        const spec = specs.alertmanager;
        const webConfig = generated.alertmanagerPassword.bcryptHash.apply((hash) =>
            renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion, basicAuthUsers: { [BASIC_AUTH_USERS.alertmanager]: hash } }));
        // Webhook URLs are inlined (the validating amtool 0.25 has no `url_file`), which makes the file a secret.
        const inlinesSecrets = settings.alerting.webhook || settings.alerting.watchdog;
        const config: ContainerFile = inlinesSecrets
            ? {
                path: CONFIG_PATHS.alertmanagerConfig,
                content: pulumi.all([configSecrets.webhookUrl, configSecrets.watchdogUrl]).apply(([webhookUrl, watchdogUrl]) =>
                    renderAlertmanagerConfig(settings, { webhookUrl, watchdogUrl })),
                secret: true,
            }
            : { path: CONFIG_PATHS.alertmanagerConfig, content: renderAlertmanagerConfig(settings), secret: false };
        const receiverFiles: ContainerFile[] = SECRET_KEYS.flatMap((key) => {
            const value = configSecrets[key];
            return value ? [{ path: SECRET_FILES[key], content: value, secret: true }] : [];
        });

        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        const image = pulledImage(name, settings.images.alertmanager, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.alertmanager,
            // The edge network is the one with a route out, which the receivers (Slack, PagerDuty, SMTP) need.
            networks: [{ network: networks.edge, aliases: [spec.alias] }],
            command: alertmanagerArgs(settings),
            files: [
                config,
                { path: CONFIG_PATHS.alertmanagerWebConfig, content: webConfig, secret: true },
                {
                    path: CONFIG_PATHS.alertmanagerHealthcheckConfig,
                    content: renderHttpClientConfig({
                        caFile: spec.tls.ca,
                        serverName: spec.alias,
                        basicAuth: { username: BASIC_AUTH_USERS.alertmanager, passwordFile: SECRET_FILES.alertmanagerPassword },
                    }),
                    secret: false,
                },
                { path: SECRET_FILES.alertmanagerPassword, content: generated.alertmanagerPassword.result, secret: true },
                ...receiverFiles,
                ...tlsFiles(spec.tls, args.certificates.alertmanager, args.caCertPem),
            ],
            volumes: [{ volume: this.volume, path: "/alertmanager" }],
            healthcheck: ["CMD", "amtool", `--alertmanager.url=https://${spec.alias}:${spec.port}`, `--http.config.file=${CONFIG_PATHS.alertmanagerHealthcheckConfig}`, "config", "show"],
            startPeriod: "30s",
        }, { parent: this });

        this.registerOutputs({ container: this.container, volume: this.volume });
    }
}
