import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import { isServing, workloadSpecs } from "../../workloads/catalogue";
import { connectionOutput, publicUrls } from "../../workloads/consumers";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSecrets, StackSettings, WORKLOADS } from "../../settings/types";
import { InternalCa } from "../../tls/InternalCa";
import { Alertmanager } from "./Alertmanager";
import { Api } from "./Api";
import { Backup } from "./Backup";
import { DockerServiceArgs, hostName } from "./context";
import { Edge } from "./Edge";
import { Grafana } from "./Grafana";
import { Jaeger } from "./Jaeger";
import { MetricSources } from "./MetricSources";
import { Postgres } from "./Postgres";
import { Prometheus } from "./Prometheus";
import { Redis } from "./Redis";

export interface DockerStackArgs {
    readonly settings: StackSettings;
    readonly secrets: StackSecrets;
}

/** The whole stack on one Docker host: networks, secrets, internal CA, the seven services, metric sources, edge, DNS. */
export class DockerStack extends pulumi.ComponentResource {
    public readonly publicUrls: Readonly<Record<PublicEndpoint, string>>;
    public readonly caCertPem: pulumi.Output<string>;
    /** Every named volume holding state; protected in production. */
    public readonly statefulVolumes: readonly docker.Volume[];
    /** Connection details for operators; secret. */
    public readonly connection: pulumi.Output<object>;

    constructor(name: string, args: DockerStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:docker:Stack", name, {}, opts);
        const { settings } = args;
        if (settings.platform !== "docker") {
            throw new Error(`DockerStack \`settings.platform\` is "${settings.platform}": expected "docker".`);
        }
        const specs = workloadSpecs(settings);
        const labels = [{ label: "com.service-stack.stack", value: settings.stack }];

        const networks = {
            // No route out: the data tier talks only to the services beside it.
            data: new docker.Network(`${name}-data`, { name: hostName(settings, "data"), internal: true, driver: "bridge", labels }, { parent: this }),
            edge: new docker.Network(`${name}-edge`, { name: hostName(settings, "edge"), driver: "bridge", labels }, { parent: this }),
        };
        const generated = new GeneratedSecrets(`${name}-secrets`, { length: settings.passwordLength }, { parent: this });
        const servers: Record<string, string[]> = {};
        for (const workload of WORKLOADS) if (isServing(workload)) servers[workload] = [specs[workload].alias];
        servers.edge = [...PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]), specs.edge.alias];
        const ca = new InternalCa(`${name}-ca`, {
            servers,
            certValidityDays: settings.tls.certValidityDays,
            earlyRenewalDays: settings.tls.earlyRenewalDays,
            caValidityDays: settings.tls.caValidityDays,
            organization: settings.namePrefix,
        }, { parent: this });

        const serviceArgs: DockerServiceArgs = {
            settings,
            specs,
            networks,
            caCertPem: ca.caCertPem,
            certificates: ca.certificates,
            generated,
            configSecrets: args.secrets,
        };
        const postgres = new Postgres(`${name}-postgres`, serviceArgs, { parent: this });
        const redis = new Redis(`${name}-redis`, serviceArgs, { parent: this });
        const jaeger = new Jaeger(`${name}-jaeger`, serviceArgs, { parent: this });
        const api = new Api(`${name}-api`, serviceArgs, { parent: this, dependsOn: [postgres, redis, jaeger] });
        const alertmanager = new Alertmanager(`${name}-alertmanager`, serviceArgs, { parent: this });
        const backup = new Backup(`${name}-backup`, serviceArgs, { parent: this, dependsOn: [postgres] });
        const metricSources = new MetricSources(`${name}-metrics`, { ...serviceArgs, textfileVolume: backup.metricsVolume }, { parent: this });
        const prometheus = new Prometheus(`${name}-prometheus`, serviceArgs, { parent: this, dependsOn: [alertmanager] });
        const grafana = new Grafana(`${name}-grafana`, serviceArgs, { parent: this, dependsOn: [prometheus] });
        const edge = new Edge(`${name}-edge`, serviceArgs, { parent: this, dependsOn: [api, grafana, prometheus, alertmanager, jaeger] });

        this.statefulVolumes = [postgres.volume, redis.volume, prometheus.volume, grafana.volume, alertmanager.volume, edge.volume, backup.volume];

        if (settings.dns) {
            // Loaded here, not at the top: it brings in @pulumi/aws (~0.3 s), which stacks without a DNS zone never use.
            const { DnsRecords } = require("./DnsRecords") as typeof import("./DnsRecords");
            new DnsRecords(`${name}-dns`, { dns: settings.dns, hostnames: PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]) }, { parent: this });
        }

        this.publicUrls = publicUrls(settings);
        this.caCertPem = ca.caCertPem;
        this.connection = connectionOutput(settings, generated, { postgresHost: specs.postgres.alias, redisHost: specs.redis.alias });

        this.registerOutputs({
            publicUrls: this.publicUrls,
            caCertPem: this.caCertPem,
            connection: this.connection,
            statefulVolumes: this.statefulVolumes,
            containers: [postgres.container, redis.container, api.container, prometheus.container, grafana.container, alertmanager.container, jaeger.container, edge.container, metricSources.nodeExporter, backup.container],
        });
    }
}
