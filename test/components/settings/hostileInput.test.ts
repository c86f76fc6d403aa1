import { expect } from "chai";
import { buildSettings } from "../../../components/settings/buildSettings";
import { problems, raw } from "../../support/configProblems";

/**
 * The classes of bad input a probe of every key found (issue 12), one test each, with the exact message: values that
 * would change the meaning of a rendered file, values a downstream tool refuses, values that crashed the program,
 * and holes in the rules.
 */

const API_IMAGE = { api: "registry.example.com/api:1.4.2" };
// On AWS the team's image comes from the account's ECR, and public images are pulled without the cache (no Docker
// Hub account to configure): these cases are about other keys.
const AWS_API_IMAGE = { api: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2" };
const ON_AWS = { platform: "aws", environment: "staging", domain: "staging.example.com", dnsZone: "example.com", images: AWS_API_IMAGE, aws: { pullThroughCache: false, region: "eu-west-1" } };
const WITH_DOMAIN = { domain: "example.com", acmeEmail: "ops@example.com" };

const EMAIL = "expected an e-mail address `local@domain.example`: letters, digits, `_`, `+`, `-` and single dots before the `@`, a DNS name after it.";
const DURATION = "expected a duration above zero such as `15s`, `4h` or `1h30m` (units in the order y, w, d, h, m, s, ms, each at most once; at most 292 years).";

describe("hostile configuration: values that would change a rendered file's meaning", () => {
    for (const [what, email, shown] of [
        ["a Caddyfile comment", "ops@example.com #admin", '"ops@example.com #admin"'],
        ["a backtick (Caddy's raw quote)", "o`ps@example.com", '"o`ps@example.com"'],
        ["a heredoc marker", "<<EOF@example.com", '"<<EOF@example.com"'],
        ["a trailing backslash (escapes Caddy's closing quote)", "ops@example.com\\", '"ops@example.com\\\\"'],
        ["an environment variable Caddy expands anywhere", "{$HOME}@example.com", '"{$HOME}@example.com"'],
        ["U+0085, a line break to Caddy's lexer", "ops@example.com\u0085x", '"ops@example.com\\u0085x"'],
        ["a NUL", "ops@exam\u0000ple.com", '"ops@exam\\u0000ple.com"'],
    ] as const) {
        it(`refuses an ACME e-mail with ${what}, showing the character escaped`, () => {
            expect(problems({ ...WITH_DOMAIN, acmeEmail: email })).to.deep.equal([`\`service-stack:acmeEmail\` is ${shown}: ${EMAIL}`]);
        });
    }

    it("refuses a database or role name that is a reserved word, PostgreSQL's own, or the RDS administrator", () => {
        expect(problems({ postgres: { database: "select", appUser: "user" } })).to.deep.equal([
            '`service-stack:postgres.database` is "select": expected a name that is not a PostgreSQL reserved word.',
            '`service-stack:postgres.appUser` is "user": expected a name that is not a PostgreSQL reserved word.',
        ]);
        const role = "expected a role of its own: not `postgres`, `postgres_exporter`, `postgres_backup`, `stack_admin`, `public`, `none`, nor a `pg_` or `rds` name.";
        for (const name of ["stack_admin", "postgres_exporter", "postgres_backup", "pg_monitor", "rds_superuser", "public"]) {
            expect(problems({ postgres: { appUser: name } })).to.deep.equal([`\`service-stack:postgres.appUser\` is "${name}": ${role}`]);
        }
        expect(problems({ postgres: { database: "template1" } })).to.deep.equal([
            '`service-stack:postgres.database` is "template1": expected a database other than `postgres`, `template0`, `template1`, `rdsadmin`.',
        ]);
        expect(problems({ postgres: { database: "_app" } })).to.deep.equal([
            '`service-stack:postgres.database` is "_app": expected a lower-case SQL name: a letter, then letters, digits or `_`, at most 63 characters.',
        ]);
    });

    it("refuses Go template actions in e-mail addresses (Alertmanager expands `to`) and in the runbook URL (Prometheus expands it)", () => {
        expect(problems({ alerting: { email: { to: "{{ .CommonLabels }}@example.com", from: "am@example.com", smarthost: "smtp.example.com:587" } } })).to.deep.equal([
            `\`service-stack:alerting.email.to\` is "{{ .CommonLabels }}@example.com": ${EMAIL}`,
        ]);
        expect(problems({ alerting: { runbookUrl: "https://wiki.example.com/{{ $value }}" } })).to.deep.equal([
            '`service-stack:alerting.runbookUrl` is "https://wiki.example.com/{{ $value }}": expected an https URL of the published docs/runbook.md, without `#`, `?`, `{` or `}`, at most 2048 characters.',
        ]);
    });

    it("refuses U+2028 and U+0085 (line breaks to Go's YAML readers) in free-form text, showing them escaped", () => {
        expect(problems({ alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", username: "alerts\u2028x" } }, smtpPassword: "x" })).to.deep.include(
            '`service-stack:alerting.email.username` is "alerts\\u2028x": expected a non-blank string without control, format or line-separator characters.',
        );
        expect(problems({ api: { env: { LOG_LEVEL: "info\u0085debug" } } })).to.deep.equal([
            '`service-stack:api.env.LOG_LEVEL` is "info\\u0085debug": expected a string without control, format or line-separator characters.',
        ]);
        expect(problems({ api: { args: ["serve", "--name=a\u0000b"] } })).to.deep.equal([
            '`service-stack:api.args` is ["serve","--name=a\\u0000b"]: expected a list of strings, each without control, format or line-separator characters.',
        ]);
    });
});

describe("hostile configuration: values a downstream tool refuses", () => {
    it("refuses durations with repeated or out-of-order units, zero intervals and overflow, and allows a zero group_wait", () => {
        expect(problems({
            prometheus: { evaluationInterval: "15s15s", retentionTime: "0s" },
            alerting: { groupInterval: "0s", repeatInterval: "1m1h", groupWait: "0s" },
        })).to.deep.equal([
            `\`service-stack:prometheus.evaluationInterval\` is "15s15s": ${DURATION}`,
            `\`service-stack:prometheus.retentionTime\` is "0s": ${DURATION}`,
            `\`service-stack:alerting.repeatInterval\` is "1m1h": ${DURATION}`,
            `\`service-stack:alerting.groupInterval\` is "0s": ${DURATION}`,
        ]);
        expect(problems({ prometheus: { retentionTime: "300y" } })).to.deep.equal([`\`service-stack:prometheus.retentionTime\` is "300y": ${DURATION}`]);
        expect(problems({ alerting: { repeatInterval: "99999999999999999999s" } })).to.have.length(1);
        expect(buildSettings(raw({ prometheus: { retentionTime: "1y2w3d4h5m6s7ms" } })).prometheus.retentionTime).to.equal("1y2w3d4h5m6s7ms");
    });

    it("refuses a scrape interval in two units, which Grafana's data source reads as its first", () => {
        expect(problems({ prometheus: { scrapeInterval: "1m30s" } })).to.deep.equal([
            '`service-stack:prometheus.scrapeInterval` is "1m30s": expected a duration in one unit such as `15s` or `1m`: Grafana reads `1m30s` as `1m`.',
        ]);
    });

    it("refuses overflowing or zero sizes, memory below Docker's minimum, and work_mem above the memory limit", () => {
        expect(problems({
            prometheus: { retentionSize: "99999999999EB" },
            resources: { api: { memory: "4MiB" }, grafana: { memory: "99999999999GiB" } },
            postgres: { workMem: "600MiB" },
        })).to.deep.equal([
            '`service-stack:resources.api.memory` is "4MiB": expected a memory size in whole MiB from 6MiB to 1TiB, such as `512MiB` or `2GiB`.',
            '`service-stack:resources.grafana.memory` is "99999999999GiB": expected a memory size in whole MiB from 6MiB to 1TiB, such as `512MiB` or `2GiB`.',
            "`service-stack:postgres.workMem` (600MiB) must be smaller than the PostgreSQL memory limit `resources.postgres.memory` (512MiB).",
            '`service-stack:prometheus.retentionSize` is "99999999999EB": expected a size above zero such as `10GB` (a whole number and B, KB, MB, GB, TB, PB or EB; less than 8EB).',
        ]);
        // 8EB is 2^63 bytes, one more than the int64 Prometheus parses the flag into.
        expect(problems({ prometheus: { retentionSize: "8EB" } })).to.have.length(1);
        expect(problems({ prometheus: { retentionSize: "0GB" } })).to.have.length(1);
        expect(buildSettings(raw({ prometheus: { retentionSize: "7EB" } })).prometheus.retentionSize).to.equal("7EB");
    });

    it("refuses a smarthost port above 65535 or with a leading zero", () => {
        const smarthost = (value: string) => problems({ alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: value } } });
        const expected = "expected `host:port` of the SMTP relay, such as `smtp.example.com:587` (a host name or IPv4 address, a port from 1 to 65535).";
        expect(smarthost("smtp.example.com:65536")).to.deep.equal([`\`service-stack:alerting.email.smarthost\` is "smtp.example.com:65536": ${expected}`]);
        expect(smarthost("smtp.example.com:0587")).to.have.length(1);
        expect(buildSettings(raw({ alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: "10.0.0.5:25" } } })).alerting.email?.smarthost).to.equal("10.0.0.5:25");
    });

    it("refuses a domain whose public names exceed DNS's 253 characters, or on AWS ACM's 64 for the first name", () => {
        const label = "a".repeat(60);
        const long = `${label}.${label}.${label}.${"b".repeat(50)}.example.com`;
        expect(long.length).to.equal(245);
        expect(problems({ domain: long, acmeEmail: "ops@example.com" })).to.deep.equal([
            `\`service-stack:domain\` "${long}" makes the public name alertmanager.${long} 258 characters long: expected a domain short enough for every public name to fit DNS's 253.`,
        ]);
        const acm = "platform.engineering.staging.service.example.com.internal.test";
        expect(problems({ ...ON_AWS, domain: acm, dnsZone: "internal.test" })).to.deep.equal([
            `\`service-stack:domain\` "${acm}" makes the certificate's first name api.${acm} 66 characters long: expected at most 64 on \`aws\`, ACM's limit (a domain of at most 60 characters).`,
        ]);
    });

    it("refuses an image reference over 255 characters", () => {
        const image = `registry.example.com/${"team/".repeat(47)}api:1.4.2`;
        expect(image.length).to.equal(265);
        expect(problems({ images: { api: image } })[0]).to.match(/^`service-stack:images.api` is ".*…: expected an image reference pinned to a version tag, .*, at most 255 characters/);
    });

    it("refuses unknown regions, RDS majors, cache versions without a real parameter group family, and an image whose psql cannot run the role script", () => {
        expect(problems({ ...ON_AWS, images: { ...AWS_API_IMAGE, postgres: "postgres:14.9" }, aws: { pullThroughCache: false, region: "eu-fake-9", postgres: { engineVersion: "19" }, redis: { engineVersion: "6.2" } } })).to.deep.equal([
            '`service-stack:aws.region` is "eu-fake-9": expected an AWS region of the `aws` partition such as `eu-west-1` (one the AWS provider lists; China, GovCloud and isolated regions use endpoints and ARNs the stack does not build).',
            '`service-stack:aws.postgres.engineVersion` is "19": expected a PostgreSQL major version RDS offers (13, 14, 15, 16, 17, 18), alone (`17`) or with a minor version (`17.6`).',
            '`service-stack:aws.redis.engineVersion` is "6.2": expected one of `7.0`, `7.1` for `redis`: ElastiCache versions with a parameter group family and in-transit encryption mode `required`, which the stack sets.',
            "`service-stack:images.postgres` is \"postgres:14.9\": expected on `aws`, an image whose tag starts with its PostgreSQL major version, 15 or later (such as `postgres:17.6`): the API task runs its psql for the RDS role script, which needs psql 15's `\\getenv`.",
        ]);
        expect(problems({ ...ON_AWS, aws: { pullThroughCache: false, region: "cn-north-1" } })).to.have.length(1);
        expect(problems({ ...ON_AWS, aws: { pullThroughCache: false, region: "eu-west-1", redis: { engine: "valkey", engineVersion: "7.1" } } })[0]).to.contain("expected one of `7.2`, `8.0`, `8.1` for `valkey`");
        const accepted = buildSettings(raw({ ...ON_AWS, images: { ...AWS_API_IMAGE, postgres: "postgres:17-alpine" }, aws: { pullThroughCache: false, region: "ap-southeast-5", postgres: { engineVersion: "16.9" }, redis: { engine: "valkey", engineVersion: "8.1" } } }));
        expect(accepted.aws).to.deep.include({ region: "ap-southeast-5" });
        // On Docker the image is only the server: its tag is the team's business.
        expect(buildSettings(raw({ images: { postgres: "registry.example.com/pg:prod-2024" } })).images.postgres).to.equal("registry.example.com/pg:prod-2024");
    });
});

