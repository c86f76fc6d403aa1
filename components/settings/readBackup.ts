import { X509Certificate } from "crypto";
import { isPort } from "./grammars";
import { BackupOffsiteSettings, BackupSecretKey, BackupSettings, Environment, SERVER_SIDE_ENCRYPTIONS } from "./types";
import { ConfigReader } from "./validate";

/** Keys of the `backup` config object, and of `backup.offsite`. */
export const BACKUP_CONFIG_KEYS = ["schedule", "keepDays", "keepCount", "maxAgeHours", "offsite"] as const;
export const BACKUP_OFFSITE_KEYS = ["endpoint", "region", "bucket", "prefix", "serverSideEncryption", "kmsKeyId", "caCertificate"] as const;

/** A schedule entry: a UTC time of day, 24-hour `HH:MM`. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** At most one run an hour on average: a dump of a large database takes a while, and each is kept `keepCount` times. */
export const MAX_SCHEDULED_RUNS = 24;
/** BackupMissing must leave the longest gap between two scheduled runs this much room for the run itself. */
const MAX_AGE_SLACK_HOURS = 1;

/** Defaults per environment: a nightly run, a week of dumps locally and in staging, a month in production. */
const DEFAULTS: Readonly<Record<Environment, Omit<BackupSettings, "offsite">>> = {
    local: { schedule: ["02:30"], keepDays: 7, keepCount: 7, maxAgeHours: 26 },
    staging: { schedule: ["02:30"], keepDays: 7, keepCount: 7, maxAgeHours: 26 },
    production: { schedule: ["02:30"], keepDays: 30, keepCount: 30, maxAgeHours: 26 },
};

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

/** Reads `backup.offsite`; the credentials are secret config (`backupS3AccessKeyId`, `backupS3SecretAccessKey`). */
function readOffsite(r: ConfigReader, project: string, stack: string, value: unknown, hasSecret: (key: BackupSecretKey) => boolean): BackupOffsiteSettings | undefined {
    if (value === undefined) return undefined;
    const o = r.object("backup.offsite", value, BACKUP_OFFSITE_KEYS);
    const required = (key: string, given: unknown, text: string | undefined, expected: string) => {
        if (given === undefined) r.fail(`backup.offsite.${key}`, undefined, expected);
        return text;
    };
    const BUCKET = "an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end, not an IPv4 address";
    const REGION = "a region name such as `eu-west-1` (1 to 32 lower-case letters, digits and hyphens; S3-compatible stores often take `us-east-1`)";
    const bucket = required("bucket", o.bucket, r.string("backup.offsite.bucket", o.bucket, undefined, isS3BucketName, BUCKET), BUCKET);
    const region = required("region", o.region, r.string("backup.offsite.region", o.region, undefined, /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, REGION), REGION);
    const endpoint = r.string("backup.offsite.endpoint", o.endpoint, undefined, isS3Endpoint, "an https URL of an S3-compatible endpoint: `https://`, a host name or IPv4 address, an optional port, no path (leave it unset for AWS S3)");
    const prefix = r.string("backup.offsite.prefix", o.prefix, `${project}/${stack}/`, isKeyPrefix, "a key prefix of letters, digits and `! _ . * ' ( ) - /`, ending in `/`, not starting with `/`, without `//`, `./` or `../` segments, at most 512 characters");
    const serverSideEncryption = r.oneOf("backup.offsite.serverSideEncryption", o.serverSideEncryption, SERVER_SIDE_ENCRYPTIONS, "AES256");
    const kmsKeyId = r.string("backup.offsite.kmsKeyId", o.kmsKeyId, undefined, /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]{1,128}|alias\/[A-Za-z0-9/_-]{1,250})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|alias\/[A-Za-z0-9/_-]{1,250})$/, "a KMS key id, key ARN, alias (`alias/…`) or alias ARN");
    if (kmsKeyId !== undefined && serverSideEncryption !== "aws:kms") r.conflict(`\`${project}:backup.offsite.kmsKeyId\` is set but \`backup.offsite.serverSideEncryption\` is \`${serverSideEncryption}\`: a KMS key is used only with \`aws:kms\`.`);
    r.keysRead.add("backup.offsite.caCertificate");
    const caCertificate = o.caCertificate === undefined ? undefined
        : typeof o.caCertificate === "string" && isPemCaCertificate(o.caCertificate) ? o.caCertificate
            : r.fail("backup.offsite.caCertificate", o.caCertificate, "one PEM CA certificate (`-----BEGIN CERTIFICATE-----`, base64 lines of at most 76 characters, `-----END CERTIFICATE-----`), for an endpoint whose certificate a private CA issued");
    if (caCertificate !== undefined && o.endpoint === undefined) r.conflict(`\`${project}:backup.offsite.caCertificate\` is set but \`backup.offsite.endpoint\` is not: AWS S3 serves publicly trusted certificates.`);
    for (const key of ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const) {
        if (!hasSecret(key)) r.conflict(`\`${project}:${key}\` is required when \`backup.offsite\` is set: set it with \`pulumi config set --secret ${key} …\`.`);
    }
    if (!bucket || !region) return undefined;
    return { region, bucket, prefix, serverSideEncryption, ...(endpoint ? { endpoint } : {}), ...(kmsKeyId ? { kmsKeyId } : {}), ...(caCertificate ? { caCertificate } : {}) };
}

/**
 * Reads the `backup` object: when the Docker platform's backup job runs (UTC times of day), how long and how many
 * dumps it keeps, after how long without a successful run BackupMissing fires, and the optional off-host copy.
 */
export function readBackup(r: ConfigReader, raw: { project: string; stack: string; hasSecret: (key: BackupSecretKey) => boolean }, value: unknown, environment: Environment): BackupSettings {
    const b = r.object("backup", value, BACKUP_CONFIG_KEYS);
    const defaults = DEFAULTS[environment];
    const SCHEDULE = `a list of 1 to ${MAX_SCHEDULED_RUNS} distinct UTC times of day \`HH:MM\` (24-hour), such as \`["02:30"]\``;
    const listed = r.stringList("backup.schedule", b.schedule, defaults.schedule);
    const scheduleOk = listed.length >= 1 && listed.length <= MAX_SCHEDULED_RUNS && listed.every((t) => TIME_OF_DAY.test(t)) && new Set(listed).size === listed.length;
    if (b.schedule !== undefined && listed !== defaults.schedule && !scheduleOk) r.fail("backup.schedule", b.schedule, SCHEDULE);
    const schedule = scheduleOk ? [...listed].sort() : defaults.schedule;
    const maxAgeHours = r.number("backup.maxAgeHours", b.maxAgeHours, defaults.maxAgeHours, 2, 8760);
    const gapHours = longestGapMinutes(schedule) / 60;
    if (maxAgeHours < gapHours + MAX_AGE_SLACK_HOURS) {
        r.conflict(`\`${raw.project}:backup.maxAgeHours\` (${maxAgeHours}) must be at least ${Math.ceil(gapHours + MAX_AGE_SLACK_HOURS)}: the longest wait between two runs of \`backup.schedule\` is ${gapHours}h, and BackupMissing would fire on a healthy stack before the next run.`);
    }
    return {
        schedule,
        keepDays: r.number("backup.keepDays", b.keepDays, defaults.keepDays, 1, 3650),
        keepCount: r.number("backup.keepCount", b.keepCount, defaults.keepCount, 1, 1000),
        maxAgeHours,
        ...((o) => (o ? { offsite: o } : {}))(readOffsite(r, raw.project, raw.stack, b.offsite, raw.hasSecret)),
    };
}
