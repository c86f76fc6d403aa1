import { DEFAULT_IMAGES, environmentDefaults } from "./defaults";
import { checkAcrossKeys } from "./crossChecks";
import { byteSize, isSingleUnitDuration } from "./grammars";
import { readAlerting } from "./readAlerting";
import { API_STAND_IN_CONFIG, readApi } from "./readApi";
import { checkImageSources, readAws } from "./readAws";
import { readBackup } from "./readBackup";
import { databaseNameProblem, roleNameProblem } from "./sqlNames";
import {
    BACKUP_SECRET_KEYS,
    DnsSettings,
    EdgeSettings,
    ENVIRONMENTS,
    ImageSettings,
    Platform,
    PLATFORMS,
    PUBLIC_ENDPOINTS,
    PublicEndpoint,
    REGISTRY_SECRET_KEYS,
    ResourceLimits,
    SECRET_KEYS,
    StackSettings,
    WORKLOADS,
    WorkloadName,
} from "./types";
import { ConfigError, ConfigReader } from "./validate";

export { API_STAND_IN_CONFIG };

/** Raw stack configuration: the project's keys (namespace stripped), JSON-decoded where they were JSON. */
export interface RawConfig {
    readonly project: string;
    readonly stack: string;
    readonly values: Readonly<Record<string, unknown>>;
    /** Keys whose value is stored encrypted (set with `--secret`). */
    readonly secretKeys: ReadonlySet<string>;
}

/** Every top-level key this program reads; anything else in the project namespace is a typo. */
export const CONFIG_KEYS = [
    "platform", "environment", "domain", "acmeEmail", "dnsZone", "dnsTtl", "publicAddress",
    "edge", "images", "resources", "tls", "postgres", "redis", "prometheus", "alerting",
    "api", "grafana", "jaeger", "passwordLength", "aws", "backup",
    ...SECRET_KEYS,
    ...REGISTRY_SECRET_KEYS,
    ...BACKUP_SECRET_KEYS,
] as const;

/** Docker refuses a memory limit below 6 MiB (and ECS a container's). */
export const MIN_CONTAINER_MEMORY_MIB = 6;

/** Every secret config key: never shown in a message, rejected when stored in plain text. */
const ALL_SECRET_KEYS: readonly string[] = [...SECRET_KEYS, ...REGISTRY_SECRET_KEYS, ...BACKUP_SECRET_KEYS];

/** bcrypt (the basic-auth hashes of the generated passwords) reads 72 bytes: a longer password adds nothing. */
export const MAX_PASSWORD_LENGTH = 72;

/**
 * Validates raw configuration and builds the typed settings of one stack. Pure: no Pulumi runtime.
 * Throws one ConfigError listing every problem. `r` collects them (a test may pass one to see the keys read).
 */
export function buildSettings(raw: RawConfig, r: ConfigReader = new ConfigReader(raw.project)): StackSettings {
    const settings = readSettingsFrom(r, raw);
    checkAcrossKeys(r, raw.project, settings);
    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return settings;
}

