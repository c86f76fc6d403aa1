import { AWS_REGIONS, ELASTICACHE_VERSIONS, RDS_POSTGRES_MAJORS } from "./awsOfferings";
import { imageSource, parseImage } from "../aws/imageSources";
import { DEFAULT_REDIS_ENGINE_VERSIONS } from "./defaults";
import { AUTH_TOKEN_UPDATE_STRATEGIES, AwsSettings, Environment, ImageSettings, LOG_RETENTION_DAYS, REDIS_ENGINES, RegistrySecretKey, WorkloadName } from "./types";
import { ConfigReader } from "./validate";

/** Keys of the `aws` config object. */
export const AWS_CONFIG_KEYS = ["region", "availabilityZones", "vpcCidr", "postgres", "redis", "api", "logRetentionDays", "pullThroughCache", "dockerHubUsername", "teamRegistryUsername"] as const;

/**
 * The images the AWS platform runs (`postgres` for its psql client, `backup` for the pre-deploy pg_dump; Redis, the host
 * exporters and Caddy do not run there, and the backup task's upload uses the AWS CLI image every task's init uses).
 */
export const AWS_IMAGE_WORKLOADS: readonly WorkloadName[] = ["postgres", "api", "prometheus", "grafana", "alertmanager", "jaeger", "postgresExporter", "redisExporter", "blackboxExporter", "backup"];

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
    const address = ipv4ToNumber(match[1]);
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

/**
 * Reads and validates the `aws` config object. Always validated (typos are caught on any platform); the result is
 * only used when `platform` is `aws`, where `region` is required.
 */
export function readAws(r: ConfigReader, project: string, value: unknown, environment: Environment, defaults: Omit<AwsSettings, "region">, onAws: boolean): AwsSettings | undefined {
    const a = r.object("aws", value, AWS_CONFIG_KEYS);
    const production = environment === "production";

    const region = r.string("aws.region", a.region, undefined, (text) => AWS_REGIONS.includes(text), "an AWS region of the `aws` partition such as `eu-west-1` (one the AWS provider lists; China, GovCloud and isolated regions use endpoints and ARNs the stack does not build)");
    if (onAws && a.region === undefined) {
        r.conflict(`\`${project}:aws.region\` is required when \`platform\` is \`aws\`: set the region the stack runs in, e.g. \`eu-west-1\`.`);
    }

    const availabilityZones = r.number("aws.availabilityZones", a.availabilityZones, defaults.availabilityZones, 2, 6);
    if (production && availabilityZones < 3) r.fail("aws.availabilityZones", a.availabilityZones, "at least 3 in production");

    const vpcCidr = r.string("aws.vpcCidr", a.vpcCidr, defaults.vpcCidr);
    if (a.vpcCidr !== undefined && !isPrivateVpcCidr(vpcCidr)) {
        r.fail("aws.vpcCidr", a.vpcCidr, "a private IPv4 network (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /22, such as `10.40.0.0/16`");
    }

    const pg = r.object("aws.postgres", a.postgres, ["engineVersion", "instanceClass", "allocatedStorageGiB", "maxAllocatedStorageGiB", "backupRetentionDays", "applyImmediately"]);
    const engineVersion = r.string("aws.postgres.engineVersion", pg.engineVersion, defaults.postgres.engineVersion, isRdsPostgresVersion, `a PostgreSQL major version RDS offers (${RDS_POSTGRES_MAJORS.join(", ")}), alone (\`17\`) or with a minor version (\`17.6\`)`);
    const allocatedStorageGiB = r.number("aws.postgres.allocatedStorageGiB", pg.allocatedStorageGiB, defaults.postgres.allocatedStorageGiB, 20, 65536);
    const maxAllocatedStorageGiB = r.number("aws.postgres.maxAllocatedStorageGiB", pg.maxAllocatedStorageGiB, Math.max(defaults.postgres.maxAllocatedStorageGiB, allocatedStorageGiB), 20, 65536);
    if (maxAllocatedStorageGiB < allocatedStorageGiB) {
        r.conflict(`\`${project}:aws.postgres.maxAllocatedStorageGiB\` (${maxAllocatedStorageGiB}) must be at least \`aws.postgres.allocatedStorageGiB\` (${allocatedStorageGiB}).`);
    }
    const backupRetentionDays = r.number("aws.postgres.backupRetentionDays", pg.backupRetentionDays, defaults.postgres.backupRetentionDays, 7, 35);
    if (production && backupRetentionDays < 14) r.fail("aws.postgres.backupRetentionDays", pg.backupRetentionDays, "at least 14 in production");
    const postgres = {
        engineVersion,
        instanceClass: r.string("aws.postgres.instanceClass", pg.instanceClass, defaults.postgres.instanceClass, /^db\.[a-z0-9-]+\.[a-z0-9]+$/, "an RDS instance class such as `db.m7g.large`"),
        allocatedStorageGiB,
        maxAllocatedStorageGiB,
        backupRetentionDays,
        applyImmediately: r.boolean("aws.postgres.applyImmediately", pg.applyImmediately, defaults.postgres.applyImmediately),
    };

    const rd = r.object("aws.redis", a.redis, ["engine", "nodeType", "engineVersion", "authTokenUpdateStrategy"]);
    const engine = r.oneOf("aws.redis.engine", rd.engine, REDIS_ENGINES, defaults.redis.engine);
    const redis = {
        engine,
        nodeType: r.string("aws.redis.nodeType", rd.nodeType, defaults.redis.nodeType, /^cache\.[a-z0-9-]+\.[a-z0-9]+$/, "an ElastiCache node type such as `cache.m7g.large`"),
        engineVersion: r.string("aws.redis.engineVersion", rd.engineVersion, rd.engine === undefined ? defaults.redis.engineVersion : DEFAULT_REDIS_ENGINE_VERSIONS[engine], (text) => Object.hasOwn(ELASTICACHE_VERSIONS[engine], text),
            `one of ${Object.keys(ELASTICACHE_VERSIONS[engine]).map((v) => `\`${v}\``).join(", ")} for \`${engine}\`: ElastiCache versions with a parameter group family and in-transit encryption mode \`required\`, which the stack sets`),
        authTokenUpdateStrategy: r.oneOf("aws.redis.authTokenUpdateStrategy", rd.authTokenUpdateStrategy, AUTH_TOKEN_UPDATE_STRATEGIES, defaults.redis.authTokenUpdateStrategy),
    };

    const ap = r.object("aws.api", a.api, ["desiredCount", "minCount", "maxCount", "targetCpuPercent", "targetRequestsPerTarget"]);
    const api = {
        desiredCount: r.number("aws.api.desiredCount", ap.desiredCount, defaults.api.desiredCount, 1, 100),
        minCount: r.number("aws.api.minCount", ap.minCount, defaults.api.minCount, 1, 100),
        maxCount: r.number("aws.api.maxCount", ap.maxCount, defaults.api.maxCount, 1, 100),
        targetCpuPercent: r.number("aws.api.targetCpuPercent", ap.targetCpuPercent, defaults.api.targetCpuPercent, 10, 90),
        targetRequestsPerTarget: r.number("aws.api.targetRequestsPerTarget", ap.targetRequestsPerTarget, defaults.api.targetRequestsPerTarget, 1, 100000),
    };
    if (!(api.minCount <= api.desiredCount && api.desiredCount <= api.maxCount)) {
        r.conflict(`\`${project}:aws.api.minCount\` (${api.minCount}) ≤ \`aws.api.desiredCount\` (${api.desiredCount}) ≤ \`aws.api.maxCount\` (${api.maxCount}) must hold: autoscaling moves the task count between the two bounds.`);
    }
    if (production && api.minCount < 2) r.fail("aws.api.minCount", ap.minCount, "at least 2 in production, so a zone failure leaves a running task");

    const logRetentionDays = r.number("aws.logRetentionDays", a.logRetentionDays, defaults.logRetentionDays, LOG_RETENTION_DAYS[0], LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1]);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
        r.fail("aws.logRetentionDays", a.logRetentionDays, `one of CloudWatch's retention periods ${LOG_RETENTION_DAYS.join(", ")}`);
    }

    const pullThroughCache = r.boolean("aws.pullThroughCache", a.pullThroughCache, defaults.pullThroughCache);
    const dockerHubUsername = r.string("aws.dockerHubUsername", a.dockerHubUsername, undefined, /^[a-z0-9]{4,30}$/, "a Docker Hub user name (4 to 30 lower-case letters and digits)");
    const teamRegistryUsername = r.string("aws.teamRegistryUsername", a.teamRegistryUsername, undefined, /^[^\s:]{1,255}$/, "a registry user name without spaces or colons");

    if (!onAws || region === undefined) return undefined;
    return {
        region, availabilityZones, vpcCidr, postgres, redis, api, logRetentionDays, pullThroughCache,
        ...(dockerHubUsername ? { dockerHubUsername } : {}),
        ...(teamRegistryUsername ? { teamRegistryUsername } : {}),
    };
}

