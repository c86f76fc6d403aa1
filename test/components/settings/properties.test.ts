import { expect } from "chai";
import fc from "fast-check";
import { buildSettings, RawConfig } from "../../../components/settings/buildSettings";
import { BACKUP_SECRET_KEYS, REGISTRY_SECRET_KEYS, SECRET_KEYS, StackSettings } from "../../../components/settings/types";

const ALL_SECRET_KEYS = [...SECRET_KEYS, ...REGISTRY_SECRET_KEYS, ...BACKUP_SECRET_KEYS];

import { ConfigError, ConfigReader } from "../../../components/settings/validate";
import { Artefact, renderedArtefacts } from "../../support/renderedArtefacts";
import { valueAt, withValue } from "../../support/configPaths";
import { TEST_CA_PEM } from "./fixtures/testCa";

/**
 * The property of issue 12, for every key the program reads: any value — arbitrary text, numbers, structures, and the
 * key's own valid value with hostile fragments spliced in — is either refused with a ConfigError naming that key, or
 * every file, argument list and environment rendered from it still parses with its consumer's parser and carries the
 * value exactly where the key's valid value was, unchanged, and nothing else changes.
 *
 * "Exactly where": each base configuration sets every free-form key to a distinct sentinel; rendering an accepted value
 * must equal rendering the sentinel with the sentinel replaced by the value in every parsed scalar. An injection (a new
 * YAML key, a Caddyfile token, a SQL statement, a template action) makes the two differ.
 */

const SEED = 1206;
const RUNS_PER_KEY = 16;
const PROJECT = "service-stack";

const SENTINELS = {
    domain: "sentinel.example",
    acmeEmail: "acme.sentinel@mail.example",
    dnsZone: "sentinel.example",
    dnsTtl: 3031,
    publicAddress: "203.0.113.77",
    postgres: { database: "sentineldb", appUser: "sentinelrole", maxConnections: 4321, sharedBuffers: "151MiB", effectiveCacheSize: "389MiB", workMem: "7MiB", walLevel: "replica" },
    redis: { maxmemory: "193MiB", maxmemoryPolicy: "volatile-lfu" },
    prometheus: { scrapeInterval: "17s", evaluationInterval: "19s", retentionTime: "23d", retentionSize: "29GB" },
    alerting: {
        repeatInterval: "37h", groupWait: "29s", groupInterval: "31m",
        slack: { channel: "#sentinel-channel" },
        email: { to: "to.sentinel@mail.example", from: "from.sentinel@mail.example", smarthost: "smtp.sentinel.example:2525", username: "sentinel-smtp-user" },
        pagerduty: true, webhook: true, watchdog: true,
        runbookUrl: "https://runbook.sentinel.example/docs/runbook.md",
    },
    api: {
        port: 18123, livePath: "/sentinel-live", readyPath: "/sentinel-ready", metricsPath: "/sentinel-metrics",
        metricNames: { requestsTotal: "sentinel_requests_total", requestDurationBucket: "sentinel_duration_bucket", statusLabel: "sentinel_status" },
        user: "12345:23456", env: { SENTINEL_VAR: "sentinel-value" },
    },
    grafana: { adminUser: "sentinel-admin" },
    jaeger: { maxTraces: 123457 },
    backup: {
        schedule: ["03:17", "15:17"], keepDays: 613, keepCount: 617, maxAgeHours: 631,
        offsite: {
            endpoint: "https://s3.sentinel.example:9443", region: "sentinel-region-1", bucket: "sentinel-bucket", prefix: "sentinel/prefix/",
            serverSideEncryption: "aws:kms", kmsKeyId: "alias/sentinel-key", caCertificate: TEST_CA_PEM,
        },
    },
    passwordLength: 57,
    tls: { certValidityDays: 367, earlyRenewalDays: 31, caValidityDays: 3653 },
    edge: { bindAddress: "127.0.0.2", httpPort: 18080, httpsPort: 18443, rateLimitPerMinute: 117 },
    // The API dashboard divides CPU use by the API's share.
    resources: { api: { cpus: 0.73 } },
    ...Object.fromEntries(ALL_SECRET_KEYS.map((k) => [k, "secret"])),
};