/** Reads every key into settings, recording problems in `r`; values that failed keep their defaults. */
function readSettingsFrom(r: ConfigReader, raw: RawConfig): StackSettings {
    const v = raw.values;
    for (const key of Object.keys(v)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            r.fail(key, ALL_SECRET_KEYS.includes(key) ? undefined : v[key], "no such key; see README.md for the keys this project reads", raw.secretKeys.has(key));
        }
    }

    const platform = r.oneOf("platform", v.platform, PLATFORMS, "docker");
    const environment = r.oneOf("environment", v.environment, ENVIRONMENTS, "local");
    const env = environmentDefaults(environment);

    const domain = r.domain("domain", v.domain);
    const hostnames = Object.fromEntries(
        PUBLIC_ENDPOINTS.map((e) => [e, `${e}.${domain ?? "localhost"}`]),
    ) as Record<PublicEndpoint, string>;

    const acmeEmail = r.email("acmeEmail", v.acmeEmail);
    // On AWS, ACM issues the public certificates: no ACME account is involved.
    if (domain && !acmeEmail && platform === "docker" && v.acmeEmail === undefined) r.conflict(`\`${raw.project}:acmeEmail\` is required when \`domain\` is set: the edge registers an ACME account with it to obtain public certificates.`);
    if (v.domain === undefined && acmeEmail) r.conflict(`\`${raw.project}:acmeEmail\` is set but \`domain\` is not: public certificates need a domain.`);

    const dns = readDns(r, raw.project, v, domain, platform);
    const edge = readEdge(r, v.edge, env.edge, acmeEmail);
    const images = readImages(r, v.images, environment);
    const resources = readResources(r, v.resources, env.resources);
    const aws = readAws(r, raw.project, v.aws, environment, env.aws, platform === "aws");
    if (aws) checkImageSources(r, raw.project, images, aws, (key) => v[key] !== undefined);
    if (platform === "aws") {
        if (!domain) r.conflict(`\`${raw.project}:domain\` is required when \`platform\` is \`aws\`: the load balancer serves the public names under it with ACM certificates.`);
        if (v.dnsZone === undefined) r.conflict(`\`${raw.project}:dnsZone\` is required when \`platform\` is \`aws\`: ACM validates the certificate through records in that Route53 zone, and the public names alias the load balancer there.`);
        // AWS WAF's rate-based rules count at least 10 requests per window.
        if (edge.rateLimitPerMinute < 10) r.conflict(`\`${raw.project}:edge.rateLimitPerMinute\` (${edge.rateLimitPerMinute}) must be at least 10 when \`platform\` is \`aws\`: AWS WAF's rate-based rules count no fewer requests.`);
    }

    const tlsIn = r.object("tls", v.tls, ["minVersion", "certValidityDays", "earlyRenewalDays", "caValidityDays"]);
    const tls = {
        minVersion: r.oneOf("tls.minVersion", tlsIn.minVersion, ["1.2", "1.3"] as const, env.tlsMinVersion),
        certValidityDays: r.number("tls.certValidityDays", tlsIn.certValidityDays, 365, 7, 825),
        earlyRenewalDays: r.number("tls.earlyRenewalDays", tlsIn.earlyRenewalDays, 30, 1, 365),
        caValidityDays: r.number("tls.caValidityDays", tlsIn.caValidityDays, 3650, 30, 7300),
    };
    if (tls.earlyRenewalDays >= tls.certValidityDays) {
        r.conflict(`\`${raw.project}:tls.earlyRenewalDays\` (${tls.earlyRenewalDays}) must be less than \`tls.certValidityDays\` (${tls.certValidityDays}).`);
    }
    // A certificate must not outlive the CA that signed it: clients stop trusting it when the CA expires.
    if (tls.caValidityDays <= tls.certValidityDays) {
        r.conflict(`\`${raw.project}:tls.caValidityDays\` (${tls.caValidityDays}) must be greater than \`tls.certValidityDays\` (${tls.certValidityDays}): a certificate would outlive the CA that signed it.`);
    }
    if (environment === "production" && tls.minVersion !== "1.3") {
        r.fail("tls.minVersion", tlsIn.minVersion, "`1.3` in production");
    }

    const postgres = readPostgres(r, raw.project, v.postgres, env.postgres, resources.postgres);

    const redisIn = r.object("redis", v.redis, ["maxmemory", "maxmemoryPolicy"]);
    const redis = {
        maxmemoryMiB: r.memoryMiB("redis.maxmemory", redisIn.maxmemory, env.redisMaxmemoryMiB),
        maxmemoryPolicy: r.oneOf("redis.maxmemoryPolicy", redisIn.maxmemoryPolicy, ["noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu"] as const, "allkeys-lru"),
    };
    if (redis.maxmemoryMiB >= resources.redis.memoryMiB) {
        r.conflict(`\`${raw.project}:redis.maxmemory\` (${redis.maxmemoryMiB}MiB) must be smaller than the Redis memory limit \`resources.redis.memory\` (${resources.redis.memoryMiB}MiB), or the kernel kills Redis before it evicts.`);
    }

    const prometheus = readPrometheus(r, v.prometheus);
    const alerting = readAlerting(r, { project: raw.project, has: (key) => raw.values[key] !== undefined }, v.alerting);
    const api = readApi(r, v.api, images.api === DEFAULT_IMAGES.api);

    const grafanaIn = r.object("grafana", v.grafana, ["adminUser"]);
    const grafana = { adminUser: r.string("grafana.adminUser", grafanaIn.adminUser, "grafana-admin", /^[a-z][a-z0-9_.-]{2,31}$/, "a user name of 3 to 32 lower-case characters") };
    if (grafana.adminUser === "admin") r.fail("grafana.adminUser", grafanaIn.adminUser, "a user name other than the well-known default `admin`");

    const jaegerIn = r.object("jaeger", v.jaeger, ["maxTraces"]);
    const jaeger = { maxTraces: r.number("jaeger.maxTraces", jaegerIn.maxTraces, 100000, 1000, 10000000) };

    const backup = readBackup(r, { project: raw.project, stack: raw.stack, hasSecret: (key) => v[key] !== undefined }, v.backup, environment);

    const passwordLength = r.number("passwordLength", v.passwordLength, 32, environment === "production" ? 32 : 24, MAX_PASSWORD_LENGTH);

    for (const key of ALL_SECRET_KEYS) {
        if (v[key] !== undefined && !raw.secretKeys.has(key)) {
            r.conflict(`\`${raw.project}:${key}\` is stored in plain text: set it with \`pulumi config set --secret ${key} …\`.`);
        }
    }

    return {
        project: raw.project,
        stack: raw.stack,
        platform,
        environment,
        namePrefix: `${raw.project}-${raw.stack}`,
        domain,
        hostnames,
        dns,
        edge,
        aws,
        images,
        resources,
        tls,
        postgres,
        redis,
        prometheus,
        alerting,
        api,
        grafana,
        jaeger,
        backup,
        passwordLength,
        protectStateful: environment === "production",
    };
}

