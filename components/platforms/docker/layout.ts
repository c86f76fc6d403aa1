import type { StackSettings, WorkloadName } from "../../settings/types";
import { EDGE_CONTAINER_PORTS, isServing, WorkloadSpecs } from "../../workloads/catalogue";
import type { DataTier } from "../../workloads/description";
import type { DockerGroup } from "./WorkloadGroup";

/**
 * How the Docker platform lays workloads out on the host: which network each joins, which component groups them, in
 * which order the components are declared and what each waits for.
 */

/** The data network has no route out; the edge network reaches the internet and the proxy. */
export type DockerNetwork = "data" | "edge";

/** The networks each workload joins: the data tier and its clients on `data`; what the edge or the internet must reach on `edge`. */
export const NETWORKS: Readonly<Record<WorkloadName, readonly DockerNetwork[]>> = {
    postgres: ["data"],
    postgresExporter: ["data"],
    redis: ["data"],
    redisExporter: ["data"],
    nodeExporter: ["data"],
    cadvisor: ["data"],
    backup: ["data"],
    // Both: it reaches the data tier and is reached by the edge (the API) or scrapes both sides (Prometheus).
    api: ["data", "edge"],
    prometheus: ["data", "edge"],
    grafana: ["edge"],
    // The edge network is the one with a route out, which the receivers (Slack, PagerDuty, SMTP) need.
    alertmanager: ["edge"],
    jaeger: ["edge"],
    // Where the public hostnames resolve to the edge proxy.
    blackboxExporter: ["edge"],
    edge: ["edge"],
    backupOffsite: ["edge"],
};

export interface GroupLayout {
    readonly group: DockerGroup;
    /** The component is `<stack>-<name>`. */
    readonly name: string;
    /** Its workloads: the first is its main one (resources named after the component), the others `<name>-<suffix>`. */
    readonly members: readonly { readonly workload: WorkloadName; readonly suffix?: string; readonly after?: string }[];
    /** Components (by `name`) whose containers must exist first. */
    readonly dependsOn?: readonly string[];
}

/** The components in the order they are declared. */
export const GROUPS: readonly GroupLayout[] = [
    { group: "Postgres", name: "postgres", members: [{ workload: "postgres" }, { workload: "postgresExporter", suffix: "exporter", after: "" }] },
    { group: "Redis", name: "redis", members: [{ workload: "redis" }, { workload: "redisExporter", suffix: "exporter", after: "" }] },
    { group: "Jaeger", name: "jaeger", members: [{ workload: "jaeger" }] },
    { group: "Api", name: "api", members: [{ workload: "api" }], dependsOn: ["postgres", "redis", "jaeger"] },
    { group: "Alertmanager", name: "alertmanager", members: [{ workload: "alertmanager" }] },
    { group: "Backup", name: "backup", members: [{ workload: "backup" }, { workload: "backupOffsite", suffix: "offsite", after: "" }], dependsOn: ["postgres"] },
    {
        group: "MetricSources",
        name: "metrics",
        members: [{ workload: "nodeExporter", suffix: "node" }, { workload: "cadvisor", suffix: "cadvisor" }, { workload: "blackboxExporter", suffix: "blackbox" }],
    },
    { group: "Prometheus", name: "prometheus", members: [{ workload: "prometheus" }], dependsOn: ["alertmanager"] },
    { group: "Grafana", name: "grafana", members: [{ workload: "grafana" }], dependsOn: ["prometheus"] },
    { group: "Edge", name: "edge", members: [{ workload: "edge" }], dependsOn: ["api", "grafana", "prometheus", "alertmanager", "jaeger"] },
];

/** The ports the host publishes: the edge's alone, on `edge.bindAddress`. */
export function publishedPorts(workload: WorkloadName, settings: StackSettings): { internal: number; external: number; ip: string }[] | undefined {
    if (workload !== "edge") return undefined;
    return [
        { internal: EDGE_CONTAINER_PORTS.http, external: settings.edge.httpPort, ip: settings.edge.bindAddress },
        { internal: EDGE_CONTAINER_PORTS.https, external: settings.edge.httpsPort, ip: settings.edge.bindAddress },
    ];
}

/** PostgreSQL and Redis on the data network by their aliases, verified with the internal CA every workload holds. */
export function dockerDataTier(specs: WorkloadSpecs): DataTier {
    return {
        postgresHost: specs.postgres.alias,
        redisHost: specs.redis.alias,
        trust: (workload) => {
            if (isServing(workload)) return { caFile: specs[workload].tls.ca, files: [] };
            // A pure client holds no TLS files of its own: the CA comes on its own.
            const ca = specs[workload].ca;
            return { caFile: ca, files: [{ path: ca, source: { kind: "tls", part: "ca" } }] };
        },
    };
}
