import * as pulumi from "@pulumi/pulumi";
import { renderAlertRules } from "../../render/alertRules";
import { renderBlackboxConfig } from "../../render/blackbox";
import { renderHttpClientConfig } from "../../render/httpClientConfig";
import { API_TARGETS_FILE, prometheusArgs, renderPrometheusConfig } from "../../render/prometheus";
import { redisExporterTlsVersion, renderWebConfig } from "../../render/webConfig";
import { goTlsListenerHealthcheck } from "../../workloads/healthchecks";
import { BASIC_AUTH_USERS, CONFIG_PATHS, POSTGRES_EXPORTER_USER, PROMETHEUS_TSDB_DIR, SECRET_FILES, serviceNamespace } from "../../workloads/catalogue";
import { AWS_CLI_IMAGE, awsTrustBundlePath } from "./context";
import { renderDiscoveryScript } from "./discoveryScript";
import { FargateService, ServiceContainer } from "./FargateService";
import type { PolicyStatement } from "./iamDocuments";
import { AwsServiceArgs, awsTrustFile, efsVolume, tlsFiles } from "./services";

/** The task volume the discovery sidecar writes the API's targets into and Prometheus reads them from. */
const API_TARGETS_VOLUME = "api-targets";
const API_TARGETS_DIR = API_TARGETS_FILE.slice(0, API_TARGETS_FILE.lastIndexOf("/"));
/** How often the sidecar asks Cloud Map for the API's tasks (autoscaling adds one within a minute or so). */
const API_DISCOVERY_INTERVAL_SECONDS = 30;
/** The AWS CLI in a loop: a sixteenth of a vCPU and 128 MiB. */
const API_DISCOVERY_LIMITS = { cpus: 0.0625, memoryMiB: 128 };

/**
 * The sidecar that lists every API task for Prometheus: the AWS CLI asks Cloud Map's API (DiscoverInstances, up to
 * 1000 instances) and writes the addresses as a file_sd file. Not essential (Prometheus keeps the last targets when
 * it is down) but restarted by ECS when it exits; runs as Prometheus's user, which owns the shared volume.
 */
function apiDiscovery(args: AwsServiceArgs): { container: ServiceContainer; taskRoleStatements: PolicyStatement[] } {
    const { settings, specs } = args.base;
    const namespace = serviceNamespace(settings);
    return {
        container: {
            name: "api-discovery",
            image: AWS_CLI_IMAGE,
            user: specs.prometheus.user,
            limits: API_DISCOVERY_LIMITS,
            essential: false,
            restart: true,
            entryPoint: ["/bin/sh", "-c"],
            command: [renderDiscoveryScript({ namespace, service: "api", port: specs.api.port, file: API_TARGETS_FILE, intervalSeconds: API_DISCOVERY_INTERVAL_SECONDS })],
            environment: { AWS_REGION: args.base.aws.region },
            files: [],
            volumeMounts: [{ volume: API_TARGETS_VOLUME, path: API_TARGETS_DIR, readOnly: false }],
        },
        taskRoleStatements: [{
            Sid: "DiscoverApiTasks",
            Effect: "Allow",
            Action: "servicediscovery:DiscoverInstances",
            Resource: "*",
            Condition: { StringEquals: { "servicediscovery:NamespaceName": namespace, "servicediscovery:ServiceName": "api" } },
        }],
    };
}

/**
 * Prometheus on Fargate with its TSDB on EFS, and the exporters as sidecars of its task (reached by the task's
 * name): postgres_exporter and redis_exporter against RDS and ElastiCache over verified TLS, blackbox_exporter
 * probing the public endpoints through the load balancer. The same rendered prometheus.yml, rules and web configs
 * as on Docker; the healthcheck verifies the server certificate by its name while connecting over loopback.
 */
