import { DEFAULT_IMAGES, DEFAULT_RUNBOOK_URL, environmentDefaults } from "./defaults";
import {
    AlertingSettings,
    ApiSettings,
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
    SecretKey,
    StackSettings,
    WORKLOADS,
    WorkloadName,
} from "./types";
import { checkImageSources, readAws } from "./readAws";
import { ConfigError, ConfigReader } from "./validate";

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
    "api", "grafana", "jaeger", "passwordLength", "aws",
    ...SECRET_KEYS,
    ...REGISTRY_SECRET_KEYS,
] as const;

/** Every secret config key: never shown in a message, rejected when stored in plain text. */
const ALL_SECRET_KEYS: readonly string[] = [...SECRET_KEYS, ...REGISTRY_SECRET_KEYS];

/** Where the local API stand-in reads its Caddy JSON config. */
export const API_STAND_IN_CONFIG = "/etc/api/caddy.json";

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates raw configuration and builds the typed settings of one stack. Pure: no Pulumi runtime.
 * Throws one ConfigError listing every problem.
 */
export function buildSettings(raw: RawConfig): StackSettings {
    const r = new ConfigReader(raw.project);
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
    if (domain && !acmeEmail && platform === "docker") r.conflict(`\`${raw.project}:acmeEmail\` is required when \`domain\` is set: the edge registers an ACME account with it to obtain public certificates.`);
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
    if (environment === "production" && tls.minVersion !== "1.3") {
        r.fail("tls.minVersion", tlsIn.minVersion, "`1.3` in production");
    }

    const pgIn = r.object("postgres", v.postgres, ["database", "appUser", "maxConnections", "sharedBuffers", "effectiveCacheSize", "workMem", "walLevel"]);
    const postgres = {
        database: r.string("postgres.database", pgIn.database, "app", IDENTIFIER, "a lower-case SQL identifier"),
        appUser: r.string("postgres.appUser", pgIn.appUser, "app", IDENTIFIER, "a lower-case SQL identifier"),
        maxConnections: r.number("postgres.maxConnections", pgIn.maxConnections, env.postgres.maxConnections, 10, 5000),
        sharedBuffersMiB: r.memoryMiB("postgres.sharedBuffers", pgIn.sharedBuffers, env.postgres.sharedBuffersMiB),
        effectiveCacheSizeMiB: r.memoryMiB("postgres.effectiveCacheSize", pgIn.effectiveCacheSize, env.postgres.effectiveCacheSizeMiB),
        workMemMiB: r.memoryMiB("postgres.workMem", pgIn.workMem, env.postgres.workMemMiB),
        walLevel: r.oneOf("postgres.walLevel", pgIn.walLevel, ["replica", "logical"] as const, "replica"),
    };
    if (postgres.appUser === "postgres") r.fail("postgres.appUser", pgIn.appUser, "a user other than the superuser `postgres`");
    if (postgres.sharedBuffersMiB >= resources.postgres.memoryMiB) {
        r.conflict(`\`${raw.project}:postgres.sharedBuffers\` (${postgres.sharedBuffersMiB}MiB) must be smaller than the PostgreSQL memory limit \`resources.postgres.memory\` (${resources.postgres.memoryMiB}MiB).`);
    }

    const redisIn = r.object("redis", v.redis, ["maxmemory", "maxmemoryPolicy"]);
    const redis = {
        maxmemoryMiB: r.memoryMiB("redis.maxmemory", redisIn.maxmemory, env.redisMaxmemoryMiB),
        maxmemoryPolicy: r.oneOf("redis.maxmemoryPolicy", redisIn.maxmemoryPolicy, ["noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu"] as const, "allkeys-lru"),
    };
    if (redis.maxmemoryMiB >= resources.redis.memoryMiB) {
        r.conflict(`\`${raw.project}:redis.maxmemory\` (${redis.maxmemoryMiB}MiB) must be smaller than the Redis memory limit \`resources.redis.memory\` (${resources.redis.memoryMiB}MiB), or the kernel kills Redis before it evicts.`);
    }

    const promIn = r.object("prometheus", v.prometheus, ["scrapeInterval", "evaluationInterval", "retentionTime", "retentionSize"]);
    const prometheus = {
        scrapeInterval: r.duration("prometheus.scrapeInterval", promIn.scrapeInterval, "15s"),
        evaluationInterval: r.duration("prometheus.evaluationInterval", promIn.evaluationInterval, "15s"),
        retentionTime: r.duration("prometheus.retentionTime", promIn.retentionTime, "15d"),
        retentionSize: r.string("prometheus.retentionSize", promIn.retentionSize, undefined, /^\d+(B|KB|MB|GB|TB|PB|EB)$/, "a size such as `10GB`"),
    };

    const alerting = readAlerting(r, raw, v.alerting);
    const api = readApi(r, v.api, images.api === DEFAULT_IMAGES.api);

    const grafanaIn = r.object("grafana", v.grafana, ["adminUser"]);
    const grafana = { adminUser: r.string("grafana.adminUser", grafanaIn.adminUser, "grafana-admin", /^[a-z][a-z0-9_.-]{2,31}$/, "a user name of 3 to 32 lower-case characters") };
    if (grafana.adminUser === "admin") r.fail("grafana.adminUser", grafanaIn.adminUser, "a user name other than the well-known default `admin`");

    const jaegerIn = r.object("jaeger", v.jaeger, ["maxTraces"]);
    const jaeger = { maxTraces: r.number("jaeger.maxTraces", jaegerIn.maxTraces, 100000, 1000, 10000000) };

    const passwordLength = r.number("passwordLength", v.passwordLength, 32, environment === "production" ? 32 : 24, 128);

    for (const key of ALL_SECRET_KEYS) {
        if (v[key] !== undefined && !raw.secretKeys.has(key)) {
            r.conflict(`\`${raw.project}:${key}\` is stored in plain text: set it with \`pulumi config set --secret ${key} …\`.`);
        }
    }

    if (r.problems.length > 0) throw new ConfigError(r.problems);

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
        passwordLength,
        protectStateful: environment === "production",
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
                memoryMiB: r.memoryMiB(`resources.${w}.memory`, g.memory, defaults[w].memoryMiB),
                cpus: r.number(`resources.${w}.cpus`, g.cpus, defaults[w].cpus, 0.05, 64, false),
            }];
        }),
    ) as Record<WorkloadName, ResourceLimits>;
}