/** A Docker stack (the local stand-in API) and an AWS stack, each with every free-form key at its sentinel. */
const BASES: Readonly<Record<string, Record<string, unknown>>> = {
    docker: SENTINELS,
    aws: {
        ...SENTINELS,
        platform: "aws",
        environment: "staging",
        images: { api: "registry.example.com/sentinel-api:1.2.3" },
        aws: {
            region: "eu-west-3", availabilityZones: 2, vpcCidr: "10.41.0.0/16", logRetentionDays: 60,
            dockerHubUsername: "sentinelbot", teamRegistryUsername: "sentinel-deploy",
            postgres: { engineVersion: "16.4", instanceClass: "db.t4g.large", allocatedStorageGiB: 23, maxAllocatedStorageGiB: 211, backupRetentionDays: 9 },
            redis: { engine: "redis", nodeType: "cache.t4g.medium", engineVersion: "7.0" },
            api: { desiredCount: 3, minCount: 2, maxCount: 7, targetCpuPercent: 61, targetRequestsPerTarget: 503 },
        },
    },
};

/** Keys whose value shapes the files rather than being carried in them: only "parses" is asserted for these. */
const STRUCTURAL = [
    "platform", "environment", "tls.minVersion", "api.scheme", "postgres.walLevel", "edge.httpsPort", "images.api", "aws.redis.engine",
    "backup.schedule", "backup.offsite.serverSideEncryption", "backup.offsite.caCertificate",
];

/** Keys carried under another name or unit in the settings. */
const CARRIED_AS: Readonly<Record<string, (s: StackSettings) => unknown>> = {
    acmeEmail: (s) => s.edge.acmeEmail,
    dnsZone: (s) => s.dns?.zone,
    dnsTtl: (s) => s.dns?.ttl,
    publicAddress: (s) => s.dns?.publicAddress,
    "postgres.sharedBuffers": (s) => s.postgres.sharedBuffersMiB,
    "postgres.effectiveCacheSize": (s) => s.postgres.effectiveCacheSizeMiB,
    "postgres.workMem": (s) => s.postgres.workMemMiB,
    "redis.maxmemory": (s) => s.redis.maxmemoryMiB,
};

/**
 * Free-form keys whose sentinel must reach at least one artefact, so their checks cannot pass vacuously; every other
 * key must leave the artefacts as they are. `acmeEmail` only reaches the Caddyfile, which only Docker has.
 */
const CARRIED_IN_FILES = [
    "domain", "acmeEmail", "postgres.database", "postgres.appUser", "postgres.maxConnections", "postgres.sharedBuffers", "postgres.workMem",
    "redis.maxmemory", "redis.maxmemoryPolicy", "prometheus.scrapeInterval", "prometheus.evaluationInterval", "prometheus.retentionTime",
    "prometheus.retentionSize", "alerting.repeatInterval", "alerting.groupWait", "alerting.groupInterval", "alerting.slack.channel",
    "alerting.email.to", "alerting.email.from", "alerting.email.smarthost", "alerting.email.username", "alerting.runbookUrl", "api.port",
    "api.livePath", "api.readyPath", "api.metricsPath", "api.metricNames.requestsTotal", "api.metricNames.requestDurationBucket",
    "api.metricNames.statusLabel", "api.user", "api.env", "grafana.adminUser", "jaeger.maxTraces", "edge.rateLimitPerMinute", "resources.api.cpus",
    "postgres.effectiveCacheSize", "backup.keepDays", "backup.keepCount", "backup.maxAgeHours", "backup.offsite.endpoint", "backup.offsite.region",
    "backup.offsite.bucket", "backup.offsite.prefix", "backup.offsite.kmsKeyId",
];
// The backup job runs on Docker only (on AWS, RDS keeps the backups and no backup alert is rendered).
const carriedIn = (settings: StackSettings) => CARRIED_IN_FILES.filter((key) =>
    (key !== "acmeEmail" || settings.platform === "docker") && (key !== "api.readyPath" || settings.api.standIn) && (!key.startsWith("backup.") || settings.platform === "docker"));

