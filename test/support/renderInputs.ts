import { alertmanagerArgsInput } from "../../components/workloads/alertmanager";
import { blackboxInput } from "../../components/workloads/blackboxExporter";
import { workloadSpecs } from "../../components/workloads/catalogue";
import { caddyfileInput } from "../../components/workloads/edge";
import { dashboardInput, datasourcesInput, grafanaEnvironmentInput } from "../../components/workloads/grafana";
import { jaegerConfigInput } from "../../components/workloads/jaeger";
import { postgresConfInput } from "../../components/workloads/postgres";
import { prometheusArgsInput, prometheusConfigInput } from "../../components/workloads/prometheus";
import { redisConfInput } from "../../components/workloads/redis";
import type { StackSettings } from "../../components/settings/types";

/**
 * What each renderer is given for a stack's settings, built by the workload descriptions' own input functions, so a
 * test renders exactly what the program uploads.
 */
export function renderInputs(settings: StackSettings) {
    const specs = workloadSpecs(settings);
    return {
        caddyfile: caddyfileInput(settings, specs),
        prometheusConfig: prometheusConfigInput(settings, specs),
        prometheusArgs: prometheusArgsInput(settings, specs),
        alertmanagerArgs: alertmanagerArgsInput(settings, specs),
        blackbox: blackboxInput(settings, specs),
        datasources: datasourcesInput(settings, specs),
        dashboards: dashboardInput(settings, specs),
        grafanaEnvironment: grafanaEnvironmentInput(settings, specs),
        jaeger: jaegerConfigInput(settings, specs),
        postgresConf: postgresConfInput(settings, specs),
        redisConf: redisConfInput(settings, specs),
    };
}
