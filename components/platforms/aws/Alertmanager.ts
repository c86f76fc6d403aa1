import * as pulumi from "@pulumi/pulumi";
import { alertmanagerArgs, renderAlertmanagerConfig } from "../../render/alertmanager";
import { renderHttpClientConfig } from "../../render/httpClientConfig";
import { renderWebConfig } from "../../render/webConfig";
import { BASIC_AUTH_USERS, CONFIG_PATHS, SECRET_FILES } from "../../workloads/catalogue";
import { SECRET_KEYS } from "../../settings/types";
import { FargateService, ServiceFile } from "./FargateService";
import { AwsServiceArgs, efsVolume, tlsFiles } from "./services";

/** Where Alertmanager keeps silences and the notification log: the mount point of its EFS access point. */
export const ALERTMANAGER_DATA_DIR = "/alertmanager";

/**
 * Alertmanager on Fargate behind the load balancer (basic auth from its web config), its state on EFS, the same
 * rendered alertmanager.yml as on Docker: a secret when it inlines receiver URLs, configuration otherwise. Receiver
 * credentials from stack config arrive as 0400 files.
 */
export class Alertmanager extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Alertmanager", name, {}, opts);
        const { base, credentials, configSecrets, generated } = args;
        const { settings, specs } = base;
        const spec = specs.alertmanager;
        // Webhook URLs are inlined (the validating amtool 0.25 has no `url_file`), which makes the file a secret.
        const inlinesSecrets = settings.alerting.webhook || settings.alerting.watchdog;
        const config: ServiceFile = inlinesSecrets
            ? {
                path: CONFIG_PATHS.alertmanagerConfig,
                kind: "secret",
                value: pulumi.all([configSecrets.webhookUrl, configSecrets.watchdogUrl]).apply(([webhookUrl, watchdogUrl]) => renderAlertmanagerConfig(settings, { webhookUrl, watchdogUrl })),
            }
            : { path: CONFIG_PATHS.alertmanagerConfig, kind: "config", content: renderAlertmanagerConfig(settings) };
        const receiverFiles: ServiceFile[] = SECRET_KEYS.flatMap((key) => {
            const stored = args.receiverSecrets[key];
            // The receiving service checks these: a rollback must not bring back a revoked webhook or key.
            return stored ? [{ path: SECRET_FILES[key], kind: "stored" as const, secret: stored, readCurrent: true }] : [];
        });

        this.service = new FargateService(name, {
            base,
            serviceName: "alertmanager",
            ...args.runtime,
            containers: [{
                name: "alertmanager",
                image: settings.images.alertmanager,
                user: spec.user,
                limits: settings.resources.alertmanager,
                command: alertmanagerArgs(settings),
                ports: [spec.port],
                files: [
                    config,
                    {
                        path: CONFIG_PATHS.alertmanagerWebConfig,
                        kind: "secret",
                        value: generated.alertmanagerPassword.bcryptHash.apply((hash) => renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion, basicAuthUsers: { [BASIC_AUTH_USERS.alertmanager]: hash } })),
                    },
                    {
                        path: CONFIG_PATHS.alertmanagerHealthcheckConfig,
                        kind: "config",
                        content: renderHttpClientConfig({ caFile: spec.tls.ca, serverName: spec.alias, basicAuth: { username: BASIC_AUTH_USERS.alertmanager, passwordFile: SECRET_FILES.alertmanagerPassword } }),
                    },
                    { path: SECRET_FILES.alertmanagerPassword, kind: "stored", secret: credentials["alertmanager-password"] },
                    ...receiverFiles,
                    ...tlsFiles(spec, args.certificates.alertmanager!, args.caCertPem),
                ],
                stateMounts: [{ volume: "alertmanager-data", path: ALERTMANAGER_DATA_DIR }],
                healthCheck: ["CMD", "amtool", `--alertmanager.url=https://127.0.0.1:${spec.port}`, `--http.config.file=${CONFIG_PATHS.alertmanagerHealthcheckConfig}`, "config", "show"],
                startPeriodSeconds: 30,
            }],
            desiredCount: 1,
            loadBalancer: { targetGroupArn: args.targetGroups.alertmanager.arn, containerName: "alertmanager", containerPort: spec.port },
            efs: efsVolume(args, "alertmanager"),
        }, { parent: this });
        this.registerOutputs({ service: this.service });
    }
}