function raw(values: Record<string, unknown>): RawConfig {
    return { project: PROJECT, stack: "fuzz", values, secretKeys: new Set(ALL_SECRET_KEYS) };
}

/** The value as the settings carry it: the same path, or its renamed field. */
function carried(settings: StackSettings, key: string): unknown {
    const memory = /^resources\.(\w+)\.memory$/.exec(key);
    if (memory) return settings.resources[memory[1] as keyof StackSettings["resources"]].memoryMiB;
    return (CARRIED_AS[key] ?? ((s: StackSettings) => valueAt(s as unknown as Record<string, unknown>, key)))(settings);
}

/** Replaces `from` by `to` in every string (and key), and a number equal to `from` by `to`. */
function substitute(value: unknown, from: string | number, to: string | number): unknown {
    if (typeof value === "string") return value.split(String(from)).join(String(to));
    if (typeof value === "number") return value === from ? (typeof to === "number" ? to : Number(to)) : value;
    if (Array.isArray(value)) return value.map((v) => substitute(v, from, to));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [substitute(k, from, to) as string, substitute(v, from, to)]));
    }
    return value;
}

interface Rendered {
    readonly texts: Map<string, string>;
    readonly parsed: Map<string, unknown>;
}

/** Each artefact's text and parse; a text the same as in `reuse` reuses its parse (YAML parsing is most of the time). */
function parsedArtefacts(artefacts: readonly Artefact[], reuse?: Rendered): Rendered {
    const texts = new Map(artefacts.map((a) => [a.name, a.text]));
    const parsed = new Map(artefacts.map((a) => [a.name, reuse?.texts.get(a.name) === a.text ? reuse.parsed.get(a.name) : a.parse(a.text)]));
    return { texts, parsed };
}

