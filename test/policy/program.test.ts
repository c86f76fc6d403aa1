import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../components/settings/validate";
import { allPolicies } from "../../policy/policies";
import { recordStack, OfflineRun } from "../../scripts/lib/offlineRun";
import { EffectiveConfig, reconcileConfig } from "../../scripts/lib/packConfig";
import { evaluate, Evaluation, StackResource } from "../../scripts/lib/policyEngine";
import { unwrapSecrets } from "../../scripts/lib/validationArgs";

/**
 * The whole program under mocks, judged by the pack with each environment's policy config: the real stacks pass,
 * and breaking a baseline rule (through the stack's configuration where a setting can break it, otherwise by
 * editing what a real run recorded) is caught.
 */

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "policy", "config");
const CONTAINER = "docker:index/container:Container";
const API_IMAGE = { api: "registry.example.com/agente-api:1.4.2" };

function policyConfig(environment: string): Map<string, EffectiveConfig> {
    return reconcileConfig(allPolicies, JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${environment}.json`), "utf8")));
}

async function judge(resources: readonly StackResource[], environment: string): Promise<Evaluation> {
    return evaluate(allPolicies, resources, policyConfig(environment));
}

/** `policy level resource` for every finding that is not an exemption. */
function problems(evaluation: Evaluation): string[] {
    return evaluation.findings.filter((f) => f.level !== "exempt").map((f) => `${f.policy} ${f.level} ${f.resource}: ${f.message}`);
}

/** A copy of a run's resources with one resource's recorded inputs edited (secrets unwrapped, as the engine does). */
function edited(run: OfflineRun, type: string, nameSuffix: string, edit: (inputs: Record<string, any>, r: StackResource) => Partial<StackResource> | void): StackResource[] {
    let found = false;
    const resources = run.resources.map((r) => {
        if (r.type !== type || !r.name.endsWith(nameSuffix) || found) return r;
        found = true;
        const inputs = structuredClone(unwrapSecrets(r.inputs)) as Record<string, any>;
        const extra = edit(inputs, r) ?? {};
        return { ...r, inputs, outputs: inputs, ...extra };
    });
    if (!found) throw new Error(`no ${type} named *${nameSuffix}`);
    return resources;
}

async function configError(stack: string, overrides: Record<string, unknown>): Promise<ConfigError> {
    try {
        await recordStack(stack, overrides);
    } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
    }
    throw new Error(`stack ${stack} accepted ${JSON.stringify(overrides)}`);
}

const EXPECTED_EXEMPTIONS = [
    "disallow-sensitive-host-mounts metrics-cadvisor",
    "disallow-sensitive-host-mounts metrics-node",
    "require-non-root-user edge",
    "require-non-root-user metrics-cadvisor",
];

// Production's stack file runs on AWS; these Docker baseline checks run production's settings on the Docker
// platform, which teams running production on one host use (the AWS run is judged in test/components/aws).
const DOCKER_PRODUCTION = { platform: "docker" };

const runs = new Map<string, OfflineRun>();
async function run(stack: string): Promise<OfflineRun> {
    if (!runs.has(stack)) runs.set(stack, await recordStack(stack, stack === "production" ? DOCKER_PRODUCTION : {}));
    return runs.get(stack)!;
}

for (const [stack, environment] of [["dev", "local"], ["staging", "staging"], ["production", "production"]] as const) {
    describe(`the ${stack} stack judged by policy/config/${environment}.json`, () => {
        let evaluation: Evaluation;
        before(async () => {
            evaluation = await judge((await run(stack)).resources, environment);
        });

        it("has no mandatory violation, no policy error and no advisory finding", () => {
            expect(problems(evaluation)).to.deep.equal([]);
        });

        it("applies exactly the documented exemptions (node_exporter, cAdvisor, the edge)", () => {
            const exempt = evaluation.findings.filter((f) => f.level === "exempt").map((f) => `${f.policy} ${f.resource.replace(`service-stack-${stack}-`, "")}`);
            expect(exempt.sort()).to.deep.equal(EXPECTED_EXEMPTIONS);
        });

        it("evaluated the real resource graph: 14 containers and 13 file carriers, with options and secrets as the engine sees them", async () => {
            const { resources } = await run(stack);
            const containers = resources.filter((r) => r.type === CONTAINER);
            expect(containers.filter((c) => c.inputs.start !== false)).to.have.length(14);
            expect(containers.filter((c) => c.inputs.start === false)).to.have.length(13);
            // The backup job's metrics live in memory (a tmpfs volume): nothing there outlives a reboot, nothing to protect.
            const inMemory = (r: { inputs: Record<string, unknown> }) => (r.inputs.driverOpts as { type?: string } | undefined)?.type === "tmpfs";
            expect(resources.filter((r) => r.type === "docker:index/volume:Volume" && inMemory(r)).map((r) => r.name)).to.deep.equal([`service-stack-${stack}-backup-metrics`]);
            const volumes = resources.filter((r) => r.type === "docker:index/volume:Volume" && !r.name.includes("-files-") && !inMemory(r));
            // PostgreSQL, Redis, Prometheus, Grafana, Alertmanager, the edge's certificates, and the backups.
            expect(volumes).to.have.length(7);
            expect(volumes.every((v) => v.protect === (environment === "production")), "protect").to.equal(true);
            const postgres = resources.find((r) => r.type === CONTAINER && r.name === `service-stack-${stack}-postgres`)!;
            expect(postgres.parent).to.match(/service-stack:docker:Postgres::service-stack-[a-z]+-postgres$/);
            const carrier = resources.find((r) => r.type === CONTAINER && r.name === `service-stack-${stack}-postgres-files`)!;
            expect(carrier.parent).to.equal(postgres.parent);
            // One secret file makes the whole `uploads` list a secret; the engine hands policies its plaintext.
            const uploads = carrier.inputs.uploads as { value: { file: string }[] };
            expect(uploads).to.have.property("4dabf18193072939515e22adb298388d");
            expect(uploads.value.map((u) => u.file)).to.include.members(["/etc/postgresql/postgresql.conf", "/etc/postgresql/pg_hba.conf", "/etc/postgresql/tls/tls.key"]);
        });
    });
}

/**
 * Config mutations share program runs (each takes a second or two): every run carries several independent
 * mutations, each test asserts the finding its own mutation causes, and one test per run asserts nothing else.
 */
describe("breaking the baseline through the stack configuration", () => {
    const mutatedRuns: Record<string, { stack: string; environment: string; overrides: Record<string, unknown>; findings?: string[] }> = {
        stagingApi: {
            stack: "staging",
            environment: "staging",
            overrides: {
                images: API_IMAGE,
                api: { scheme: "http" },
                dnsTtl: 3600,
            },
        },
        stagingNoDns: { stack: "staging", environment: "staging", overrides: { images: { ...API_IMAGE, redis: "ghcr.io/someone/redis:8.2.2" }, dnsZone: undefined, publicAddress: undefined } },
        production: { stack: "production", environment: "production", overrides: { ...DOCKER_PRODUCTION, images: { ...API_IMAGE, redis: "ghcr.io/someone/redis:8.2.2" }, tls: { certValidityDays: 800, caValidityDays: 7300 } } },
        devEdge: { stack: "dev", environment: "local", overrides: { edge: { bindAddress: "0.0.0.0", httpsPort: 5432 } } },
    };
    const expected: Record<keyof typeof mutatedRuns, RegExp[]> = { stagingApi: [], stagingNoDns: [], production: [], devEdge: [] };
    const findings = (run: keyof typeof mutatedRuns) => mutatedRuns[run]!.findings!;

    before(async () => {
        for (const r of Object.values(mutatedRuns)) r.findings = problems(await judge((await recordStack(r.stack, r.overrides)).resources, r.environment));
    });

    function catches(run: keyof typeof mutatedRuns, title: string, patterns: RegExp[], count = patterns.length): void {
        expected[run].push(...patterns);
        it(title, () => {
            const matching = findings(run).filter((f) => patterns.some((p) => p.test(f)));
            expect(matching, JSON.stringify(findings(run))).to.have.length(count);
        });
    }

    catches("stagingApi", "the API scraped over plain HTTP is blocked", [/^require-tls-scrape-targets mandatory service-stack-staging-prometheus-files: \/etc\/prometheus\/prometheus.yml: scrape job api uses plain HTTP\.$/]);
    catches("stagingApi", "a one-hour DNS TTL is reported on every record (advisory)", [/^limit-dns-record-ttl advisory service-stack-staging-dns-[a-z]+: TTL 3600s is above 300s/], 5);
    catches("stagingNoDns", "staging without DNS records for its public names is blocked", [/^require-dns-records-for-public-hostnames mandatory service-stack-staging-edge: Public hostname [a-z]+\.staging\.example\.com has no Route53 record/], 5);
    catches("stagingNoDns", "an image from an unlisted registry is reported in staging (advisory)", [/^restrict-image-registries advisory service-stack-staging-redis-image: Image "ghcr.io\/someone\/redis:8.2.2"/]);
    catches("production", "an image from an unlisted registry is blocked in production", [/^restrict-image-registries mandatory service-stack-production-redis-image: Image "ghcr.io\/someone\/redis:8.2.2" \(ghcr.io\/someone\/redis\) is not from an allowed registry/]);
    catches("production", "certificates valid for 800 days are blocked in production (the settings allow up to 825)", [/^require-bounded-certificate-validity mandatory service-stack-production-ca-[a-zA-Z]+: Certificate valid for 19200 hours \(800 days\); at most 9552 hours \(398 days\)/], 13);
    catches("production", "a 20-year CA is blocked (the settings allow up to 7300 days)", [/^require-bounded-certificate-validity mandatory service-stack-production-ca: CA certificate valid for 175200 hours \(7300 days\); at most 87600/]);
    catches("devEdge", "the edge bound on all interfaces is blocked for ports other than 80 and 443", [/^require-explicit-bind-address mandatory service-stack-dev-edge: Port (8080|5432) is bound on all interfaces \(0.0.0.0\); only 80, 443 may be\.$/], 2);
    catches("devEdge", "the edge publishing HTTPS on PostgreSQL's port is blocked", [/^disallow-published-data-ports mandatory service-stack-dev-edge: Port 8443 is published on the host as 0.0.0.0:5432\.$/]);

    for (const run of Object.keys(mutatedRuns) as (keyof typeof mutatedRuns)[]) {
        it(`finds nothing else in the ${run} run`, () => {
            expect(findings(run).filter((f) => !expected[run].some((p) => p.test(f)))).to.deep.equal([]);
        });
    }
});

describe("rules the settings already enforce (the bad value never reaches a resource)", () => {
    for (const [rule, stack, overrides, message] of [
        ["require-pinned-image: `latest`", "production", { images: { ...API_IMAGE, postgres: "postgres:latest" } }, /images.postgres.*postgres:latest/],
        ["require-non-root-user: an API running as root", "staging", { images: API_IMAGE, api: { user: "0:0" } }, /api.user/],
        ["disallow-plaintext-credential-env: a PASSWORD in the API environment", "staging", { images: API_IMAGE, api: { env: { DB_PASSWORD: "hunter2" } } }, /api.env.DB_PASSWORD/],
        ["disallow-plaintext-credential-env: a PASS (the pack's token, not only PASSWORD) in the API environment", "staging", { images: API_IMAGE, api: { env: { LEGACY_DB_PASS: "hunter2" } } }, /api.env.LEGACY_DB_PASS/],
        ["disallow-credential-values: an AWS access key in an innocently named API variable", "staging", { images: API_IMAGE, api: { env: { S3_ACCESS: "AKIAIOSFODNN7EXAMPLE" } } }, /api.env.S3_ACCESS.*AWS access key ID/],
        ["require-healthcheck: the API's healthcheck switched off with NONE", "staging", { images: API_IMAGE, api: { healthcheck: ["NONE"] } }, /api.healthcheck.*NONE/],
        ["require-minimum-password-length: 24 characters in production", "production", { passwordLength: 24 }, /passwordLength/],
        ["require-bounded-certificate-validity: no early renewal", "staging", { images: API_IMAGE, tls: { earlyRenewalDays: 0 } }, /tls.earlyRenewalDays/],
        ["require-postgres/redis/web-config TLS 1.3: TLS 1.2 in production", "production", { tls: { minVersion: "1.2" } }, /tls.minVersion/],
        ["require-memory-limit: a zero memory limit", "staging", { images: API_IMAGE, resources: { grafana: { memory: 0 } } }, /resources.grafana.memory/],
    ] as const) {
        it(`${rule} is rejected by the settings`, async () => {
            expect((await configError(stack, overrides)).message).to.match(message);
        });
    }
});

describe("breaking hard-coded rules by editing a real run's recorded inputs (no setting can break them)", () => {
    let production: OfflineRun;
    before(async () => {
        production = await run("production");
    });

    const cases: [string, string, string, (i: Record<string, any>) => Partial<StackResource> | void, RegExp][] = [
        ["disallow-privileged", CONTAINER, "-redis", (i) => { i.privileged = true; }, /^disallow-privileged mandatory service-stack-production-redis: The container runs privileged\.$/],
        ["require-drop-all-capabilities", CONTAINER, "-api", (i) => { i.capabilities = { drops: [], adds: ["SYS_ADMIN"] }; }, /^require-drop-all-capabilities mandatory .*-api: Capabilities are not dropped/],
        ["require-no-new-privileges", CONTAINER, "-grafana", (i) => { i.securityOpts = ["seccomp=unconfined"]; }, /^require-no-new-privileges mandatory .*-grafana: `securityOpts` does not contain/],
        ["disallow-host-namespaces", CONTAINER, "-prometheus", (i) => { i.networkMode = "host"; }, /^disallow-host-namespaces mandatory .*-prometheus: `networkMode` is "host"/],
        ["disallow-sensitive-host-mounts", CONTAINER, "-grafana", (i) => { i.volumes.push({ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }); }, /^disallow-sensitive-host-mounts mandatory .*-grafana: Host path "\/var\/run\/docker.sock"/],
        ["require-bounded-restart-policy", CONTAINER, "-jaeger", (i) => { i.restart = "always"; }, /^require-bounded-restart-policy mandatory .*-jaeger: Restart policy "always"/],
        ["require-log-rotation", CONTAINER, "-alertmanager", (i) => { delete i.logOpts; }, /^require-log-rotation mandatory .*-alertmanager: json-file logging has no "max-size"/],
        ["require-read-only-root-filesystem", CONTAINER, "-redis", (i) => { i.readOnly = false; }, /^require-read-only-root-filesystem mandatory .*-redis: The root filesystem is writable/],
        ["require-grafana-admin-password-file", CONTAINER, "-grafana", (i) => { i.envs = (i.envs as string[]).map((e) => e.replace(/^GF_SECURITY_ADMIN_PASSWORD__FILE=.*/, "GF_SECURITY_ADMIN_PASSWORD=admin")); }, /^require-grafana-admin-password-file mandatory .*-grafana: GF_SECURITY_ADMIN_PASSWORD is set/],
        ["require-private-secret-files", CONTAINER, "-postgres-files", (i) => { for (const u of i.uploads) if (u.file.endsWith("tls.key")) u.permissions = "0644"; }, /^require-private-secret-files mandatory .*-postgres-files: Secret file \/etc\/postgresql\/tls\/tls.key has mode 0644/],
        ["require-minimum-password-length", "random:index/randomPassword:RandomPassword", "-secrets-redis", (i) => { i.length = 24; }, /^require-minimum-password-length mandatory .*-secrets-redis: Password length 24 is below the minimum of 32\.$/],
        ["require-strong-private-keys", "tls:index/privateKey:PrivateKey", "-ca-postgres-key", (i) => { i.ecdsaCurve = "P224"; }, /^require-strong-private-keys mandatory .*-ca-postgres-key: ECDSA key on curve P224/],
        ["require-postgres-tls-and-scram", CONTAINER, "-postgres-files", (i) => { for (const u of i.uploads) if (u.file.endsWith("postgresql.conf")) u.content = String(u.content).replace(/^ssl\s*=\s*on/m, "ssl = off"); }, /^require-postgres-tls-and-scram mandatory .*-postgres-files: \/etc\/postgresql\/postgresql.conf: `ssl` is not on/],
        ["require-redis-tls-and-auth", CONTAINER, "-redis-files", (i) => { for (const u of i.uploads) if (u.file.endsWith("redis.conf")) u.content = String(u.content).replace(/^port 0$/m, "port 6379"); }, /^require-redis-tls-and-auth mandatory .*-redis-files: .*plain-TCP `port` is 6379/],
        ["require-web-config-tls-and-auth", CONTAINER, "-prometheus-files", (i) => { for (const u of i.uploads) if (u.file === "/etc/prometheus/web.yml") u.content = "{}\n"; }, /^require-web-config-tls-and-auth mandatory .*-prometheus-files: \/etc\/prometheus\/web.yml has no `tls_server_config`/],
        ["require-security-headers", CONTAINER, "-edge-files", (i) => { for (const u of i.uploads) if (u.file.endsWith("Caddyfile")) u.content = String(u.content).replace(/Strict-Transport-Security/g, "X-Removed"); }, /^require-security-headers mandatory .*-edge-files: Site .* does not set Strict-Transport-Security/],
        ["require-tls-on-public-endpoints", CONTAINER, "-postgres", (i) => { i.ports = [{ internal: 5432, external: 15432, ip: "127.0.0.1", protocol: "tcp" }]; }, /^require-tls-on-public-endpoints mandatory : Container service-stack-production-postgres publishes ports \(5432\) but is not the edge|^require-tls-on-public-endpoints mandatory service-stack-production-postgres: Container/],
        ["disallow-uploads-into-read-only-root", CONTAINER, "-redis", (i) => { i.uploads = [{ file: "/usr/local/etc/redis/redis.conf", content: "port 0\n", owner: "0", group: "0", permissions: "0444" }]; }, /^disallow-uploads-into-read-only-root mandatory .*-redis: 1 upload goes into a container whose root filesystem is read-only/],
        ["require-inert-file-carriers", CONTAINER, "-grafana-files", (i) => { i.restart = "unless-stopped"; i.networkMode = "bridge"; }, /^require-inert-file-carriers mandatory .*-grafana-files: Restart policy "unless-stopped" lets the daemon start it/],
        ["require-image-file-capabilities", CONTAINER, "-edge", (i) => { i.capabilities.adds = []; }, /^require-image-file-capabilities mandatory .*-edge: Container service-stack-production-edge runs caddy:2\.10\.2, whose binary carries the file capability NET_BIND_SERVICE/],
        ["require-exporter-tls-version-spelling", CONTAINER, "-redis-exporter", (i) => { i.envs = (i.envs as string[]).map((e) => e.replace(/TLS1\.3$/, "TLS13")); }, /^require-exporter-tls-version-spelling mandatory .*-redis-exporter: REDIS_EXPORTER_TLS_SERVER_MIN_VERSION is "TLS13"/],
        ["require-protected-stateful-resources", "docker:index/volume:Volume", "-postgres-data", () => ({ protect: false }), /^require-protected-stateful-resources mandatory .*-postgres-data: Volume .* holds state but is not protected/],
        ["require-protected-stateful-resources", "docker:index/volume:Volume", "-backup-data", () => ({ protect: false }), /^require-protected-stateful-resources mandatory .*-backup-data: Volume .* holds state but is not protected/],
        ["require-protected-stateful-resources", "docker:index/volume:Volume", "-backup-metrics", (i) => { i.driverOpts = { type: "ext4", device: "/dev/sdb1" }; }, /^require-protected-stateful-resources mandatory .*-backup-metrics: Volume .* holds state but is not protected/],
    ];
    for (const [policy, type, suffix, edit, expected] of cases) {
        it(`${policy} catches a recorded ${type.split(":").pop()} *${suffix} edited to break it`, async () => {
            const found = problems(await judge(edited(production, type, suffix, edit), "production")).filter((f) => f.startsWith(`${policy} `));
            expect(found.length, JSON.stringify(found)).to.be.greaterThan(0);
            expect(found.some((f) => expected.test(f)), JSON.stringify(found)).to.equal(true);
        });
    }

    it("require-database-backups catches a run whose backup job was dropped, or never starts", async () => {
        const withoutJob = production.resources.filter((r) => r.type !== "service-stack:docker:Backup" && !/-backup(-files)?$/.test(r.name));
        expect(problems(await judge(withoutJob, "production")).filter((f) => f.startsWith("require-database-backups "))).to.deep.equal([
            "require-database-backups mandatory : PostgreSQL runs on Docker without its backup job: no service-stack:docker:Backup component in the stack.",
        ]);
        const neverStarts = edited(production, CONTAINER, "-backup", (i) => { i.start = false; });
        expect(problems(await judge(neverStarts, "production")).filter((f) => f.startsWith("require-database-backups "))).to.deep.equal([
            "require-database-backups mandatory : The backup job (service-stack:docker:Backup) has no container that runs: only never-started file carriers, or none at all.",
        ]);
    });

    it("require-all-services catches a run without its Jaeger component", async () => {
        const found = problems(await judge(production.resources.filter((r) => r.type !== "service-stack:docker:Jaeger"), "production"));
        expect(found).to.deep.equal(["require-all-services mandatory : Service Jaeger is missing: no service-stack:docker:Jaeger or service-stack:aws:Jaeger component in the stack."]);
    });
});
