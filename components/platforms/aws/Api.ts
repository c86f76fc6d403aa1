import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RDS_ROLE_PASSWORD_ENV, renderRdsRolesSql } from "../../render/rdsRoles";
import { apiWorkload } from "../../workloads/api";
import type { WorkloadDescription } from "../../workloads/description";
import { clusterName } from "./Cluster";
import { AWS_TRUST_BUNDLE, awsTrustBundleUrls } from "./context";
import { FargateService } from "./FargateService";
import { RDS_ADMIN_USER } from "./Postgres";
import { AwsServiceArgs, sharedServiceArgs } from "./serviceArgs";
import type { TaskContainer } from "./taskContainers";
import { pinnedSecret } from "./taskFiles";

/** Where the one-shot role set-up container finds its script and the certificates that verify RDS. */
export const DB_ROLES_SCRIPT = "/etc/db-roles/roles.sql";
const DB_ROLES_TRUST_BUNDLE = `/etc/db-roles/${AWS_TRUST_BUNDLE}`;
/** The postgres image's own unprivileged user, which psql runs as. */
const POSTGRES_IMAGE_USER = "999:999";

/**
 * The database roles on RDS, which runs no init script: psql of the postgres image, once, as the RDS administrator
 * (its password from the RDS-managed secret), before the API starts. What PostgreSQL's init scripts do on Docker.
 */
function dbRoles(args: AwsServiceArgs): TaskContainer {
    const { settings, specs } = args.workloads;
    const credentials = args.credentials.credentials;
    const workload: WorkloadDescription = {
        name: "db-roles",
        image: settings.images.postgres,
        user: POSTGRES_IMAGE_USER,
        limits: { cpus: 0.125, memoryMiB: 128 },
        command: ["psql", "--no-psqlrc", "--file", DB_ROLES_SCRIPT],
        env: {
            PGHOST: args.data.postgresAddress,
            PGPORT: String(specs.postgres.port),
            PGDATABASE: settings.postgres.database,
            PGUSER: RDS_ADMIN_USER,
            PGSSLMODE: "verify-full",
            PGSSLROOTCERT: DB_ROLES_TRUST_BUNDLE,
            PGAPPNAME: "db-roles",
        },
        files: [
            { path: DB_ROLES_SCRIPT, source: { kind: "config", content: renderRdsRolesSql(settings) } },
            { path: DB_ROLES_TRUST_BUNDLE, source: { kind: "download", urls: awsTrustBundleUrls(args.base.aws.region) } },
        ],
    };
    return {
        workload,
        essential: false,
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
    };
}

/**
 * The team's API on Fargate behind the load balancer, scaled between `aws.api.minCount` and `maxCount` on CPU and on
 * requests per task; before it starts, the one-shot `db-roles` container sets up the database roles.
 */
export class Api extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Api", name, {}, opts);
        const api = apiWorkload(args.workloads);
        const port = args.workloads.specs.api.port;
        this.service = new FargateService(name, {
            ...sharedServiceArgs(args),
            serviceName: api.name,
            containers: [dbRoles(args), { workload: api, after: ["db-roles"] }],
            desiredCount: args.base.aws.api.desiredCount,
            autoscaled: true,
            loadBalancer: { targetGroupArn: args.targetGroups.api.arn, containerName: api.name, containerPort: port },
        }, { parent: this });
        this.scale(name, args);
        this.registerOutputs({ service: this.service });
    }

    /** Target tracking on CPU and on requests per task, between `aws.api.minCount` and `maxCount`. */
    private scale(name: string, args: AwsServiceArgs): void {
        const scaling = args.base.aws.api;
        const target = new aws.appautoscaling.Target(name, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${clusterName(args.base.settings)}/${this.service.service.name}`,
            minCapacity: scaling.minCount,
            maxCapacity: scaling.maxCount,
        }, { parent: this });
        const policy = (suffix: string, metric: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification, targetValue: number) =>
            new aws.appautoscaling.Policy(`${name}-${suffix}`, {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: metric, targetValue, scaleInCooldown: 300, scaleOutCooldown: 60 },
            }, { parent: this });
        policy("cpu", { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, scaling.targetCpuPercent);
        policy("requests", {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: pulumi.interpolate`${args.loadBalancerArnSuffix}/${args.targetGroups.api.arnSuffix}`,
        }, scaling.targetRequestsPerTarget);
    }
}
