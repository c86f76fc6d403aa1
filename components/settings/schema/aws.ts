import { AWS_REGIONS, ELASTICACHE_VERSIONS, RDS_POSTGRES_MAJORS } from "../awsOfferings";
import { AUTH_TOKEN_UPDATE_STRATEGIES, LOG_RETENTION_DAYS, REDIS_ENGINES, RedisEngine } from "../types";
import { custom, flag, inProduction, integer, key, must, oneOf, text } from "./kinds";
import { ByEnvironment, group, SharedRow } from "./nodes";

/** ElastiCache engine versions used when `aws.redis.engineVersion` is not set. */
export const DEFAULT_REDIS_ENGINE_VERSIONS = { redis: "7.1", valkey: "8.0" } as const;

const PRIVATE_RANGES: readonly { readonly base: number; readonly prefix: number }[] = [
    { base: ipv4ToNumber("10.0.0.0"), prefix: 8 },
    { base: ipv4ToNumber("172.16.0.0"), prefix: 12 },
    { base: ipv4ToNumber("192.168.0.0"), prefix: 16 },
];

/** The 32-bit value of a dotted IPv4 address. */
export function ipv4ToNumber(address: string): number {
    return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** True when `cidr` is a network address inside 10/8, 172.16/12 or 192.168/16 with a prefix from /16 to /22. */
export function isPrivateVpcCidr(cidr: string): boolean {
    const match = /^((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})\/(\d{1,2})$/.exec(cidr);
    if (!match) return false;
    const address = ipv4ToNumber(match[1] as string);
    const prefix = Number(match[2]);
    if (prefix < 16 || prefix > 22) return false;
    const hostBits = 2 ** (32 - prefix);
    if (address % hostBits !== 0) return false;
    return PRIVATE_RANGES.some((r) => prefix >= r.prefix && Math.floor(address / 2 ** (32 - r.prefix)) === Math.floor(r.base / 2 ** (32 - r.prefix)));
}

/** A major RDS offers (RDS_POSTGRES_MAJORS), alone or with a minor written without leading zeros. */
function isRdsPostgresVersion(text: string): boolean {
    const match = /^([1-9]\d)(?:\.(0|[1-9]\d{0,2}))?$/.exec(text);
    return match !== null && RDS_POSTGRES_MAJORS.includes(Number(match[1]));
}

/** An ElastiCache version of the engine read before it, with a parameter group family and encryption in transit. */
const elastiCacheVersion = custom<string>((r, path, given, fallback, ctx) => {
    const engine = ctx.value("aws.redis.engine") as RedisEngine;
    const versions = ELASTICACHE_VERSIONS[engine];
    return r.string(path, given, fallback, (text) => Object.hasOwn(versions, text),
        `one of ${Object.keys(versions).map((v) => `\`${v}\``).join(", ")} for \`${engine}\`: ElastiCache versions with a parameter group family and in-transit encryption mode \`required\`, which the stack sets`);
});

const STORAGE: SharedRow = {
    type: "integer 20–65536",
    default: "`20`/`100`, production `100`/`500`",
    meaning: "gp3 storage and its autoscaling ceiling (ceiling ≥ allocated)",
    shortSiblings: true,
};

const TASKS: SharedRow = {
    type: "integers 1–100, min ≤ desired ≤ max",
    default: "`2`/`2`/`4`, production `3`/`3`/`12` (min 2 in production)",
    meaning: "API tasks; autoscaling moves between min and max",
    shortSiblings: true,
};

/** The same value locally and in staging (the AWS platform has no local realisation), another in production. */
const stagingOr = <T>(staging: T, production: T): ByEnvironment<T> => new ByEnvironment({ local: staging, staging, production });

/** The AWS RDS PostgreSQL instance. */
const AWS_POSTGRES = group({
    engineVersion: key(text({ accepts: isRdsPostgresVersion, expected: `a PostgreSQL major version RDS offers (${RDS_POSTGRES_MAJORS.join(", ")}), alone (\`17\`) or with a minor version (\`17.6\`)` }), {
        default: "17",
        type: "an RDS major, 14–18 (13 is refused on `aws`: the backup task's role needs `pg_read_all_data`), alone (`17`) or with a minor (`17.6`)",
        meaning: "RDS PostgreSQL version; the parameter group family follows the major",
    }),
    instanceClass: key(text({ accepts: /^db\.[a-z0-9-]+\.[a-z0-9]+$/, expected: "an RDS instance class such as `db.m7g.large`" }), {
        default: stagingOr("db.t4g.medium", "db.m7g.large"),
        type: "RDS class",
        meaning: "instance class",
    }),
    allocatedStorageGiB: key(integer(20, 65536), { default: stagingOr(20, 100), row: STORAGE }),
    // The ceiling follows a larger allocation that is set without one.
    maxAllocatedStorageGiB: key(integer(20, 65536), {
        default: (ctx) => Math.max(ctx.environment === "production" ? 500 : 100, ctx.value("aws.postgres.allocatedStorageGiB") as number),
        row: STORAGE,
    }),
    backupRetentionDays: key(integer(7, 35), {
        default: stagingOr(7, 14),
        rules: [inProduction((days) => days >= 14, "at least 14 in production", "min 14 in production")],
        meaning: "automated backups; ElastiCache keeps its snapshots as long",
    }),
    applyImmediately: key(flag, {
        default: false,
        meaning: "apply RDS changes now instead of in the maintenance window (set it for a major upgrade at a chosen hour, see \"Upgrading PostgreSQL\")",
    }),
}, { readOrder: ["engineVersion", "allocatedStorageGiB", "maxAllocatedStorageGiB", "backupRetentionDays", "instanceClass", "applyImmediately"] });