describe("hostile configuration: values that crashed the program deep in the AWS components", () => {
    it("refuses Fargate tasks beyond 16 vCPU or 120 GiB before any resource, naming the keys that add up", () => {
        expect(problems({ ...ON_AWS, resources: { prometheus: { cpus: 16 }, api: { memory: "121GiB" } } })).to.deep.equal([
            "`service-stack:resources`: the Fargate task `api` (with its init container and the `db-roles` container) needs 124160 MiB from `resources.api.memory`: expected at most 122880 MiB (120 GiB), the largest Fargate task.",
            "`service-stack:resources`: the Fargate task `prometheus` (with its init container) needs 16754 CPU units from `resources.prometheus.cpus` + `resources.postgresExporter.cpus` + `resources.redisExporter.cpus` + `resources.blackboxExporter.cpus`: expected at most 16384 (16 vCPU), the largest Fargate task.",
        ]);
        // The same sizes are fine on one Docker host, where no task size applies.
        expect(buildSettings(raw({ resources: { prometheus: { cpus: 16 } } })).resources.prometheus.cpus).to.equal(16);
    });

    it("refuses a uid with leading zeros (root to the kernel), and gids likewise", () => {
        const expected = "expected a numeric `uid` or `uid:gid`, not root: decimal without leading zeros, uid 1 to 2147483647, gid 0 to 2147483647.";
        for (const user of ["00", "00:00", "0010", "10001:007", "2147483648"]) {
            expect(problems({ api: { user } })).to.deep.equal([`\`service-stack:api.user\` is "${user}": ${expected}`]);
        }
        expect(buildSettings(raw({ api: { user: "10001:0" } })).api.user).to.equal("10001:0");
    });
});

