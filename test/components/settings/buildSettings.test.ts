import { expect } from "chai";
import { renderAlertRules } from "../../../components/render/alertRules";
import { buildSettings } from "../../../components/settings/buildSettings";
import { DEFAULT_IMAGES } from "../../../components/settings/defaults";
import { problems, raw } from "../../support/configProblems";

const PRODUCTION_BASE = { environment: "production", images: { api: "registry.example.com/api:1.4.2" } };

describe("buildSettings", () => {
    describe("the local default (no config at all)", () => {
        const s = buildSettings(raw({}));

        it("is docker, local, unprotected, on loopback with unprivileged ports", () => {
            expect(s.platform).to.equal("docker");
            expect(s.environment).to.equal("local");
            expect(s.protectStateful).to.equal(false);
            expect(s.edge).to.include({ bindAddress: "127.0.0.1", httpPort: 8080, httpsPort: 8443 });
        });

        it("names hosts under localhost and has no DNS, no ACME", () => {
            expect(s.hostnames.api).to.equal("api.localhost");
            expect(s.hostnames.grafana).to.equal("grafana.localhost");
            expect(s.dns).to.equal(undefined);
            expect(s.edge.acmeEmail).to.equal(undefined);
        });

        it("pins every image to a version tag", () => {
            expect(s.images).to.deep.equal(DEFAULT_IMAGES);
            for (const image of Object.values(s.images)) expect(image).to.match(/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/).and.not.match(/:latest$/);
        });

        it("keeps the source documents' monitoring defaults", () => {
            expect(s.prometheus).to.include({ scrapeInterval: "15s", retentionTime: "15d" });
            expect(s.alerting.repeatInterval).to.equal("4h");
        });

        it("prefixes host-level names with project and stack", () => {
            expect(s.namePrefix).to.equal("service-stack-test");
        });
    });

    describe("production", () => {
        const s = buildSettings(raw(PRODUCTION_BASE));

        it("protects stateful resources and requires TLS 1.3", () => {
            expect(s.protectStateful).to.equal(true);
            expect(s.tls.minVersion).to.equal("1.3");
        });

        it("carries the documented PostgreSQL tuning", () => {
            expect(s.postgres).to.include({ maxConnections: 200, sharedBuffersMiB: 2048, effectiveCacheSizeMiB: 6144, workMemMiB: 10, walLevel: "replica" });
        });

        it("refuses TLS 1.2", () => {
            expect(problems({ ...PRODUCTION_BASE, tls: { minVersion: "1.2" } })).to.deep.equal([
                '`service-stack:tls.minVersion` is "1.2": expected `1.3` in production.',
            ]);
        });

        it("refuses passwords shorter than 32", () => {
            expect(problems({ ...PRODUCTION_BASE, passwordLength: 24 })).to.deep.equal([
                "`service-stack:passwordLength` is 24: expected an integer from 32 to 72.",
            ]);
        });

        it("requires the team's API image", () => {
            expect(problems({ environment: "production" })[0]).to.contain("`images.api` is required in production");
        });
    });

    describe("bad input, one class each", () => {
        it("an unknown platform", () => {
            expect(problems({ platform: "kubernetes" })).to.deep.equal([
                '`service-stack:platform` is "kubernetes": expected one of `docker`, `aws`.',
            ]);
        });

        it("an environment missing from the enum (the source documents' bug)", () => {
            expect(problems({ environment: "stage" })).to.deep.equal([
                '`service-stack:environment` is "stage": expected one of `local`, `staging`, `production`.',
            ]);
        });

        it("a malformed domain", () => {
            expect(problems({ domain: "https://Example.com/", acmeEmail: "ops@example.com" })).to.deep.equal([
                '`service-stack:domain` is "https://Example.com/": expected a lower-case DNS name such as `staging.example.com` (no scheme, port, path or trailing dot).',
            ]);
        });

        it("a memory size that is not a positive amount", () => {
            expect(problems({ resources: { redis: { memory: "-5MiB" } } })).to.deep.equal([
                '`service-stack:resources.redis.memory` is "-5MiB": expected a memory size in whole MiB from 6MiB to 1TiB, such as `512MiB` or `2GiB`.',
            ]);
            expect(problems({ resources: { redis: { memory: "0GiB" } } })).to.have.length(1);
            expect(problems({ resources: { redis: { memory: 512 } } })).to.have.length(1);
        });

        it("accepts memory in MiB, GiB and Docker's m/g", () => {
            const s = buildSettings(raw({ resources: { postgres: { memory: "2GiB" }, redis: { memory: "768m" } } }));
            expect(s.resources.postgres.memoryMiB).to.equal(2048);
            expect(s.resources.redis.memoryMiB).to.equal(768);
        });

        it("an image with no tag, or `latest`", () => {
            expect(problems({ images: { postgres: "postgres" } })).to.deep.equal([
                '`service-stack:images.postgres` is "postgres": expected an image reference pinned to a version tag, such as `postgres:18.1` or `postgres:18.1@sha256:<64 hex>`, at most 255 characters (no tag, or `latest`, is not pinned).',
            ]);
            expect(problems({ images: { redis: "redis:latest" } })[0]).to.contain("`service-stack:images.redis` is \"redis:latest\"");
        });

        it("accepts a tag with a digest and a registry with a port", () => {
            const image = `registry.example.com:5000/team/api:1.4.2@sha256:${"a".repeat(64)}`;
            expect(buildSettings(raw({ images: { api: image } })).images.api).to.equal(image);
        });

        it("a misspelt top-level key", () => {
            expect(problems({ domian: "example.com" })).to.deep.equal([
                '`service-stack:domian` is "example.com": expected no such key; see README.md for the keys this project reads.',
            ]);
        });

        it("a misspelt nested key", () => {
            expect(problems({ edge: { httpsPrt: 443 } })[0]).to.equal(
                "`service-stack:edge.httpsPrt` is 443: expected no such key; `edge` takes `bindAddress`, `httpPort`, `httpsPort`, `rateLimitPerMinute`.",
            );
        });

        it("a port out of range, and two edge ports that clash", () => {
            expect(problems({ edge: { httpsPort: 70000 } })).to.deep.equal([
                "`service-stack:edge.httpsPort` is 70000: expected an integer from 1 to 65535.",
            ]);
            expect(problems({ edge: { httpPort: 8443 } })).to.deep.equal([
                "`edge.httpPort` and `edge.httpsPort` are both 8443: the edge publishes two different host ports.",
            ]);
        });

        it("accepts numbers stored as strings by `pulumi config set --path`", () => {
            expect(buildSettings(raw({ edge: { httpsPort: "9443" } })).edge.httpsPort).to.equal(9443);
        });

        it("a DNS zone without a public address, or a domain outside the zone", () => {
            expect(problems({ domain: "staging.example.com", acmeEmail: "ops@example.com", dnsZone: "example.com" })).to.deep.equal([
                "`service-stack:publicAddress` is required when `dnsZone` is set: it is the Docker host's public IPv4 address the records point at.",
            ]);
            expect(problems({ domain: "staging.example.org", acmeEmail: "ops@example.com", dnsZone: "example.com", publicAddress: "203.0.113.10" })).to.deep.equal([
                '`service-stack:domain` "staging.example.org" is not inside `dnsZone` "example.com": records for it cannot be made in that zone.',
            ]);
        });

        it("a malformed public address", () => {
            expect(problems({ domain: "example.com", acmeEmail: "ops@example.com", dnsZone: "example.com", publicAddress: "203.0.113.300" })).to.deep.equal([
                '`service-stack:publicAddress` is "203.0.113.300": expected an IPv4 address such as `203.0.113.10`.',
            ]);
        });

        it("a domain without an ACME e-mail", () => {
            expect(problems({ domain: "example.com" })).to.deep.equal([
                "`service-stack:acmeEmail` is required when `domain` is set: the edge registers an ACME account with it to obtain public certificates.",
            ]);
        });

        it("a Redis maxmemory that does not fit its container", () => {
            expect(problems({ redis: { maxmemory: "1GiB" } })[0]).to.contain("`service-stack:redis.maxmemory` (1024MiB) must be smaller than the Redis memory limit");
        });

        it("the well-known Grafana admin user", () => {
            expect(problems({ grafana: { adminUser: "admin" } })).to.deep.equal([
                '`service-stack:grafana.adminUser` is "admin": expected a user name other than the well-known default `admin`.',
            ]);
        });

        it("a credential in the API's plain environment, without showing it", () => {
            const found = problems({ api: { env: { DB_PASSWORD: "hunter2", LOG_LEVEL: "info" } } });
            expect(found).to.deep.equal([
                '`service-stack:api.env.DB_PASSWORD` is "[not shown]": expected no credential in plain environment; the stack delivers credentials as files (see README, `*_FILE`).',
            ]);
            expect(found.join()).not.to.contain("hunter2");
        });

        it("a receiver enabled without its secret", () => {
            expect(problems({ alerting: { slack: { channel: "#ops" } } })).to.deep.equal([
                "`service-stack:slackWebhookUrl` is required when `alerting.slack` is enabled: set it with `pulumi config set --secret slackWebhookUrl …`.",
            ]);
        });

        it("a secret key stored in plain text, without showing it", () => {
            const found = problems({ alerting: { webhook: true }, webhookUrl: "https://hooks.example.com/T0KEN" });
            expect(found).to.deep.equal([
                "`service-stack:webhookUrl` is stored in plain text: set it with `pulumi config set --secret webhookUrl …`.",
            ]);
            expect(found.join()).not.to.contain("T0KEN");
        });

        it("accepts a receiver whose secret is set with --secret", () => {
            const s = buildSettings(raw({ alerting: { webhook: true }, webhookUrl: "https://hooks.example.com/x" }, ["webhookUrl"]));
            expect(s.alerting.webhook).to.equal(true);
        });

        it("a runbook URL that is not an https document URL", () => {
            expect(problems({ alerting: { runbookUrl: "https://wiki.example.com/runbook#alerts" } })).to.deep.equal([
                '`service-stack:alerting.runbookUrl` is "https://wiki.example.com/runbook#alerts": expected an https URL of the published docs/runbook.md, without `#`, `?`, `{` or `}`, at most 2048 characters.',
            ]);
            expect(problems({ alerting: { runbookUrl: "http://wiki.example.com/runbook" } })).to.have.length(1);
        });

        it("links every alert into the configured runbook", () => {
            const s = buildSettings(raw({ alerting: { runbookUrl: "https://git.example.com/platform/service-stack/-/blob/main/docs/runbook.md" } }));
            expect(s.alerting.runbookUrl).to.equal("https://git.example.com/platform/service-stack/-/blob/main/docs/runbook.md");
            const rules = Object.values(renderAlertRules(s)).join("\n");
            expect(rules).to.contain("runbook_url: https://git.example.com/platform/service-stack/-/blob/main/docs/runbook.md#higherrorrate");
            expect(rules).not.to.contain("example-org");
        });

        it("reports every problem at once", () => {
            expect(problems({ platform: "k8s", environment: "qa", images: { grafana: "grafana/grafana" } })).to.have.length(3);
        });
    });
});