function readAlerting(r: ConfigReader, raw: RawConfig, value: unknown): AlertingSettings {
    const a = r.object("alerting", value, ["repeatInterval", "groupWait", "groupInterval", "slack", "email", "pagerduty", "webhook", "watchdog", "runbookUrl"]);
    const requireSecret = (key: SecretKey, receiver: string): void => {
        if (raw.values[key] === undefined) {
            r.conflict(`\`${raw.project}:${key}\` is required when \`alerting.${receiver}\` is enabled: set it with \`pulumi config set --secret ${key} …\`.`);
        }
    };
    let slack: AlertingSettings["slack"];
    if (a.slack !== undefined) {
        const s = r.object("alerting.slack", a.slack, ["channel"]);
        const channel = r.string("alerting.slack.channel", s.channel, undefined, /^#[a-z0-9_-]{1,80}$/, "a Slack channel such as `#ops-alerts`");
        if (s.channel === undefined) r.fail("alerting.slack.channel", undefined, "a Slack channel such as `#ops-alerts`");
        requireSecret("slackWebhookUrl", "slack");
        if (channel) slack = { channel };
    }
    let email: AlertingSettings["email"];
    if (a.email !== undefined) {
        const e = r.object("alerting.email", a.email, ["to", "from", "smarthost", "username"]);
        const to = r.email("alerting.email.to", e.to ?? "");
        const from = r.email("alerting.email.from", e.from ?? "");
        const smarthost = r.string("alerting.email.smarthost", e.smarthost ?? "", undefined, /^[a-z0-9.-]+:\d{1,5}$/, "`host:port` of the SMTP relay, such as `smtp.example.com:587`");
        const username = r.string("alerting.email.username", e.username, undefined);
        if (username) requireSecret("smtpPassword", "email.username");
        if (to && from && smarthost) email = { to, from, smarthost, username };
    }
    const pagerduty = r.boolean("alerting.pagerduty", a.pagerduty, false);
    if (pagerduty) requireSecret("pagerdutyRoutingKey", "pagerduty");
    const webhook = r.boolean("alerting.webhook", a.webhook, false);
    if (webhook) requireSecret("webhookUrl", "webhook");
    const watchdog = r.boolean("alerting.watchdog", a.watchdog, false);
    if (watchdog) requireSecret("watchdogUrl", "watchdog");
    return {
        repeatInterval: r.duration("alerting.repeatInterval", a.repeatInterval, "4h"),
        groupWait: r.duration("alerting.groupWait", a.groupWait, "30s"),
        groupInterval: r.duration("alerting.groupInterval", a.groupInterval, "5m"),
        slack,
        email,
        pagerduty,
        webhook,
        watchdog,
        // The alert's anchor is appended, so the URL names a document: no fragment, no query.
        runbookUrl: r.string("alerting.runbookUrl", a.runbookUrl, DEFAULT_RUNBOOK_URL, /^https:\/\/[a-z0-9.-]+(:\d+)?\/[^\s#?]*$/i, "an https URL of the published docs/runbook.md, without `#` or `?`") ?? DEFAULT_RUNBOOK_URL,
    };
}

function readApi(r: ConfigReader, value: unknown, standIn: boolean): ApiSettings {
    const a = r.object("api", value, ["port", "scheme", "args", "env", "livePath", "readyPath", "metricsPath", "metricNames", "user", "healthcheck"]);
    const path = (key: string, v: unknown, fallback: string): string =>
        r.string(`api.${key}`, v, fallback, /^\/[A-Za-z0-9._~/-]*$/, "an absolute URL path such as `/health/live`");
    const m = r.object("api.metricNames", a.metricNames, ["requestsTotal", "requestDurationBucket", "statusLabel"]);
    const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
    const env = r.stringMap("api.env", a.env, /^[A-Z_][A-Z0-9_]*$/, "an environment variable name in upper case");
    for (const name of Object.keys(env)) {
        // Credentials arrive as files; a credential-looking name in plain env is the leak the policy pack blocks.
        if (/PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/.test(name) && !name.endsWith("_FILE")) {
            r.fail(`api.env.${name}`, "[not shown]", "no credential in plain environment; the stack delivers credentials as files (see README, `*_FILE`)");
        }
    }
    const port = r.number("api.port", a.port, 8000, 1024, 65535);
    // The local stand-in is Caddy serving a rendered config; a real API takes its own args and reads the env we set.
    const standInArgs = ["caddy", "run", "--config", API_STAND_IN_CONFIG];
    const scheme = r.oneOf("api.scheme", a.scheme, ["http", "https"] as const, "https");
    const livePath = path("livePath", a.livePath, "/health/live");
    const user = r.string("api.user", a.user, "10001:10001", /^\d+(:\d+)?$/, "a numeric `uid` or `uid:gid` (not root)");
    if (/^0(:|$)/.test(user)) r.fail("api.user", a.user, "a non-root numeric `uid` or `uid:gid`");
    return {
        port,
        scheme,
        args: r.stringList("api.args", a.args, standIn ? standInArgs : []),
        env,
        livePath,
        readyPath: path("readyPath", a.readyPath, "/health/ready"),
        metricsPath: path("metricsPath", a.metricsPath, "/metrics"),
        metricNames: {
            requestsTotal: r.string("api.metricNames.requestsTotal", m.requestsTotal, "http_requests_total", metricName, "a Prometheus metric name"),
            requestDurationBucket: r.string("api.metricNames.requestDurationBucket", m.requestDurationBucket, "http_request_duration_seconds_bucket", metricName, "a Prometheus metric name"),
            statusLabel: r.string("api.metricNames.statusLabel", m.statusLabel, "status", /^[a-zA-Z_][a-zA-Z0-9_]*$/, "a Prometheus label name"),
        },
        user,
        healthcheck: r.stringList("api.healthcheck", a.healthcheck, [
            "CMD", "wget", "-q", "--spider", "--no-check-certificate", `${scheme}://127.0.0.1:${port}${livePath}`,
        ]),
        standIn,
    };
}
