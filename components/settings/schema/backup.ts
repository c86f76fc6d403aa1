import { X509Certificate } from "crypto";
import { isPort } from "../grammars";
import { SERVER_SIDE_ENCRYPTIONS } from "../types";
import { custom, integer, key, oneOf, text } from "./kinds";
import { ByEnvironment, group, optionalGroup, SharedRow } from "./nodes";

/** A schedule entry: a UTC time of day, 24-hour `HH:MM`. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** At most one run an hour on average: a dump of a large database takes a while, and each is kept `keepCount` times. */
export const MAX_SCHEDULED_RUNS = 24;

/** Minutes since midnight of each scheduled time, sorted. */
function minutesOfDay(schedule: readonly string[]): number[] {
    return schedule.map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))).sort((a, b) => a - b);
}

/** The longest wait, in minutes, between one scheduled run and the next (across midnight). */
export function longestGapMinutes(schedule: readonly string[]): number {
    const minutes = minutesOfDay(schedule);
    return Math.max(...minutes.map((m, i) => (i + 1 < minutes.length ? minutes[i + 1]! - m : minutes[0]! + 1440 - m)));
}

/**
 * S3's bucket naming rules for new buckets: 3–63 of lower-case letters, digits, dots and hyphens, a letter or digit at
 * each end, no two adjacent dots, not an IPv4 address, none of the reserved prefixes and suffixes.
 */
export function isS3BucketName(text: string): boolean {
    return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(text) && !text.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(text)
        && !/^(xn--|sthree-|amzn-s3-demo-)/.test(text) && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(text);
}

/** An https endpoint of an S3-compatible store: a host name or IPv4 address and an optional port, nothing after. */
function isS3Endpoint(text: string): boolean {
    const match = /^https:\/\/([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::(\d+))?$/.exec(text);
    return match !== null && (match[2] === undefined || isPort(match[2]));
}

/** A key prefix of S3's safe characters, ending in `/`, not starting with one, at most 512 characters. */
function isKeyPrefix(text: string): boolean {
    return /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,510}\/$/.test(text) && !text.includes("//") && !/(^|\/)\.\.?\//.test(text);
}

/** One PEM certificate (and nothing else) that parses and is a CA: what the AWS CLI reads as `AWS_CA_BUNDLE`. */
function isPemCaCertificate(text: string): boolean {
    if (!/^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{1,76}\n)+(?:[A-Za-z0-9+/]{0,75}={0,2}\n)?-----END CERTIFICATE-----\n?$/.test(text)) return false;
    try {
        return new X509Certificate(text).ca;
    } catch {
        return false;
    }
}

const SCHEDULE_EXPECTED = `a list of 1 to ${MAX_SCHEDULED_RUNS} distinct UTC times of day \`HH:MM\` (24-hour), such as \`["02:30"]\``;

/** 1 to 24 distinct times of day, sorted; a list that is not one falls back to the default. */
const timesOfDay = custom<readonly string[]>((r, path, given, fallback) => {
    const listed = r.stringList(path, given, fallback);
    const fits = listed.length >= 1 && listed.length <= MAX_SCHEDULED_RUNS && listed.every((t) => TIME_OF_DAY.test(t)) && new Set(listed).size === listed.length;
    if (listed !== fallback && !fits) r.fail(path, given, SCHEDULE_EXPECTED);
    return fits ? [...listed].sort() : fallback;
});

/** Not a plain text: a PEM holds line breaks, which the grammar pins down instead. */
const pemCaCertificate = custom<string>((r, path, given, fallback) => (typeof given === "string" && isPemCaCertificate(given) ? given
    : r.fail(path, given, "one PEM CA certificate (`-----BEGIN CERTIFICATE-----`, base64 lines of at most 76 characters, `-----END CERTIFICATE-----`), for an endpoint whose certificate a private CA issued") ?? fallback));

const KMS_KEY = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]{1,128}|alias\/[A-Za-z0-9/_-]{1,250})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|alias\/[A-Za-z0-9/_-]{1,250})$/;

