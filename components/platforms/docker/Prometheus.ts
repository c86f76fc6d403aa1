import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderAlertRules } from "../../render/alertRules";
import { renderHttpClientConfig } from "../../render/httpClientConfig";
import { prometheusArgs, renderPrometheusConfig } from "../../render/prometheus";
import { renderWebConfig } from "../../render/webConfig";
import { BASIC_AUTH_USERS, CONFIG_PATHS, PROMETHEUS_TSDB_DIR, SECRET_FILES } from "../../workloads/catalogue";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/** Prometheus behind TLS and basic auth, scraping every workload over TLS, its TSDB on a named volume. */
export class Prometheus extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    public readonly volume: docker.Volume;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Prometheus", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.prometheus;
        const ruleFiles = Object.entries(renderAlertRules(settings)).map(([file, content]) => ({
            path: `${CONFIG_PATHS.prometheusRulesDir}/${file}`,
            content,
            secret: false,
        }));
        // The web config carries a bcrypt hash: secret.
        const webConfig = generated.prometheusPassword.bcryptHash.apply((hash) =>
            renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion, basicAuthUsers: { [BASIC_AUTH_USERS.prometheus]: hash } }));

        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        const image = pulledImage(name, settings.images.prometheus, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.prometheus,
            // On both networks: it scrapes the data tier and the edge-side services.
            networks: [
                { network: networks.data, aliases: [spec.alias] },
                { network: networks.edge, aliases: [spec.alias] },
            ],
            command: prometheusArgs(settings),
            files: [
                { path: CONFIG_PATHS.prometheusConfig, content: renderPrometheusConfig(settings), secret: false },
                { path: CONFIG_PATHS.prometheusWebConfig, content: webConfig, secret: true },
                ...ruleFiles,
                {
                    path: CONFIG_PATHS.prometheusHealthcheckConfig,
                    content: renderHttpClientConfig({
                        caFile: spec.tls.ca,
                        serverName: spec.alias,
                        basicAuth: { username: BASIC_AUTH_USERS.prometheus, passwordFile: SECRET_FILES.prometheusPassword },
                    }),
                    secret: false,
                },
                { path: SECRET_FILES.prometheusPassword, content: generated.prometheusPassword.result, secret: true },
                { path: SECRET_FILES.alertmanagerPassword, content: generated.alertmanagerPassword.result, secret: true },
                { path: SECRET_FILES.apiMetricsToken, content: generated.apiMetricsToken.result, secret: true },
                ...tlsFiles(spec.tls, args.certificates.prometheus, args.caCertPem),
            ],
            volumes: [{ volume: this.volume, path: PROMETHEUS_TSDB_DIR }],
            healthcheck: ["CMD", "promtool", "check", "healthy", `--url=https://${spec.alias}:${spec.port}`, `--http.config.file=${CONFIG_PATHS.prometheusHealthcheckConfig}`],
            startPeriod: "60s",
        }, { parent: this });

        this.registerOutputs({ container: this.container, volume: this.volume });
    }
}
