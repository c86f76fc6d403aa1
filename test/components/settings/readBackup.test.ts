import { expect } from "chai";
import { buildSettings } from "../../../components/settings/buildSettings";
import { isS3BucketName, longestGapMinutes } from "../../../components/settings/readBackup";
import { problems, raw } from "../../support/configProblems";
import { TEST_CA_PEM } from "./fixtures/testCa";

const CREDENTIALS = { backupS3AccessKeyId: "AKIAEXAMPLE", backupS3SecretAccessKey: "secret" };
const SECRET = Object.keys(CREDENTIALS);
const OFFSITE = { region: "eu-west-1", bucket: "acme-backups" };
const PRODUCTION = { environment: "production", images: { api: "registry.example.com/api:1.4.2" } };


/** A value as a message shows it: JSON, cut at 160 characters. */
function shown(value: unknown): string {
    const text = JSON.stringify(value);
    return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

const TWENTY_FIVE = Array.from({ length: 25 }, (_, i) => `${String(i % 24).padStart(2, "0")}:${i < 24 ? "00" : "30"}`);

function offsite(fields: Record<string, unknown>): Record<string, unknown> {
    return { backup: { offsite: { ...OFFSITE, ...fields } }, ...CREDENTIALS };
}

describe("buildSettings: the backup job (`backup`)", () => {
    describe("defaults", () => {
        it("runs nightly at 02:30 UTC, keeps a week locally and in staging, a month in production, BackupMissing after 26 hours", () => {
            expect(buildSettings(raw({})).backup).to.deep.equal({ schedule: ["02:30"], keepDays: 7, keepCount: 7, maxAgeHours: 26 });
            expect(buildSettings(raw({ environment: "staging", images: PRODUCTION.images })).backup.keepDays).to.equal(7);
            expect(buildSettings(raw(PRODUCTION)).backup).to.deep.equal({ schedule: ["02:30"], keepDays: 30, keepCount: 30, maxAgeHours: 26 });
        });

        it("runs pg_dump from the stack's PostgreSQL image unless `images.backup` is set", () => {
            expect(buildSettings(raw({ images: { postgres: "postgres:17.6" } })).images.backup).to.equal("postgres:17.6");
            expect(buildSettings(raw({ images: { postgres: "postgres:17.6", backup: "postgres:18.1" } })).images.backup).to.equal("postgres:18.1");
            expect(buildSettings(raw({})).images.backupOffsite).to.equal("amazon/aws-cli:2.27.0");
        });

        it("sorts the schedule and reads the off-host copy with its defaults", () => {
            const s = buildSettings(raw({ backup: { schedule: ["14:00", "02:00"], maxAgeHours: 13, offsite: OFFSITE }, ...CREDENTIALS }, SECRET));
            expect(s.backup).to.deep.equal({
                schedule: ["02:00", "14:00"], keepDays: 7, keepCount: 7, maxAgeHours: 13,
                offsite: { region: "eu-west-1", bucket: "acme-backups", prefix: "service-stack/test/", serverSideEncryption: "AES256" },
            });
        });

        it("takes an S3-compatible endpoint with its private CA, and KMS with a key", () => {
            const s = buildSettings(raw(offsite({ endpoint: "https://minio.internal.example:9000", caCertificate: TEST_CA_PEM, prefix: "db/", serverSideEncryption: "aws:kms", kmsKeyId: "alias/backups" }), SECRET));
            expect(s.backup.offsite).to.deep.include({ endpoint: "https://minio.internal.example:9000", caCertificate: TEST_CA_PEM, prefix: "db/", serverSideEncryption: "aws:kms", kmsKeyId: "alias/backups" });
        });
    });

    describe("bad values, one class each, with the exact message", () => {
        const SCHEDULE = "a list of 1 to 24 distinct UTC times of day `HH:MM` (24-hour), such as `[\"02:30\"]`";
        const cases: [string, Record<string, unknown>, string[]][] = [
            ["a schedule that is not a list", { backup: { schedule: "02:30" } }, ['`service-stack:backup.schedule` is "02:30": expected a list of strings, each without control, format or line-separator characters.']],
            ["a time past 23:59", { backup: { schedule: ["24:00"] } }, [`\`service-stack:backup.schedule\` is ["24:00"]: expected ${SCHEDULE}.`]],
            ["a time without its leading zero", { backup: { schedule: ["2:30"] } }, [`\`service-stack:backup.schedule\` is ["2:30"]: expected ${SCHEDULE}.`]],
            ["the same time twice", { backup: { schedule: ["02:30", "02:30"] } }, [`\`service-stack:backup.schedule\` is ["02:30","02:30"]: expected ${SCHEDULE}.`]],
            ["an empty schedule", { backup: { schedule: [] } }, [`\`service-stack:backup.schedule\` is []: expected ${SCHEDULE}.`]],
            ["more than 24 times", { backup: { schedule: TWENTY_FIVE } }, [`\`service-stack:backup.schedule\` is ${shown(TWENTY_FIVE)}: expected ${SCHEDULE}.`]],
            ["keepDays of 0", { backup: { keepDays: 0 } }, ["`service-stack:backup.keepDays` is 0: expected an integer from 1 to 3650."]],
            ["keepCount as a fraction", { backup: { keepCount: 2.5 } }, ["`service-stack:backup.keepCount` is 2.5: expected an integer from 1 to 1000."]],
            ["maxAgeHours below 2", { backup: { maxAgeHours: 1 } }, ["`service-stack:backup.maxAgeHours` is 1: expected an integer from 2 to 8760."]],
            ["maxAgeHours shorter than the longest wait between runs", { backup: { schedule: ["02:00", "14:00"], maxAgeHours: 12 } }, [
                "`service-stack:backup.maxAgeHours` (12) must be at least 13: the longest wait between two runs of `backup.schedule` is 12h, and BackupMissing would fire on a healthy stack before the next run.",
            ]],
            ["a misspelt key", { backup: { keepDay: 3 } }, ["`service-stack:backup.keepDay` is 3: expected no such key; `backup` takes `schedule`, `keepDays`, `keepCount`, `maxAgeHours`, `offsite`."]],
            ["an off-host copy without a bucket or region", { backup: { offsite: {} }, ...CREDENTIALS }, [
                "`service-stack:backup.offsite.bucket` is undefined: expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end, not an IPv4 address.",
                "`service-stack:backup.offsite.region` is undefined: expected a region name such as `eu-west-1` (1 to 32 lower-case letters, digits and hyphens; S3-compatible stores often take `us-east-1`).",
            ]],
            ["an upper-case bucket", offsite({ bucket: "Acme-Backups" }), ['`service-stack:backup.offsite.bucket` is "Acme-Backups": expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end, not an IPv4 address.']],
            ["a bucket named like an IPv4 address", offsite({ bucket: "192.168.1.1" }), ['`service-stack:backup.offsite.bucket` is "192.168.1.1": expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end, not an IPv4 address.']],
            ["a plain-HTTP endpoint", offsite({ endpoint: "http://minio:9000" }), ['`service-stack:backup.offsite.endpoint` is "http://minio:9000": expected an https URL of an S3-compatible endpoint: `https://`, a host name or IPv4 address, an optional port, no path (leave it unset for AWS S3).']],
            ["an endpoint with a path", offsite({ endpoint: "https://minio:9000/bucket" }), ['`service-stack:backup.offsite.endpoint` is "https://minio:9000/bucket": expected an https URL of an S3-compatible endpoint: `https://`, a host name or IPv4 address, an optional port, no path (leave it unset for AWS S3).']],
            ["a prefix without its trailing slash", offsite({ prefix: "db" }), ['`service-stack:backup.offsite.prefix` is "db": expected a key prefix of letters, digits and `! _ . * \' ( ) - /`, ending in `/`, not starting with `/`, without `//`, `./` or `../` segments, at most 512 characters.']],
            ["a prefix climbing out", offsite({ prefix: "db/../" }), ['`service-stack:backup.offsite.prefix` is "db/../": expected a key prefix of letters, digits and `! _ . * \' ( ) - /`, ending in `/`, not starting with `/`, without `//`, `./` or `../` segments, at most 512 characters.']],
            ["an unknown encryption", offsite({ serverSideEncryption: "none" }), ['`service-stack:backup.offsite.serverSideEncryption` is "none": expected one of `AES256`, `aws:kms`.']],
            ["a KMS key with AES256", offsite({ kmsKeyId: "alias/backups" }), ["`service-stack:backup.offsite.kmsKeyId` is set but `backup.offsite.serverSideEncryption` is `AES256`: a KMS key is used only with `aws:kms`."]],
            ["a KMS key that is no key", offsite({ serverSideEncryption: "aws:kms", kmsKeyId: "my key" }), ['`service-stack:backup.offsite.kmsKeyId` is "my key": expected a KMS key id, key ARN, alias (`alias/…`) or alias ARN.']],
            ["a CA certificate that is not PEM", offsite({ endpoint: "https://minio:9000", caCertificate: "MIIB" }), ['`service-stack:backup.offsite.caCertificate` is "MIIB": expected one PEM CA certificate (`-----BEGIN CERTIFICATE-----`, base64 lines of at most 76 characters, `-----END CERTIFICATE-----`), for an endpoint whose certificate a private CA issued.']],
            ["a CA certificate with something after it", offsite({ endpoint: "https://minio:9000", caCertificate: `${TEST_CA_PEM}# more\n` }), [`\`service-stack:backup.offsite.caCertificate\` is ${shown(`${TEST_CA_PEM}# more\n`)}: expected one PEM CA certificate (\`-----BEGIN CERTIFICATE-----\`, base64 lines of at most 76 characters, \`-----END CERTIFICATE-----\`), for an endpoint whose certificate a private CA issued.`]],
            ["a CA certificate for AWS S3", offsite({ caCertificate: TEST_CA_PEM }), ["`service-stack:backup.offsite.caCertificate` is set but `backup.offsite.endpoint` is not: AWS S3 serves publicly trusted certificates."]],
        ];
        for (const [what, values, expected] of cases) {
            it(what, () => expect(problems(values, SECRET)).to.deep.equal(expected));
        }

        it("an off-host copy without its credentials, or with them in plain text", () => {
            expect(problems({ backup: { offsite: OFFSITE } })).to.deep.equal([
                "`service-stack:backupS3AccessKeyId` is required when `backup.offsite` is set: set it with `pulumi config set --secret backupS3AccessKeyId …`.",
                "`service-stack:backupS3SecretAccessKey` is required when `backup.offsite` is set: set it with `pulumi config set --secret backupS3SecretAccessKey …`.",
            ]);
            expect(problems({ backup: { offsite: OFFSITE }, ...CREDENTIALS }, ["backupS3AccessKeyId"])).to.deep.equal([
                "`service-stack:backupS3SecretAccessKey` is stored in plain text: set it with `pulumi config set --secret backupS3SecretAccessKey …`.",
            ]);
        });

        it("the backup images and sizes, like every workload's", () => {
            expect(problems({ images: { backup: "postgres:latest", backupOffsite: "amazon/aws-cli" } })).to.deep.equal([
                '`service-stack:images.backup` is "postgres:latest": expected an image reference pinned to a version tag, such as `postgres:18.1` or `postgres:18.1@sha256:<64 hex>`, at most 255 characters (no tag, or `latest`, is not pinned).',
                '`service-stack:images.backupOffsite` is "amazon/aws-cli": expected an image reference pinned to a version tag, such as `postgres:18.1` or `postgres:18.1@sha256:<64 hex>`, at most 255 characters (no tag, or `latest`, is not pinned).',
            ]);
            expect(problems({ resources: { backup: { memory: "4MiB" }, backupOffsite: { cpus: 0 } } })).to.deep.equal([
                '`service-stack:resources.backup.memory` is "4MiB": expected a memory size in whole MiB from 6MiB to 1TiB, such as `512MiB` or `2GiB`.',
                "`service-stack:resources.backupOffsite.cpus` is 0: expected a number from 0.05 to 64.",
            ]);
        });

        it("an RDS major without pg_read_all_data on AWS", () => {
            const aws = { platform: "aws", domain: "example.com", dnsZone: "example.com", images: { api: "registry.example.com/api:1.4.2" }, aws: { region: "eu-west-1", pullThroughCache: false, postgres: { engineVersion: "13" } } };
            expect(problems(aws)).to.deep.equal([
                '`service-stack:aws.postgres.engineVersion` is "13": expected 14 or later on `aws`: the backup task dumps as a member of pg_read_all_data, which PostgreSQL 14 introduced.',
            ]);
        });

        it("a role name the backup job's role has", () => {
            expect(problems({ postgres: { appUser: "postgres_backup" } })[0]).to.match(/^`service-stack:postgres.appUser` is "postgres_backup": expected a role of its own: not .*`postgres_backup`/);
        });
    });

    describe("helpers", () => {
        it("finds the longest wait between scheduled runs, across midnight", () => {
            expect(longestGapMinutes(["02:30"])).to.equal(1440);
            expect(longestGapMinutes(["02:00", "14:00"])).to.equal(720);
            expect(longestGapMinutes(["23:00", "01:00", "02:00"])).to.equal(21 * 60);
        });

        it("knows S3's bucket names", () => {
            for (const ok of ["abc", "acme-backups", "a.b-c.d", "x".repeat(63)]) expect(isS3BucketName(ok), ok).to.equal(true);
            for (const bad of ["ab", "-abc", "abc-", "a..b", "x".repeat(64), "xn--abc", "abc-s3alias", "ABC", "a_b"]) expect(isS3BucketName(bad), bad).to.equal(false);
        });
    });
});
