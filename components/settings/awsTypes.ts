/** ElastiCache engines the AWS platform can run for the Redis service. */
export const REDIS_ENGINES = ["redis", "valkey"] as const;
export type RedisEngine = (typeof REDIS_ENGINES)[number];

/** CloudWatch retention periods (days) inside the policy pack's bounds (14–400). */
export const LOG_RETENTION_DAYS = [14, 30, 60, 90, 120, 150, 180, 365, 400] as const;

export interface AwsPostgresSettings {
    /** RDS PostgreSQL engine version: a major (`17`) or major.minor (`17.6`). */
    readonly engineVersion: string;
    /** RDS instance class, e.g. `db.m7g.large`. */
    readonly instanceClass: string;
    readonly allocatedStorageGiB: number;
    /** Storage autoscaling ceiling; at least `allocatedStorageGiB`. */
    readonly maxAllocatedStorageGiB: number;
    /** Automated backup (and ElastiCache snapshot) retention in days. */
    readonly backupRetentionDays: number;
    /** Apply instance changes now rather than in the maintenance window (for a major upgrade at a chosen hour). */
    readonly applyImmediately: boolean;
}

export interface AwsRedisSettings {
    readonly engine: RedisEngine;
    /** ElastiCache node type, e.g. `cache.m7g.large`. */
    readonly nodeType: string;
    /** Engine `major.minor`, e.g. `7.1` (redis) or `8.0` (valkey). */
    readonly engineVersion: string;
    /** How a new AUTH token is applied: `ROTATE` accepts old and new for the change-over, `SET` only the new one. */
    readonly authTokenUpdateStrategy: AuthTokenUpdateStrategy;
}

/** ElastiCache's AUTH token update strategies the stack uses (not `DELETE`, which drops authentication). */
export const AUTH_TOKEN_UPDATE_STRATEGIES = ["SET", "ROTATE"] as const;
export type AuthTokenUpdateStrategy = (typeof AUTH_TOKEN_UPDATE_STRATEGIES)[number];

export interface AwsApiSettings {
    /** Tasks when the service is created; autoscaling moves it between `minCount` and `maxCount`. */
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** Target average CPU utilisation (percent) of the API's tasks. */
    readonly targetCpuPercent: number;
    /** Target requests per task per minute (ALBRequestCountPerTarget). */
    readonly targetRequestsPerTarget: number;
}

/** The AWS platform's own settings; present exactly when `platform` is `aws`. */
export interface AwsSettings {
    readonly region: string;
    /** Availability zones the VPC spans (2–6; at least 3 in production). */
    readonly availabilityZones: number;
    /** Private IPv4 range of the VPC, /16 to /22. */
    readonly vpcCidr: string;
    readonly postgres: AwsPostgresSettings;
    readonly redis: AwsRedisSettings;
    readonly api: AwsApiSettings;
    /** Retention of every CloudWatch log group, in days (one of LOG_RETENTION_DAYS). */
    readonly logRetentionDays: number;
    /** Pull Docker Hub, Quay and ECR Public images through ECR pull-through cache rules instead of from the internet. */
    readonly pullThroughCache: boolean;
    /** Docker Hub account the cache pulls as (ECR requires one for Docker Hub); its token is secret `dockerHubAccessToken`. */
    readonly dockerHubUsername?: string;
    /** User of the team's private registry that `images.api` names; its password is secret `teamRegistryPassword`. */
    readonly teamRegistryUsername?: string;
}
