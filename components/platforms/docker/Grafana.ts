import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { grafanaEnvironment, renderDashboards, renderGrafanaDashboardProviders, renderGrafanaDatasources } from "../../render/grafana";
import { CONFIG_PATHS, SECRET_FILES } from "../../workloads/catalogue";
import { workloadContainer, tlsFiles } from "./containerBaseline";
import { DockerServiceArgs, hostName, pulledImage, stateVolume } from "./context";

/**
 * Grafana over TLS with provisioned datasources and dashboards. The admin password is generated and read from
 * a file (`GF_SECURITY_ADMIN_PASSWORD__FILE`), so Grafana can never start with admin/admin.
 */
export class Grafana extends pulumi.ComponentResource {
    public readonly container: docker.Container;
    public readonly volume: docker.Volume;

    constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Grafana", name, {}, opts);
        const { settings, specs, networks, generated } = args;
        const spec = specs.grafana;
        const dashboards = Object.entries(renderDashboards(settings)).map(([file, content]) => ({
            path: `${CONFIG_PATHS.grafanaDashboardsDir}/${file}`,
            content,
            secret: false,
        }));

        this.volume = stateVolume(`${name}-data`, hostName(settings, spec.alias, "data"), settings, this);
        const image = pulledImage(name, settings.images.grafana, this);
        this.container = workloadContainer(name, {
            name: hostName(settings, spec.alias),
            stack: settings.stack,
            image: image.imageId,
            user: spec.user,
            limits: settings.resources.grafana,
            networks: [{ network: networks.edge, aliases: [spec.alias] }],
            env: grafanaEnvironment(settings),
            files: [
                { path: CONFIG_PATHS.grafanaDatasources, content: renderGrafanaDatasources(settings), secret: false },
                { path: CONFIG_PATHS.grafanaDashboardProviders, content: renderGrafanaDashboardProviders(settings), secret: false },
                ...dashboards,
                { path: SECRET_FILES.grafanaAdminPassword, content: generated.grafanaAdminPassword.result, secret: true },
                { path: SECRET_FILES.prometheusPassword, content: generated.prometheusPassword.result, secret: true },
                { path: SECRET_FILES.alertmanagerPassword, content: generated.alertmanagerPassword.result, secret: true },
                ...tlsFiles(spec.tls, args.certificates.grafana, args.caCertPem),
            ],
            volumes: [{ volume: this.volume, path: "/var/lib/grafana" }],
            healthcheck: ["CMD", "wget", "-q", "--spider", "--no-check-certificate", `https://127.0.0.1:${spec.port}/api/health`],
            startPeriod: "60s",
        }, { parent: this });

        this.registerOutputs({ container: this.container, volume: this.volume });
    }
}