describe("hostile configuration: holes in the rules", () => {
    it("refuses passwords longer than bcrypt reads (72 bytes)", () => {
        expect(problems({ passwordLength: 73 })).to.deep.equal(["`service-stack:passwordLength` is 73: expected an integer from 24 to 72."]);
        expect(buildSettings(raw({ passwordLength: 72 })).passwordLength).to.equal(72);
    });

    it("refuses a CA that expires before its certificates", () => {
        expect(problems({ tls: { caValidityDays: 300 } })).to.deep.equal([
            "`service-stack:tls.caValidityDays` (300) must be greater than `tls.certValidityDays` (365): a certificate would outlive the CA that signed it.",
        ]);
    });

    it("refuses API variables the policy pack rejects: credential names by its tokens, credential-looking values", () => {
        expect(problems({ api: { env: { DB_PASS: "hunter2", DATABASE_URL: "postgres://app:s3cret@db:5432/app", BUILD: "Zq3vX9pL2mR7tY4wK8nB6cD1" } } })).to.deep.equal([
            '`service-stack:api.env.DB_PASS` is "[not shown]": expected no credential in plain environment; the stack delivers credentials as files (see README, `*_FILE`).',
            '`service-stack:api.env.DATABASE_URL` is "[not shown]": expected no credential in plain environment, and this value contains a URL with a password (`scheme://user:password@host`); the stack delivers credentials as files (see README, `*_FILE`).',
            '`service-stack:api.env.BUILD` is "[not shown]": expected no credential in plain environment, and this value contains a random-looking 24-character string; the stack delivers credentials as files (see README, `*_FILE`).',
        ]);
        expect(problems({ api: { args: ["serve", "--token=ghp_0123456789abcdefABCDEF0123456789abcd"] } })[0]).to.match(/^`service-stack:api.args\[1\]` is "\[not shown\]": expected no credential on a command line/);
    });

    it("refuses API variables the stack sets itself, whose value would silently lose", () => {
        expect(problems({ images: API_IMAGE, api: { env: { DATABASE_HOST: "db.example.com" } } })).to.deep.equal([
            "`service-stack:api.env.DATABASE_HOST` is \"db.example.com\": expected a variable the stack does not set itself (it sets `ENVIRONMENT`, `PORT`, `RATE_LIMIT_PER_MINUTE`, `TLS_CERT_FILE`, `TLS_KEY_FILE`, `DATABASE_HOST`, `DATABASE_PORT`, `DATABASE_NAME`, `DATABASE_USER`, `DATABASE_PASSWORD_FILE`, `DATABASE_SSLMODE`, `DATABASE_SSLROOTCERT`, `REDIS_URL`, `REDIS_PASSWORD_FILE`, `REDIS_CA_FILE`, `JWT_SIGNING_KEY_FILE`, `METRICS_TOKEN_FILE`, `OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_EXPORTER_OTLP_CERTIFICATE`).",
        ]);
    });

    it("refuses a healthcheck that checks nothing", () => {
        const expected = 'expected a healthcheck that runs a command: `["CMD", <program>, <args>…]` or `["CMD-SHELL", <command>]` (`NONE` switches it off, which the policy pack blocks).';
        expect(problems({ api: { healthcheck: ["NONE"] } })).to.deep.equal([`\`service-stack:api.healthcheck\` is ["NONE"]: ${expected}`]);
        expect(problems({ api: { healthcheck: ["CMD"] } })).to.have.length(1);
        expect(problems({ api: { healthcheck: ["CMD-SHELL", "curl -f http://127.0.0.1:8000/", "extra"] } })).to.have.length(1);
    });

    it("refuses a status label Prometheus keeps for itself", () => {
        expect(problems({ api: { metricNames: { statusLabel: "__name__" } } })).to.deep.equal([
            '`service-stack:api.metricNames.statusLabel` is "__name__": expected a Prometheus label name not starting with `__`.',
        ]);
    });
});
