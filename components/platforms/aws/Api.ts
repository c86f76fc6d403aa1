import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderApiStandInConfig } from "../../render/apiStandIn";
import { RDS_ROLE_PASSWORD_ENV, renderRdsRolesSql } from "../../render/rdsRoles";
import { API_STAND_IN_CONFIG } from "../../settings/buildSettings";
import { SECRET_FILES } from "../../workloads/catalogue";
import { apiEnvironment } from "../../workloads/consumers";
import { clusterName } from "./Cluster";
import { AWS_TRUST_BUNDLE, awsTrustBundlePath, awsTrustBundleUrls } from "./context";
import { FargateService, pinnedSecret, ServiceContainer, ServiceFile } from "./FargateService";
import { RDS_ADMIN_USER } from "./Postgres";
import { AwsServiceArgs, awsTrustFile, tlsFiles } from "./services";

/** Where the one-shot role set-up container finds its script and the certificates that verify RDS. */
export const DB_ROLES_SCRIPT = "/etc/db-roles/roles.sql";
const DB_ROLES_TRUST_BUNDLE = `/etc/db-roles/${AWS_TRUST_BUNDLE}`;
/** The postgres image's own unprivileged user, which psql runs as. */
const POSTGRES_IMAGE_USER = "999:999";

/**
 * The team's API on Fargate behind the load balancer, scaled between `aws.api.minCount` and `maxCount` on CPU and on
 * requests per task. Before it starts, a one-shot psql container sets up the database roles (RDS runs no init
 * script), reading the administrator's password from the RDS-managed secret through ECS `secrets`.
 */
export class Api extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Api", name, {}, opts);
        const { base } = args;
        const { settings, specs } = base;
        const spec = specs.api;
        const { credentials } = args;
        const region = base.aws.region;

        const files: ServiceFile[] = [
            ...tlsFiles(spec, args.certificates.api!, args.caCertPem),
            awsTrustFile(spec, region),
            { path: SECRET_FILES.postgresAppPassword, kind: "stored", secret: credentials["postgres-app-password"] },
            // ElastiCache checks the token: a rolled-back task must still use the one it accepts now.
            { path: SECRET_FILES.redisPassword, kind: "stored", secret: credentials["redis-auth-token"], readCurrent: true },
            { path: SECRET_FILES.apiSigningKey, kind: "stored", secret: credentials["api-signing-key"] },
            { path: SECRET_FILES.apiMetricsToken, kind: "stored", secret: credentials["api-metrics-token"] },
            ...(settings.api.standIn ? [{ path: API_STAND_IN_CONFIG, kind: "config" as const, content: renderApiStandInConfig(settings, spec.tls) }] : []),
        ];
        const environment = pulumi.all([args.data.postgresAddress, args.data.redisAddress]).apply(([postgresHost, redisHost]) =>
            // The data tier is verified against the AWS trust bundle: RDS and ElastiCache certificates are AWS-issued.
            apiEnvironment(settings, specs, { postgresHost, redisHost }, awsTrustBundlePath(spec)));
        const api: ServiceContainer = {
            name: "api",
            image: settings.images.api,
            user: spec.user,
            limits: settings.resources.api,
            command: settings.api.args.length > 0 ? settings.api.args : undefined,
            environment,
            ports: [spec.port],
            healthCheck: settings.api.healthcheck,
            startPeriodSeconds: 30,
            files,
            after: ["db-roles"],
        };
        const dbRoles: ServiceContainer = {
            name: "db-roles",
            image: settings.images.postgres,
            user: POSTGRES_IMAGE_USER,
            limits: { cpus: 0.125, memoryMiB: 128 },
            essential: false,
            command: ["psql", "--no-psqlrc", "--file", DB_ROLES_SCRIPT],
            environment: {
                PGHOST: args.data.postgresAddress,
                PGPORT: String(specs.postgres.port),
                PGDATABASE: settings.postgres.database,
                PGUSER: RDS_ADMIN_USER,
                PGSSLMODE: "verify-full",
                PGSSLROOTCERT: DB_ROLES_TRUST_BUNDLE,
                PGAPPNAME: "db-roles",
            },
            secrets: {
                // Not pinned: RDS rotates its administrator password, and only the current one logs in.
                PGPASSWORD: args.data.adminSecretArn.apply((arn) => `${arn}:password::`),
                // Pinned like the API's own file: a rolled-back revision sets the password its API reads.
                [RDS_ROLE_PASSWORD_ENV.app]: pinnedSecret(credentials["postgres-app-password"]),
                // Current, like the exporter (another task) reads it: this task's rollback must not change its login.
                [RDS_ROLE_PASSWORD_ENV.exporter]: credentials["postgres-exporter-password"].arn,
                // Current: the backup task (another task) reads the current version too.
                [RDS_ROLE_PASSWORD_ENV.backup]: credentials["postgres-backup-password"].arn,
            },
            files: [
                { path: DB_ROLES_SCRIPT, kind: "config", content: renderRdsRolesSql(settings) },
                { path: DB_ROLES_TRUST_BUNDLE, kind: "download", urls: awsTrustBundleUrls(region) },
            ],
        };

        const scaling = base.aws.api;
        this.service = new FargateService(name, {
            base,
            serviceName: "api",
            ...args.runtime,
            containers: [dbRoles, api],
            desiredCount: scaling.desiredCount,
            autoscaled: true,
            loadBalancer: { targetGroupArn: args.targetGroups.api.arn, containerName: "api", containerPort: spec.port },
        }, { parent: this });

        const resourceId = pulumi.interpolate`service/${clusterName(settings)}/${this.service.service.name}`;
        const target = new aws.appautoscaling.Target(name, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId,
            minCapacity: scaling.minCount,
            maxCapacity: scaling.maxCount,
        }, { parent: this });
        new aws.appautoscaling.Policy(`${name}-cpu`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: scaling.targetCpuPercent,
                scaleInCooldown: 300,
                scaleOutCooldown: 60,
            },
        }, { parent: this });
        new aws.appautoscaling.Policy(`${name}-requests`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: {
                    predefinedMetricType: "ALBRequestCountPerTarget",
                    resourceLabel: pulumi.interpolate`${args.loadBalancerArnSuffix}/${args.targetGroups.api.arnSuffix}`,
                },
                targetValue: scaling.targetRequestsPerTarget,
                scaleInCooldown: 300,
                scaleOutCooldown: 60,
            },
        }, { parent: this });

        this.registerOutputs({ service: this.service });
    }
}
