import { expect } from "chai";
import { buildSettings } from "../../../components/settings/buildSettings";
import { ConfigError } from "../../../components/settings/validate";
import { isPrivateVpcCidr } from "../../../components/settings/readAws";
import { problems, raw } from "../../support/configProblems";

const API_IMAGE = { api: "registry.example.com/api:1.4.2" };
// Images as written: the pull-through cache (and the Docker Hub account it needs) is specified on its own below.
const AWS_BASE = { platform: "aws", domain: "example.com", dnsZone: "example.com", images: API_IMAGE, aws: { region: "eu-west-1", pullThroughCache: false } };
const STAGING = { ...AWS_BASE, environment: "staging", domain: "staging.example.com" };
const PRODUCTION = { ...AWS_BASE, environment: "production" };

function withAws(base: Record<string, unknown>, aws: Record<string, unknown>): Record<string, unknown> {
    return { ...base, aws: { region: "eu-west-1", pullThroughCache: false, ...aws } };
}

describe("buildSettings: the aws platform", () => {
    describe("defaults per environment", () => {
        it("staging: two zones, single-AZ sizes, 7-day backups, 30-day logs", () => {
            const s = buildSettings(raw(STAGING));
            expect(s.aws).to.deep.equal({
                region: "eu-west-1",
                availabilityZones: 2,
                vpcCidr: "10.40.0.0/16",
                postgres: { engineVersion: "17", instanceClass: "db.t4g.medium", allocatedStorageGiB: 20, maxAllocatedStorageGiB: 100, backupRetentionDays: 7, applyImmediately: false },
                redis: { engine: "redis", nodeType: "cache.t4g.small", engineVersion: "7.1", authTokenUpdateStrategy: "SET" },
                api: { desiredCount: 2, minCount: 2, maxCount: 4, targetCpuPercent: 60, targetRequestsPerTarget: 500 },
                logRetentionDays: 30,
                pullThroughCache: false,
            });
        });

        it("production: three zones, 14-day backups, 90-day logs, at least three API tasks", () => {
            const s = buildSettings(raw(PRODUCTION));
            expect(s.aws).to.deep.include({ availabilityZones: 3, logRetentionDays: 90 });
            expect(s.aws?.postgres.backupRetentionDays).to.equal(14);
            expect(s.aws?.api).to.include({ minCount: 3, desiredCount: 3, maxCount: 12 });
        });

        it("a valkey engine defaults to a valkey version", () => {
            expect(buildSettings(raw(withAws(STAGING, { redis: { engine: "valkey" } }))).aws?.redis).to.deep.equal({ engine: "valkey", nodeType: "cache.t4g.small", engineVersion: "8.0", authTokenUpdateStrategy: "SET" });
        });

        it("needs neither an ACME e-mail nor a public address on AWS", () => {
            const s = buildSettings(raw(STAGING));
            expect(s.edge.acmeEmail).to.equal(undefined);
            expect(s.dns).to.deep.equal({ zone: "example.com", ttl: 60 });
        });

        it("validates the `aws` object on docker too, but builds it only on aws", () => {
            expect(buildSettings(raw({ aws: { region: "eu-west-1" } })).aws).to.equal(undefined);
            expect(problems({ aws: { regoin: "eu-west-1" } })[0]).to.match(/^`service-stack:aws.regoin` is "eu-west-1": expected no such key; `aws` takes `region`/);
        });
    });

    describe("bad input, one class each", () => {
        it("no region", () => {
            expect(problems({ ...STAGING, aws: {} })).to.deep.equal([
                "`service-stack:aws.region` is required when `platform` is `aws`: set the region the stack runs in, e.g. `eu-west-1`.",
            ]);
        });

        it("a malformed region", () => {
            expect(problems(withAws(STAGING, { region: "Europe West" }))).to.deep.equal([
                '`service-stack:aws.region` is "Europe West": expected an AWS region of the `aws` partition such as `eu-west-1` (one the AWS provider lists; China, GovCloud and isolated regions use endpoints and ARNs the stack does not build).',
            ]);
        });

        it("no domain or DNS zone (ACM and the alias records need both)", () => {
            expect(problems({ platform: "aws", aws: { region: "eu-west-1", pullThroughCache: false } })).to.deep.equal([
                "`service-stack:domain` is required when `platform` is `aws`: the load balancer serves the public names under it with ACM certificates.",
                "`service-stack:dnsZone` is required when `platform` is `aws`: ACM validates the certificate through records in that Route53 zone, and the public names alias the load balancer there.",
            ]);
        });

        it("availability zones out of range, or fewer than three in production", () => {
            expect(problems(withAws(STAGING, { availabilityZones: 7 }))).to.deep.equal([
                "`service-stack:aws.availabilityZones` is 7: expected an integer from 2 to 6.",
            ]);
            expect(problems(withAws(PRODUCTION, { availabilityZones: 2 }))).to.deep.equal([
                "`service-stack:aws.availabilityZones` is 2: expected at least 3 in production.",
            ]);
        });

        it("a VPC range that is public, misaligned or too small", () => {
            const expected = (cidr: string) => `\`service-stack:aws.vpcCidr\` is "${cidr}": expected a private IPv4 network (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /22, such as \`10.40.0.0/16\`.`;
            for (const cidr of ["203.0.113.0/16", "10.40.1.0/16", "10.40.0.0/24", "10.40.0.0"]) {
                expect(problems(withAws(STAGING, { vpcCidr: cidr })), cidr).to.deep.equal([expected(cidr)]);
            }
        });

        it("a PostgreSQL version before 13, an unknown instance class, storage that cannot grow", () => {
            expect(problems(withAws(STAGING, { postgres: { engineVersion: "12" } }))).to.deep.equal([
                '`service-stack:aws.postgres.engineVersion` is "12": expected a PostgreSQL major version RDS offers (13, 14, 15, 16, 17, 18), alone (`17`) or with a minor version (`17.6`).',
            ]);
            expect(problems(withAws(STAGING, { postgres: { instanceClass: "m7g.large" } }))).to.deep.equal([
                '`service-stack:aws.postgres.instanceClass` is "m7g.large": expected an RDS instance class such as `db.m7g.large`.',
            ]);
            expect(problems(withAws(STAGING, { postgres: { allocatedStorageGiB: 200, maxAllocatedStorageGiB: 100 } }))).to.deep.equal([
                "`service-stack:aws.postgres.maxAllocatedStorageGiB` (100) must be at least `aws.postgres.allocatedStorageGiB` (200).",
            ]);
        });

        it("backups kept under a week, or under two weeks in production", () => {
            expect(problems(withAws(STAGING, { postgres: { backupRetentionDays: 3 } }))).to.deep.equal([
                "`service-stack:aws.postgres.backupRetentionDays` is 3: expected an integer from 7 to 35.",
            ]);
            expect(problems(withAws(PRODUCTION, { postgres: { backupRetentionDays: 7 } }))).to.deep.equal([
                "`service-stack:aws.postgres.backupRetentionDays` is 7: expected at least 14 in production.",
            ]);
        });

        it("an AUTH token strategy ElastiCache does not take (or DELETE, which drops authentication), a non-boolean applyImmediately", () => {
            expect(problems(withAws(STAGING, { redis: { authTokenUpdateStrategy: "DELETE" }, postgres: { applyImmediately: "now" } }))).to.deep.equal([
                '`service-stack:aws.postgres.applyImmediately` is "now": expected true or false.',
                '`service-stack:aws.redis.authTokenUpdateStrategy` is "DELETE": expected one of `SET`, `ROTATE`.',
            ]);
            const rotating = buildSettings(raw(withAws(STAGING, { redis: { authTokenUpdateStrategy: "ROTATE" }, postgres: { applyImmediately: true } }))).aws!;
            expect([rotating.redis.authTokenUpdateStrategy, rotating.postgres.applyImmediately]).to.deep.equal(["ROTATE", true]);
        });

        it("an unknown cache engine, node type or version", () => {
            expect(problems(withAws(STAGING, { redis: { engine: "memcached", nodeType: "t4g.small", engineVersion: "7" } }))).to.deep.equal([
                '`service-stack:aws.redis.engine` is "memcached": expected one of `redis`, `valkey`.',
                '`service-stack:aws.redis.nodeType` is "t4g.small": expected an ElastiCache node type such as `cache.m7g.large`.',
                '`service-stack:aws.redis.engineVersion` is "7": expected one of `7.0`, `7.1` for `redis`: ElastiCache versions with a parameter group family and in-transit encryption mode `required`, which the stack sets.',
            ]);
        });

        it("API task counts out of order, a single task in production, a CPU target out of range", () => {
            expect(problems(withAws(STAGING, { api: { minCount: 3, desiredCount: 2 } }))).to.deep.equal([
                "`service-stack:aws.api.minCount` (3) ≤ `aws.api.desiredCount` (2) ≤ `aws.api.maxCount` (4) must hold: autoscaling moves the task count between the two bounds.",
            ]);
            expect(problems(withAws(PRODUCTION, { api: { minCount: 1 } }))).to.deep.equal([
                "`service-stack:aws.api.minCount` is 1: expected at least 2 in production, so a zone failure leaves a running task.",
            ]);
            expect(problems(withAws(STAGING, { api: { targetCpuPercent: 95 } }))).to.deep.equal([
                "`service-stack:aws.api.targetCpuPercent` is 95: expected an integer from 10 to 90.",
            ]);
        });

        it("a log retention CloudWatch does not offer, or outside the policy's bounds", () => {
            expect(problems(withAws(STAGING, { logRetentionDays: 45 }))).to.deep.equal([
                "`service-stack:aws.logRetentionDays` is 45: expected one of CloudWatch's retention periods 14, 30, 60, 90, 120, 150, 180, 365, 400.",
            ]);
            expect(problems(withAws(STAGING, { logRetentionDays: 7 }))).to.deep.equal([
                "`service-stack:aws.logRetentionDays` is 7: expected an integer from 14 to 400.",
            ]);
        });

        it("a rate limit below what AWS WAF can count", () => {
            expect(problems({ ...STAGING, edge: { rateLimitPerMinute: 5 } })).to.deep.equal([
                "`service-stack:edge.rateLimitPerMinute` (5) must be at least 10 when `platform` is `aws`: AWS WAF's rate-based rules count no fewer requests.",
            ]);
        });
    });

    describe("image sources (the pull-through cache and the team registry)", () => {
        const CACHED = { ...STAGING, aws: { region: "eu-west-1" } };
        const secrets = (keys: string[]) => ({ ...Object.fromEntries(keys.map((k) => [k, "set"])) });
        const rawWithSecrets = (values: Record<string, unknown>, keys: string[]) => ({ ...raw({ ...values, ...secrets(keys) }), secretKeys: new Set(keys) });
        const problemsWith = (values: Record<string, unknown>, keys: string[]): string[] => {
            try {
                buildSettings(rawWithSecrets(values, keys));
            } catch (e) {
                return [...(e as ConfigError).problems];
            }
            return [];
        };

        it("turns the cache on by default, and takes the Docker Hub account and the team registry's user", () => {
            const s = buildSettings(rawWithSecrets({ ...CACHED, aws: { region: "eu-west-1", dockerHubUsername: "examplebot", teamRegistryUsername: "deploy" } }, ["dockerHubAccessToken", "teamRegistryPassword"]));
            expect(s.aws).to.deep.include({ pullThroughCache: true, dockerHubUsername: "examplebot", teamRegistryUsername: "deploy" });
        });

        it("needs a Docker Hub account and token for Docker Hub images, and the team registry's user for a private API image", () => {
            expect(problemsWith(CACHED, [])).to.deep.equal([
                '`service-stack:images.api` is "registry.example.com/api:1.4.2": expected on `aws` an image ECR can pull: from Docker Hub, Quay or ECR Public (through the pull-through cache), from an ECR registry, or from the team registry of `images.api` with `aws.teamRegistryUsername` set; ECR cannot cache registry.example.com.',
                "`service-stack:aws.dockerHubUsername` is required when images come from Docker Hub through the pull-through cache: ECR pulls from Docker Hub only with an account (set `aws.pullThroughCache: false` to pull anonymously instead).",
                "`service-stack:dockerHubAccessToken` is required for the Docker Hub pull-through cache: set it with `pulumi config set --secret dockerHubAccessToken …` (a Docker Hub access token with read-only scope).",
            ]);
            expect(problemsWith({ ...CACHED, aws: { region: "eu-west-1", dockerHubUsername: "examplebot", teamRegistryUsername: "deploy" } }, ["dockerHubAccessToken"])).to.deep.equal([
                "`service-stack:teamRegistryPassword` is required when `aws.teamRegistryUsername` is set: set it with `pulumi config set --secret teamRegistryPassword …`.",
            ]);
        });

        it("accepts an API image in ECR without registry credentials", () => {
            const inEcr = { ...CACHED, images: { api: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agente-api:1.4.2" }, aws: { region: "eu-west-1", dockerHubUsername: "examplebot" } };
            expect(problemsWith(inEcr, ["dockerHubAccessToken"])).to.deep.equal([]);
        });

        it("refuses an image from a registry ECR cannot cache, naming it", () => {
            const gcr = { ...CACHED, images: { ...API_IMAGE, jaeger: "gcr.io/example/jaeger:2.11.0" }, aws: { region: "eu-west-1", dockerHubUsername: "examplebot", teamRegistryUsername: "deploy" } };
            expect(problemsWith(gcr, ["dockerHubAccessToken", "teamRegistryPassword"])).to.deep.equal([
                '`service-stack:images.jaeger` is "gcr.io/example/jaeger:2.11.0": expected on `aws` an image ECR can pull: from Docker Hub, Quay or ECR Public (through the pull-through cache), from an ECR registry, or from the team registry of `images.api` with `aws.teamRegistryUsername` set; ECR cannot cache gcr.io.',
            ]);
        });

        it("refuses a malformed Docker Hub user, and a token stored in plain text without showing it", () => {
            expect(problemsWith({ ...CACHED, aws: { region: "eu-west-1", dockerHubUsername: "Example Bot", teamRegistryUsername: "deploy" } }, ["dockerHubAccessToken", "teamRegistryPassword"])).to.deep.equal([
                '`service-stack:aws.dockerHubUsername` is "Example Bot": expected a Docker Hub user name (4 to 30 lower-case letters and digits).',
                "`service-stack:aws.dockerHubUsername` is required when images come from Docker Hub through the pull-through cache: ECR pulls from Docker Hub only with an account (set `aws.pullThroughCache: false` to pull anonymously instead).",
            ]);
            const plain = { ...raw({ ...CACHED, aws: { region: "eu-west-1", dockerHubUsername: "examplebot", teamRegistryUsername: "deploy" }, dockerHubAccessToken: "dckr_pat_x", teamRegistryPassword: "p" }), secretKeys: new Set(["teamRegistryPassword"]) };
            expect(() => buildSettings(plain)).to.throw(ConfigError, "`service-stack:dockerHubAccessToken` is stored in plain text: set it with `pulumi config set --secret dockerHubAccessToken …`.");
        });

        it("pulls as written with the cache off, with no account needed", () => {
            expect(problemsWith({ ...CACHED, aws: { region: "eu-west-1", pullThroughCache: false } }, [])).to.deep.equal([]);
        });
    });

    describe("isPrivateVpcCidr", () => {
        for (const [cidr, ok] of [
            ["10.0.0.0/16", true], ["172.31.0.0/16", true], ["192.168.0.0/16", true], ["10.40.4.0/22", true],
            ["172.32.0.0/16", false], ["192.169.0.0/16", false], ["10.40.0.0/15", false], ["10.40.2.0/22", false], ["10.0.0.0/8", false],
        ] as const) {
            it(`${cidr} is ${ok ? "" : "not "}a usable VPC range`, () => expect(isPrivateVpcCidr(cidr)).to.equal(ok));
        }
    });
});