/** Where a key's name must appear in a problem: `service-stack:key…` or, in a message about two keys, `key…`. */
function namesKey(problem: string, key: string): boolean {
    return [`\`${PROJECT}:${key}`, `\`${key}`].some((prefix) => {
        const at = problem.indexOf(prefix);
        return at >= 0 && /^[`.[]/.test(problem.slice(at + prefix.length));
    });
}

const HOSTILE_FRAGMENTS = [
    "#", "`", "<<EOF\n", "\\", "{$HOME}", "\u0085", "\u2028", "\u0000", "\t", "{{ .CommonLabels }}", "{{.CommonLabels}}", "{{", "\"", "'", "\n", " ", "${HOME}", "${env:HOME}",
    "$(id)", ";", "--", "%", "é", "\u202e", ":", "@", "/", ".", "_", "-", "0", "00", "{", "}", "yes", "on", "~", "&a", "*a", "!!str", "[", "]",
    "__proto__", "DROP TABLE x", "\"; DROP ROLE postgres; --", "AKIAIOSFODNN7EXAMPLE", "https://u:p@h/", "Zq3vX9pL2mR7tY4wK8nB6cD1",
];

/** Arbitrary JSON-shaped values, as a stack file can hold. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
    fc.string(), fc.string({ unit: "binary" }), fc.constantFrom(...HOSTILE_FRAGMENTS),
    fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "SENTINEL_VAR")), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);

/** `fragment` put into `valid`: inserted after `at` characters (wrapping), appended or prepended, by `at`. */
function spliced(valid: string, fragment: string, at: number): string {
    const i = valid.length === 0 ? 0 : at % valid.length;
    return [valid.slice(0, i) + fragment + valid.slice(i), valid + fragment, fragment + valid][at % 3] as string;
}

/** The key's valid value with a hostile fragment spliced in, or nudged (numbers), or as text (`"42"`). */
function nearValid(valid: unknown): fc.Arbitrary<unknown> {
    if (typeof valid === "string") {
        return fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_FRAGMENTS), fc.constantFrom("insert", "replace", "append", "prepend", "upper")).map(([at, fragment, how]) => {
            const i = valid.length === 0 ? 0 : at % valid.length;
            switch (how) {
                case "insert": return valid.slice(0, i) + fragment + valid.slice(i);
                case "replace": return valid.slice(0, i) + fragment + valid.slice(i + 1);
                case "append": return valid + fragment;
                case "prepend": return fragment + valid;
                default: return valid.toUpperCase();
            }
        });
    }
    if (typeof valid === "number") {
        return fc.oneof(fc.integer({ min: -3, max: 3 }).map((d) => valid + d), fc.constantFrom(0, -1, 2 ** 53, 1e300, valid + 0.5, valid * 2), fc.constant(String(valid)), fc.integer({ min: 0, max: Math.ceil(2 * valid) + 10 }));
    }
    if (Array.isArray(valid)) {
        return fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_FRAGMENTS)).map(([at, fragment]) => {
            const copy = [...valid];
            copy.splice(at % (copy.length + 1), 0, fragment);
            return copy;
        });
    }
    if (typeof valid === "object" && valid !== null) {
        const names = fc.oneof(fc.constantFrom("LOG_LEVEL", "DB_PASS", "DATABASE_HOST", "API_KEY_FILE", "MY_TOKEN", "lower", "__proto__"), fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/));
        return fc.tuple(names, fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string())).map(([name, text]) => withValue(valid as Record<string, unknown>, name, text));
    }
    return anyJson;
}

interface Outcome {
    readonly refused: number;
    readonly accepted: number;
}

interface Base {
    readonly config: Record<string, unknown>;
    readonly settings: StackSettings;
    readonly rendered: Rendered;
}

/** Checks one generated value for `key` against `base`; throws (failing the property) when the property does not hold. */
function check(baseName: string, key: string, value: unknown, base: Base, outcome: { refused: number; accepted: number }): void {
    let settings: StackSettings;
    try {
        settings = buildSettings(raw(withValue(base.config, key, value)));
    } catch (error) {
        if (!(error instanceof ConfigError)) throw new Error(`${baseName} ${key}=${JSON.stringify(value)} crashed: ${String(error)}`);
        if (!error.problems.some((p) => namesKey(p, key))) throw new Error(`${baseName} ${key}=${JSON.stringify(value)} was refused without naming the key: ${JSON.stringify(error.problems)}`);
        outcome.refused++;
        return;
    }
    outcome.accepted++;
    // Rendering and parsing must not throw for any accepted value, whatever the key.
    const rendered = parsedArtefacts(renderedArtefacts(settings), base.rendered);
    if (STRUCTURAL.includes(key) || typeof value === "boolean" || (typeof value === "object" && value !== null && !Array.isArray(value) && key !== "api.env")) return;
    expect([...rendered.parsed.keys()], "the same artefacts").to.deep.equal([...base.rendered.parsed.keys()]);
    const label = `${key}=${JSON.stringify(value)}`;
    if (key === "api.args" || key === "api.healthcheck" || key === "api.env") {
        const own = key === "api.env" ? "api env" : "api container";
        expectUnchangedBut(rendered, base.rendered, own, label);
        const tree = rendered.parsed.get(own) as Record<string, unknown>;
        if (key === "api.env") for (const [name, text] of Object.entries(value as Record<string, string>)) expect(tree[name], `api.env.${name} carried unchanged`).to.equal(text);
        else expect(tree[key === "api.args" ? "command" : "healthcheck"], `${key} carried unchanged`).to.deep.equal(value);
        return;
    }
    // A key no file carries (sizes of containers, AWS settings, DNS) changes no rendered artefact.
    if (!carriedIn(settings).includes(key)) return expectUnchangedBut(rendered, base.rendered, undefined, label);
    expectSubstituted(rendered, base.rendered, carried(base.settings, key) as string | number, carried(settings, key) as string | number, label);
}