/** The off-host copy: an S3 bucket (AWS or S3-compatible); its credentials are secret config. */
const OFFSITE = optionalGroup({
    endpoint: key(text({ accepts: isS3Endpoint, expected: "an https URL of an S3-compatible endpoint: `https://`, a host name or IPv4 address, an optional port, no path (leave it unset for AWS S3)" }), {}),
    region: key(text({ accepts: /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, expected: "a region name such as `eu-west-1` (1 to 32 lower-case letters, digits and hyphens; S3-compatible stores often take `us-east-1`)" }), { required: {} }),
    bucket: key(text({ accepts: isS3BucketName, expected: "an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end, not an IPv4 address" }), { required: {} }),
    prefix: key(text({ accepts: isKeyPrefix, expected: "a key prefix of letters, digits and `! _ . * ' ( ) - /`, ending in `/`, not starting with `/`, without `//`, `./` or `../` segments, at most 512 characters" }), {
        default: (ctx) => `${ctx.project}/${ctx.stack}/`,
    }),
    serverSideEncryption: key(oneOf(SERVER_SIDE_ENCRYPTIONS), { default: "AES256" }),
    kmsKeyId: key(text({ accepts: KMS_KEY, expected: "a KMS key id, key ARN, alias (`alias/…`) or alias ARN" }), {}),
    caCertificate: key(pemCaCertificate, {}),
}, {
    readOrder: ["bucket", "region", "endpoint", "prefix", "serverSideEncryption", "kmsKeyId", "caCertificate"],
    row: {
        type: "`{region, bucket, endpoint?, prefix?, serverSideEncryption?, kmsKeyId?, caCertificate?}`: `region` 1–32 of `a-z 0-9 -`; `bucket` an S3 bucket name (3–63 of `a-z 0-9 . -`, not an IPv4 address); `endpoint` `https://host[:port]` without a path; `prefix` of `A-Z a-z 0-9 ! _ . * ' ( ) - /` ending in `/` (≤ 512); `serverSideEncryption` `AES256` \\| `aws:kms`; `kmsKeyId` a key id, ARN or alias, only with `aws:kms`; `caCertificate` one PEM CA certificate, only with `endpoint`",
        default: "none; `prefix` `<project>/<stack>/`, `serverSideEncryption` `AES256`",
        meaning: "copy every verified dump to S3 or an S3-compatible store (Docker); needs secrets `backupS3AccessKeyId` and `backupS3SecretAccessKey`",
    },
});

const KEEP: SharedRow = {
    type: "integer 1–3650 / 1–1000",
    default: "`7`/`7`, production `30`/`30`",
    meaning: "after each successful run, dumps older than `keepDays` or beyond the newest `keepCount` are removed; the newest is never removed, a failed run removes nothing",
};

/** The Docker platform's backup job: when it runs (UTC), what it keeps, when BackupMissing fires, the off-host copy. */
export const BACKUP_KEYS = {
    backup: group({
        schedule: key(timesOfDay, {
            default: ["02:30"],
            type: "list of 1–24 distinct UTC times of day `HH:MM` (24-hour)",
            meaning: "when the Docker platform's backup job dumps the database (see \"Backups and restore\"); it also takes one at start when none has succeeded yet",
        }),
        // A week of dumps locally and in staging, a month in production.
        keepDays: key(integer(1, 3650), { default: new ByEnvironment({ local: 7, staging: 7, production: 30 }), row: KEEP }),
        keepCount: key(integer(1, 1000), { default: new ByEnvironment({ local: 7, staging: 7, production: 30 }), row: KEEP }),
        maxAgeHours: key(integer(2, 8760), {
            default: 26,
            type: "integer 2–8760, at least the longest wait between two runs of `backup.schedule` plus 1",
            meaning: "`BackupMissing` fires when no run has succeeded for this long",
        }),
        offsite: OFFSITE,
    }, { readOrder: ["schedule", "maxAgeHours", "keepDays", "keepCount", "offsite"] }),
};
