import * as pulumi from "@pulumi/pulumi";
import { alertmanagerArgs, renderAlertmanagerConfig } from "../render/alertmanager";
import { publicUrl } from "../render/publicUrl";
import { renderHttpClientConfig } from "../render/httpClientConfig";
import { renderWebConfig } from "../render/webConfig";
import { SECRET_KEYS, StackSettings } from "../settings/types";
import { BASIC_AUTH_USERS, CONFIG_PATHS, SECRET_FILES, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription, WorkloadFile } from "./description";
import { config, secret } from "./files";

/** Where Alertmanager keeps silences and the notification log. */
export const ALERTMANAGER_DATA_DIR = "/alertmanager";

/** What Alertmanager's flags are rendered from. */
export function alertmanagerArgsInput(settings: StackSettings, specs: WorkloadSpecs): Parameters<typeof alertmanagerArgs>[0] {
    return { port: specs.alertmanager.port, externalUrl: publicUrl(settings, "alertmanager") };
}

/** alertmanager.yml: a secret when it inlines receiver URLs (the validating amtool 0.25 has no `url_file`). */
function configFile({ settings, configSecrets }: WorkloadContext): WorkloadFile {
    if (!settings.alerting.webhook && !settings.alerting.watchdog) return config(CONFIG_PATHS.alertmanagerConfig, renderAlertmanagerConfig(settings));
    return secret(CONFIG_PATHS.alertmanagerConfig, pulumi.all([configSecrets.webhookUrl, configSecrets.watchdogUrl]).apply(([webhookUrl, watchdogUrl]) =>
        renderAlertmanagerConfig(settings, { webhookUrl, watchdogUrl })));
}

/** Alertmanager behind TLS and basic auth; receiver credentials from secret stack config arrive as files. */
export function alertmanagerWorkload(ctx: WorkloadContext): WorkloadDescription {
    const { settings, specs, generated, configSecrets, selfHost } = ctx;
    const spec = specs.alertmanager;
    return {
        name: WORKLOAD_NAMES.alertmanager,
        certificate: "alertmanager",
        image: settings.images.alertmanager,
        user: spec.user,
        limits: settings.resources.alertmanager,
        command: alertmanagerArgs(alertmanagerArgsInput(settings, specs)),
        ports: [spec.port],
        files: [
            configFile(ctx),
            secret(CONFIG_PATHS.alertmanagerWebConfig, generated.alertmanagerPassword.bcryptHash.apply((hash) =>
                renderWebConfig({ tls: spec.tls, minVersion: settings.tls.minVersion, basicAuthUsers: { [BASIC_AUTH_USERS.alertmanager]: hash } }))),
            config(CONFIG_PATHS.alertmanagerHealthcheckConfig, renderHttpClientConfig({
                caFile: spec.tls.ca,
                serverName: spec.alias,
                basicAuth: { username: BASIC_AUTH_USERS.alertmanager, passwordFile: SECRET_FILES.alertmanagerPassword },
            })),
            sharedFile("alertmanagerPassword"),
            // The receiving service checks these: a rollback must not bring back a revoked webhook or key.
            ...SECRET_KEYS.filter((key) => configSecrets[key] !== undefined).map((key) => sharedFile(key, { readCurrent: true })),
            ...tlsFiles(spec.tls),
        ],
        volumes: [{ volume: "alertmanager-data", path: ALERTMANAGER_DATA_DIR, owns: "state" }],
        healthcheck: {
            test: ["CMD", "amtool", `--alertmanager.url=https://${selfHost(spec)}:${spec.port}`, `--http.config.file=${CONFIG_PATHS.alertmanagerHealthcheckConfig}`, "config", "show"],
            startPeriodSeconds: 30,
        },
    };
}