/** Every artefact but `except` is exactly the base's. */
function expectUnchangedBut(rendered: Rendered, base: Rendered, except: string | undefined, label: string): void {
    for (const [name, text] of rendered.texts) {
        if (name !== except && text !== base.texts.get(name)) expect(rendered.parsed.get(name), `${name} unchanged by ${label}`).to.deep.equal(base.parsed.get(name));
    }
}

/** Every artefact is the base's with the sentinel `from` replaced by the carried value `to`, and only that. */
function expectSubstituted(rendered: Rendered, base: Rendered, from: string | number, to: string | number, label: string): void {
    for (const [name, tree] of rendered.parsed) {
        const baseTree = base.parsed.get(name);
        // An artefact whose text did not change is right exactly when the sentinel was never in it.
        if (rendered.texts.get(name) === base.texts.get(name) && (from === to || !JSON.stringify(baseTree).includes(String(from)))) continue;
        expect(tree, `${name} carries ${label} where it carried ${JSON.stringify(from)}, and nothing else changes`).to.deep.equal(substitute(baseTree, from, to));
    }
}

describe(`every configuration key under arbitrary and hostile values (fast-check, seed ${SEED}, ${RUNS_PER_KEY} runs a key and base)`, function () {
    this.timeout(60000);
    const outcomes = new Map<string, Outcome>();

    for (const [baseName, config] of Object.entries(BASES)) {
        const reader = new ConfigReader(PROJECT);
        const settings = buildSettings(raw(config), reader);
        const base = { config, settings, rendered: parsedArtefacts(renderedArtefacts(settings)) };
        const keys = [...reader.keysRead].sort();

        describe(`on the ${baseName} base`, () => {
            it("is a valid configuration whose artefacts render and parse, reading every key", () => {
                expect(base.rendered.parsed.size).to.be.greaterThan(20);
                expect(keys.length).to.be.greaterThan(baseName === "aws" ? 110 : 90);
            });

            it("carries every free-form key's sentinel into at least one rendered artefact", () => {
                const everything = JSON.stringify([...base.rendered.parsed.values()]);
                for (const key of carriedIn(settings)) expect(everything.includes(key === "api.env" ? "sentinel-value" : String(carried(settings, key))), key).to.equal(true);
            });

            keys.forEach((key, index) => {
                it(`${key}: refused naming the key, or carried unchanged where it belongs`, () => {
                    const outcome = { refused: 0, accepted: 0 };
                    const valid = valueAt(config, key) ?? carried(settings, key);
                    // Every hostile fragment once, inside the valid value, then random runs.
                    const examples = typeof valid === "string" ? HOSTILE_FRAGMENTS.map((fragment, i) => [spliced(valid, fragment, i)] as [unknown]) : [];
                    fc.assert(fc.property(fc.oneof(nearValid(valid), anyJson), (value) => check(baseName, key, value, base, outcome)), { seed: SEED + index, numRuns: RUNS_PER_KEY + examples.length, examples });
                    outcomes.set(`${baseName} ${key}`, outcome);
                });
            });
        });
    }

    after(() => {
        const all = [...outcomes.values()];
        const runs = all.reduce((n, o) => n + o.refused + o.accepted, 0);
        const accepted = all.reduce((n, o) => n + o.accepted, 0);
        // The numbers the README quotes; printed so a change in them is seen.
        console.log(`      property runs: ${runs} over ${all.length} keys and bases, ${accepted} accepted and checked in every artefact, ${runs - accepted} refused naming the key`);
    });
});