/** The AWS ElastiCache replication group. */
const AWS_REDIS = group({
    engine: key(oneOf(REDIS_ENGINES), { default: "redis", meaning: "ElastiCache engine" }),
    nodeType: key(text({ accepts: /^cache\.[a-z0-9-]+\.[a-z0-9]+$/, expected: "an ElastiCache node type such as `cache.m7g.large`" }), {
        default: stagingOr("cache.t4g.small", "cache.m7g.large"),
        type: "ElastiCache node type",
        meaning: "node type (sets `maxmemory`; `redis.maxmemory` applies to Docker only)",
    }),
    engineVersion: key(elastiCacheVersion, {
        default: (ctx) => DEFAULT_REDIS_ENGINE_VERSIONS[ctx.value("aws.redis.engine") as RedisEngine],
        type: "`7.0`, `7.1` (redis); `7.2`, `8.0`, `8.1` (valkey): versions with in-transit encryption mode `required`",
        defaultText: "`7.1` (valkey: `8.0`)",
        meaning: "engine version; the parameter group family follows the major",
    }),
    authTokenUpdateStrategy: key(oneOf(AUTH_TOKEN_UPDATE_STRATEGIES), {
        default: "SET",
        meaning: "how a new AUTH token is applied: `SET` leaves only the new one valid; `ROTATE` accepts old and new during a rotation's change-over (see \"Rotating the Redis AUTH token\")",
    }),
});

/** The API's Fargate service and its scaling. */
const AWS_API = group({
    desiredCount: key(integer(1, 100), { default: stagingOr(2, 3), row: TASKS }),
    // At least 2 in production, so a zone failure leaves a running task: checks/aws.ts, after the counts' order.
    minCount: key(integer(1, 100), { default: stagingOr(2, 3), row: TASKS }),
    maxCount: key(integer(1, 100), { default: stagingOr(4, 12), row: TASKS }),
    targetCpuPercent: key(integer(10, 90), { default: 60, meaning: "CPU target of the API's scaling" }),
    targetRequestsPerTarget: key(integer(1, 100000), { default: 500, meaning: "requests per task (ALBRequestCountPerTarget) target of the API's scaling" }),
});

/**
 * The AWS platform's keys, validated on every platform (a typo is caught before a switch to `aws`) and used on `aws`,
 * where `region` is required.
 */
export const AWS_KEYS = {
    aws: group({
        region: key(text({ accepts: (text) => AWS_REGIONS.includes(text), expected: "an AWS region of the `aws` partition such as `eu-west-1` (one the AWS provider lists; China, GovCloud and isolated regions use endpoints and ARNs the stack does not build)" }), {
            type: "a region of the `aws` partition that the AWS provider lists (not China, GovCloud or isolated regions, whose endpoints and ARNs differ)",
            defaultText: "none; required on `aws`",
            meaning: "region of the explicit AWS provider every AWS resource uses",
        }),
        // One zone per NAT gateway, database standby and API task: in production a zone failure leaves two.
        availabilityZones: key(integer(2, 6), {
            default: stagingOr(2, 3),
            rules: [inProduction((zones) => zones >= 3, "at least 3 in production", "min 3 in production")],
            meaning: "zones the VPC, NAT gateways, RDS standby and API tasks spread over",
        }),
        vpcCidr: key(text(), {
            default: stagingOr("10.40.0.0/16", "10.50.0.0/16"),
            rules: [must(isPrivateVpcCidr, "a private IPv4 network (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /22, such as `10.40.0.0/16`")],
            type: "private IPv4 network, /16–/22",
            meaning: "VPC range; a sixteenth per subnet",
        }),
        postgres: AWS_POSTGRES,
        redis: AWS_REDIS,
        api: AWS_API,
        logRetentionDays: key(integer(LOG_RETENTION_DAYS[0], LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1]), {
            default: stagingOr(30, 90),
            rules: [must((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), `one of CloudWatch's retention periods ${LOG_RETENTION_DAYS.join(", ")}`)],
            type: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
            meaning: "retention of every CloudWatch log group (and of the ALB access logs)",
        }),
        pullThroughCache: key(flag, {
            default: true,
            meaning: "pull Docker Hub, Quay and ECR Public images through ECR pull-through cache rules of the stack; `false` pulls as written, anonymously (the policy pack refuses anonymous Docker Hub pulls in production)",
        }),
        dockerHubUsername: key(text({ accepts: /^[a-z0-9]{4,30}$/, expected: "a Docker Hub user name (4 to 30 lower-case letters and digits)" }), {
            type: "Docker Hub user (4–30 lower-case letters, digits)",
            defaultText: "none; required on `aws` with the cache and a Docker Hub image",
            meaning: "the account ECR's cache pulls Docker Hub as (ECR requires one); its token is secret `dockerHubAccessToken`",
        }),
        teamRegistryUsername: key(text({ accepts: /^[^\s:]{1,255}$/, expected: "a registry user name without spaces or colons" }), {
            type: "user name",
            meaning: "user of the private registry `images.api` names; tasks pull the API with `repositoryCredentials` (password: secret `teamRegistryPassword`). Not needed for an image in ECR; required on `aws` for any other registry ECR cannot cache",
        }),
    }),
};