/**
 * Checks that every image the AWS platform runs has a source a task can pull from without anonymous internet pulls:
 * this account's ECR, an upstream ECR caches (Docker Hub needs `aws.dockerHubUsername` and `dockerHubAccessToken`),
 * or the team registry with `aws.teamRegistryUsername` and `teamRegistryPassword`. With the cache off, images are
 * pulled as written (the policy pack then flags anonymous Docker Hub pulls).
 */
export function checkImageSources(r: ConfigReader, project: string, images: Readonly<ImageSettings>, aws: AwsSettings, hasSecret: (key: RegistrySecretKey) => boolean): void {
    const policy = { pullThroughCache: aws.pullThroughCache, teamRegistry: aws.teamRegistryUsername ? parseImage(images.api).registry : undefined };
    let dockerHub = false;
    for (const workload of AWS_IMAGE_WORKLOADS) {
        const source = imageSource(images[workload], policy);
        if (source.kind === "cache" && source.upstream.credentials) dockerHub = true;
        if (source.kind === "unsupported") {
            r.fail(`images.${workload}`, images[workload], `on \`aws\` an image ECR can pull: from Docker Hub, Quay or ECR Public (through the pull-through cache), from an ECR registry, or from the team registry of \`images.api\` with \`aws.teamRegistryUsername\` set; ECR cannot cache ${source.ref.registry}`);
        }
    }
    if (dockerHub && !aws.dockerHubUsername) {
        r.conflict(`\`${project}:aws.dockerHubUsername\` is required when images come from Docker Hub through the pull-through cache: ECR pulls from Docker Hub only with an account (set \`aws.pullThroughCache: false\` to pull anonymously instead).`);
    }
    if ((dockerHub || aws.dockerHubUsername) && aws.pullThroughCache && !hasSecret("dockerHubAccessToken")) {
        r.conflict(`\`${project}:dockerHubAccessToken\` is required for the Docker Hub pull-through cache: set it with \`pulumi config set --secret dockerHubAccessToken …\` (a Docker Hub access token with read-only scope).`);
    }
    if (aws.teamRegistryUsername && !hasSecret("teamRegistryPassword")) {
        r.conflict(`\`${project}:teamRegistryPassword\` is required when \`aws.teamRegistryUsername\` is set: set it with \`pulumi config set --secret teamRegistryPassword …\`.`);
    }
}