function readPostgres(r: ConfigReader, project: string, value: unknown, defaults: ReturnType<typeof environmentDefaults>["postgres"], limit: ResourceLimits): StackSettings["postgres"] {
    const pgIn = r.object("postgres", value, ["database", "appUser", "maxConnections", "sharedBuffers", "effectiveCacheSize", "workMem", "walLevel"]);
    // Both names reach SQL (quoted there), environment variables, connection URIs and RDS's DBName.
    const sqlName = (key: string, given: unknown, fallback: string, problem: (name: string) => string | undefined): string => {
        const name = r.string(key, given, fallback);
        const wrong = given === undefined ? undefined : problem(name);
        return wrong ? r.fail(key, given, wrong) ?? fallback : name;
    };
    const postgres = {
        database: sqlName("postgres.database", pgIn.database, "app", databaseNameProblem),
        appUser: sqlName("postgres.appUser", pgIn.appUser, "app", roleNameProblem),
        maxConnections: r.number("postgres.maxConnections", pgIn.maxConnections, defaults.maxConnections, 10, 5000),
        sharedBuffersMiB: r.memoryMiB("postgres.sharedBuffers", pgIn.sharedBuffers, defaults.sharedBuffersMiB),
        effectiveCacheSizeMiB: r.memoryMiB("postgres.effectiveCacheSize", pgIn.effectiveCacheSize, defaults.effectiveCacheSizeMiB),
        workMemMiB: r.memoryMiB("postgres.workMem", pgIn.workMem, defaults.workMemMiB),
        walLevel: r.oneOf("postgres.walLevel", pgIn.walLevel, ["replica", "logical"] as const, "replica"),
    };
    for (const [key, mib] of [["sharedBuffers", postgres.sharedBuffersMiB], ["workMem", postgres.workMemMiB]] as const) {
        if (mib >= limit.memoryMiB) {
            r.conflict(`\`${project}:postgres.${key}\` (${mib}MiB) must be smaller than the PostgreSQL memory limit \`resources.postgres.memory\` (${limit.memoryMiB}MiB).`);
        }
    }
    return postgres;
}

function readPrometheus(r: ConfigReader, value: unknown): StackSettings["prometheus"] {
    const promIn = r.object("prometheus", value, ["scrapeInterval", "evaluationInterval", "retentionTime", "retentionSize"]);
    const scrapeInterval = r.duration("prometheus.scrapeInterval", promIn.scrapeInterval, "15s");
    // Grafana reads the scrape interval too (the Prometheus data source's `timeInterval`), and only in one unit.
    if (promIn.scrapeInterval !== undefined && scrapeInterval === promIn.scrapeInterval && !isSingleUnitDuration(scrapeInterval)) {
        r.fail("prometheus.scrapeInterval", promIn.scrapeInterval, "a duration in one unit such as `15s` or `1m`: Grafana reads `1m30s` as `1m`");
    }
    return {
        scrapeInterval,
        evaluationInterval: r.duration("prometheus.evaluationInterval", promIn.evaluationInterval, "15s"),
        retentionTime: r.duration("prometheus.retentionTime", promIn.retentionTime, "15d"),
        retentionSize: r.string("prometheus.retentionSize", promIn.retentionSize, undefined, (text) => (byteSize(text) ?? 0n) > 0n, "a size above zero such as `10GB` (a whole number and B, KB, MB, GB, TB, PB or EB; less than 8EB)"),
    };
}

