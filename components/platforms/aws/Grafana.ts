import * as pulumi from "@pulumi/pulumi";
import { grafanaEnvironment, renderDashboards, renderGrafanaDashboardProviders, renderGrafanaDatasources } from "../../render/grafana";
import { CONFIG_PATHS, SECRET_FILES } from "../../workloads/catalogue";
import { FargateService } from "./FargateService";
import { AwsServiceArgs, efsVolume, tlsFiles } from "./services";

/** Where Grafana keeps its database and plugins: the mount point of its EFS access point. */
export const GRAFANA_DATA_DIR = "/var/lib/grafana";

/**
 * Grafana on Fargate behind the load balancer, its database on EFS, the same provisioning and dashboards as on
 * Docker. The admin password is read from a file (`GF_SECURITY_ADMIN_PASSWORD__FILE`): admin/admin is impossible.
 */
export class Grafana extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Grafana", name, {}, opts);
        const { base, credentials } = args;
        const { settings, specs } = base;
        const spec = specs.grafana;
        this.service = new FargateService(name, {
            base,
            serviceName: "grafana",
            ...args.runtime,
            containers: [{
                name: "grafana",
                image: settings.images.grafana,
                user: spec.user,
                limits: settings.resources.grafana,
                environment: grafanaEnvironment(settings),
                ports: [spec.port],
                files: [
                    { path: CONFIG_PATHS.grafanaDatasources, kind: "config", content: renderGrafanaDatasources(settings) },
                    { path: CONFIG_PATHS.grafanaDashboardProviders, kind: "config", content: renderGrafanaDashboardProviders(settings) },
                    ...Object.entries(renderDashboards(settings)).map(([file, content]) => ({ path: `${CONFIG_PATHS.grafanaDashboardsDir}/${file}`, kind: "config" as const, content })),
                    { path: SECRET_FILES.grafanaAdminPassword, kind: "stored", secret: credentials["grafana-admin-password"] },
                    // Checked by Prometheus and Alertmanager, which a rollback of Grafana does not roll back.
                    { path: SECRET_FILES.prometheusPassword, kind: "stored", secret: credentials["prometheus-password"], readCurrent: true },
                    { path: SECRET_FILES.alertmanagerPassword, kind: "stored", secret: credentials["alertmanager-password"], readCurrent: true },
                    ...tlsFiles(spec, args.certificates.grafana!, args.caCertPem),
                ],
                stateMounts: [{ volume: "grafana-data", path: GRAFANA_DATA_DIR }],
                healthCheck: ["CMD", "wget", "-q", "--spider", "--no-check-certificate", `https://127.0.0.1:${spec.port}/api/health`],
                startPeriodSeconds: 60,
            }],
            desiredCount: 1,
            loadBalancer: { targetGroupArn: args.targetGroups.grafana.arn, containerName: "grafana", containerPort: spec.port },
            efs: efsVolume(args, "grafana"),
        }, { parent: this });
        this.registerOutputs({ service: this.service });
    }
}