export class Prometheus extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Prometheus", name, {}, opts);
        const { base, credentials, certificates, caCertPem, generated } = args;
        const { settings, specs } = base;
        const region = base.aws.region;
        const spec = specs.prometheus;
        const minVersion = settings.tls.minVersion;

        const prometheus: ServiceContainer = {
            name: "prometheus",
            image: settings.images.prometheus,
            user: spec.user,
            limits: settings.resources.prometheus,
            command: prometheusArgs(settings),
            ports: [spec.port],
            files: [
                { path: CONFIG_PATHS.prometheusConfig, kind: "config", content: renderPrometheusConfig(settings) },
                // The web config carries a bcrypt hash: a secret.
                {
                    path: CONFIG_PATHS.prometheusWebConfig,
                    kind: "secret",
                    value: generated.prometheusPassword.bcryptHash.apply((hash) => renderWebConfig({ tls: spec.tls, minVersion, basicAuthUsers: { [BASIC_AUTH_USERS.prometheus]: hash } })),
                },
                ...Object.entries(renderAlertRules(settings)).map(([file, content]) => ({ path: `${CONFIG_PATHS.prometheusRulesDir}/${file}`, kind: "config" as const, content })),
                {
                    path: CONFIG_PATHS.prometheusHealthcheckConfig,
                    kind: "config",
                    content: renderHttpClientConfig({ caFile: spec.tls.ca, serverName: spec.alias, basicAuth: { username: BASIC_AUTH_USERS.prometheus, passwordFile: SECRET_FILES.prometheusPassword } }),
                },
                { path: SECRET_FILES.prometheusPassword, kind: "stored", secret: credentials["prometheus-password"] },
                // Checked by Alertmanager and the API, which a rollback of this task does not roll back.
                { path: SECRET_FILES.alertmanagerPassword, kind: "stored", secret: credentials["alertmanager-password"], readCurrent: true },
                { path: SECRET_FILES.apiMetricsToken, kind: "stored", secret: credentials["api-metrics-token"], readCurrent: true },
                ...tlsFiles(spec, certificates.prometheus!, caCertPem),
            ],
            stateMounts: [{ volume: "prometheus-data", path: PROMETHEUS_TSDB_DIR }],
            volumeMounts: [{ volume: API_TARGETS_VOLUME, path: API_TARGETS_DIR, readOnly: true }],
            healthCheck: ["CMD", "promtool", "check", "healthy", `--url=https://127.0.0.1:${spec.port}`, `--http.config.file=${CONFIG_PATHS.prometheusHealthcheckConfig}`],
            startPeriodSeconds: 60,
        };

        const pgExporter = specs.postgresExporter;
        const postgresExporter: ServiceContainer = {
            name: "postgres-exporter",
            image: settings.images.postgresExporter,
            user: pgExporter.user,
            limits: settings.resources.postgresExporter,
            command: [`--web.config.file=${CONFIG_PATHS.postgresExporterWebConfig}`, `--web.listen-address=:${pgExporter.port}`],
            environment: {
                DATA_SOURCE_URI: pulumi.interpolate`${args.data.postgresAddress}:${specs.postgres.port}/${settings.postgres.database}?sslmode=verify-full&sslrootcert=${awsTrustBundlePath(pgExporter)}`,
                DATA_SOURCE_USER: POSTGRES_EXPORTER_USER,
                DATA_SOURCE_PASS_FILE: SECRET_FILES.postgresExporterPassword,
            },
            ports: [pgExporter.port],
            files: [
                { path: CONFIG_PATHS.postgresExporterWebConfig, kind: "config", content: renderWebConfig({ tls: pgExporter.tls, minVersion }) },
                { path: SECRET_FILES.postgresExporterPassword, kind: "stored", secret: credentials["postgres-exporter-password"], readCurrent: true },
                awsTrustFile(pgExporter, region),
                ...tlsFiles(pgExporter, certificates.postgresExporter!, caCertPem),
            ],
            healthCheck: goTlsListenerHealthcheck(pgExporter.port),
            startPeriodSeconds: 30,
        };

        const redisExporterSpec = specs.redisExporter;
        const redisUrl = pulumi.interpolate`rediss://${args.data.redisAddress}:${specs.redis.port}`;
        const redisExporter: ServiceContainer = {
            name: "redis-exporter",
            image: settings.images.redisExporter,
            user: redisExporterSpec.user,
            limits: settings.resources.redisExporter,
            environment: {
                REDIS_ADDR: redisUrl,
                REDIS_PASSWORD_FILE: SECRET_FILES.redisExporterPasswordMap,
                REDIS_EXPORTER_TLS_CA_CERT_FILE: awsTrustBundlePath(redisExporterSpec),
                REDIS_EXPORTER_TLS_SERVER_CERT_FILE: redisExporterSpec.tls.cert,
                REDIS_EXPORTER_TLS_SERVER_KEY_FILE: redisExporterSpec.tls.key,
                REDIS_EXPORTER_TLS_SERVER_MIN_VERSION: redisExporterTlsVersion(minVersion),
                REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `:${redisExporterSpec.port}`,
            },
            ports: [redisExporterSpec.port],
            files: [
                // redis_exporter reads a JSON map of Redis URL to password.
                { path: SECRET_FILES.redisExporterPasswordMap, kind: "secret", value: pulumi.all([redisUrl, generated.redisPassword.result]).apply(([url, password]) => JSON.stringify({ [url]: password })), readCurrent: true },
                awsTrustFile(redisExporterSpec, region),
                ...tlsFiles(redisExporterSpec, certificates.redisExporter!, caCertPem),
            ],
            healthCheck: goTlsListenerHealthcheck(redisExporterSpec.port),
            startPeriodSeconds: 20,
        };

        const blackbox = specs.blackboxExporter;
        const blackboxExporter: ServiceContainer = {
            name: "blackbox-exporter",
            image: settings.images.blackboxExporter,
            user: blackbox.user,
            limits: settings.resources.blackboxExporter,
            command: [`--config.file=${CONFIG_PATHS.blackboxExporterConfig}`, `--web.config.file=${CONFIG_PATHS.blackboxExporterWebConfig}`, `--web.listen-address=:${blackbox.port}`],
            ports: [blackbox.port],
            files: [
                { path: CONFIG_PATHS.blackboxExporterConfig, kind: "config", content: renderBlackboxConfig(settings) },
                { path: CONFIG_PATHS.blackboxExporterWebConfig, kind: "config", content: renderWebConfig({ tls: blackbox.tls, minVersion }) },
                ...tlsFiles(blackbox, certificates.blackboxExporter!, caCertPem),
            ],
            healthCheck: goTlsListenerHealthcheck(blackbox.port),
            startPeriodSeconds: 20,
        };

        const discovery = apiDiscovery(args);
        this.service = new FargateService(name, {
            base,
            serviceName: "prometheus",
            ...args.runtime,
            containers: [prometheus, postgresExporter, redisExporter, blackboxExporter, discovery.container],
            sharedVolumes: [{ name: API_TARGETS_VOLUME, owner: spec.user }],
            taskRoleStatements: discovery.taskRoleStatements,
            desiredCount: 1,
            loadBalancer: { targetGroupArn: args.targetGroups.prometheus.arn, containerName: "prometheus", containerPort: spec.port },
            efs: efsVolume(args, "prometheus"),
        }, { parent: this });
        this.registerOutputs({ service: this.service });
    }
}