function readDns(r: ConfigReader, project: string, v: Readonly<Record<string, unknown>>, domain: string | undefined, platform: Platform): DnsSettings | undefined {
    const zone = r.domain("dnsZone", v.dnsZone);
    const ttl = r.number("dnsTtl", v.dnsTtl, 60, 30, 86400);
    const publicAddress = r.ipv4("publicAddress", v.publicAddress);
    if (!zone) {
        if (v.publicAddress !== undefined && publicAddress) r.conflict(`\`${project}:publicAddress\` is set but \`dnsZone\` is not: records are only made in a zone.`);
        return undefined;
    }
    if (!domain) {
        r.conflict(`\`${project}:dnsZone\` is "${zone}" but \`domain\` is not set: the records name hosts under the domain.`);
    } else if (domain !== zone && !domain.endsWith(`.${zone}`)) {
        r.conflict(`\`${project}:domain\` "${domain}" is not inside \`dnsZone\` "${zone}": records for it cannot be made in that zone.`);
    }
    // On AWS the records alias the load balancer; a `publicAddress` kept for `platform: docker` is ignored.
    if (platform === "aws") return { zone, ttl, ...(publicAddress ? { publicAddress } : {}) };
    if (!publicAddress) {
        if (v.publicAddress === undefined) r.conflict(`\`${project}:publicAddress\` is required when \`dnsZone\` is set: it is the Docker host's public IPv4 address the records point at.`);
        return undefined;
    }
    return { zone, ttl, publicAddress };
}

function readEdge(r: ConfigReader, value: unknown, defaults: Omit<EdgeSettings, "acmeEmail">, acmeEmail: string | undefined): EdgeSettings {
    const e = r.object("edge", value, ["bindAddress", "httpPort", "httpsPort", "rateLimitPerMinute"]);
    const edge = {
        bindAddress: r.ipv4("edge.bindAddress", e.bindAddress) ?? defaults.bindAddress,
        httpPort: r.number("edge.httpPort", e.httpPort, defaults.httpPort, 1, 65535),
        httpsPort: r.number("edge.httpsPort", e.httpsPort, defaults.httpsPort, 1, 65535),
        rateLimitPerMinute: r.number("edge.rateLimitPerMinute", e.rateLimitPerMinute, defaults.rateLimitPerMinute, 1, 100000),
        acmeEmail,
    };
    if (edge.httpPort === edge.httpsPort) {
        r.conflict(`\`edge.httpPort\` and \`edge.httpsPort\` are both ${edge.httpPort}: the edge publishes two different host ports.`);
    }
    return edge;
}

function readImages(r: ConfigReader, value: unknown, environment: string): ImageSettings {
    const given = r.object("images", value, WORKLOADS);
    const images = Object.fromEntries(
        WORKLOADS.map((w) => [w, r.image(`images.${w}`, given[w], DEFAULT_IMAGES[w])]),
    ) as ImageSettings;
    // The backup job's pg_dump must be of the server's major (or newer): by default it runs the server's own image.
    if (given.backup === undefined) images.backup = images.postgres;
    if (environment !== "local" && given.api === undefined) {
        r.conflict(`\`images.api\` is required in ${environment}: name the team's API image, e.g. \`registry.example.com/api:1.4.2\`; the local stand-in is only for \`local\`.`);
    }
    return images;
}

function readResources(r: ConfigReader, value: unknown, defaults: Record<WorkloadName, ResourceLimits>): Record<WorkloadName, ResourceLimits> {
    const given = r.object("resources", value, WORKLOADS);
    return Object.fromEntries(
        WORKLOADS.map((w) => {
            const g = r.object(`resources.${w}`, given[w], ["memory", "cpus"]);
            return [w, {
                memoryMiB: r.memoryMiB(`resources.${w}.memory`, g.memory, defaults[w].memoryMiB, MIN_CONTAINER_MEMORY_MIB),
                cpus: r.number(`resources.${w}.cpus`, g.cpus, defaults[w].cpus, 0.05, 64, false),
            }];
        }),
    ) as Record<WorkloadName, ResourceLimits>;
}
