import * as pulumi from "@pulumi/pulumi";
import { renderApiStandInConfig } from "../render/apiStandIn";
import { API_STAND_IN_CONFIG } from "../settings/buildSettings";
import { WORKLOAD_NAMES } from "./catalogue";
import { apiEnvironment } from "./consumers";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config } from "./files";

/**
 * The team's API. Connection details arrive as plain environment (hosts, ports, TLS modes), every credential as a file
 * named by a `*_FILE` variable; the data tier is verified with the CA the platform's data tier names.
 */
export function apiWorkload({ settings, specs, data }: WorkloadContext): WorkloadDescription {
    const spec = specs.api;
    const trust = data.trust("api");
    return {
        name: WORKLOAD_NAMES.api,
        certificate: "api",
        image: settings.images.api,
        user: spec.user,
        limits: settings.resources.api,
        command: settings.api.args.length > 0 ? settings.api.args : undefined,
        env: pulumi.all([data.postgresHost, data.redisHost]).apply(([postgresHost, redisHost]) => apiEnvironment(settings, specs, { postgresHost, redisHost }, trust.caFile)),
        ports: [spec.port],
        files: [
            sharedFile("postgresAppPassword"),
            // Redis (ElastiCache on AWS) checks the token: an API rolled back must still use the one it accepts now.
            sharedFile("redisPassword", { readCurrent: true }),
            sharedFile("apiSigningKey"),
            sharedFile("apiMetricsToken"),
            ...tlsFiles(spec.tls),
            ...trust.files,
            ...(settings.api.standIn ? [config(API_STAND_IN_CONFIG, renderApiStandInConfig(settings, spec.tls))] : []),
        ],
        healthcheck: { test: settings.api.healthcheck, startPeriodSeconds: 30 },
    };
}
