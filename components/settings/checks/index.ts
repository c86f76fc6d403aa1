import { checkAcrossKeys } from "../crossChecks";
import { ConfigReader } from "../validate";
import { END, Positions } from "../walk";
import { checkReceiverSecrets } from "./alerting";
import { checkApiArgs, checkApiEnv, checkApiHealthcheck } from "./api";
import { checkAwsApiCounts, checkAwsApiInProduction, checkAwsRegion, checkAwsStorage, checkImageSources } from "./aws";
import { checkBackupMaxAge, checkOffsiteCaCertificate, checkOffsiteCredentials, checkOffsiteKmsKey } from "./backup";
import type { CheckInput, CrossKeyCheck } from "./check";
import { checkPostgresMemory, checkRedisMemory, checkTlsInProduction, checkTlsValidity } from "./dataTier";
import { checkAcmeEmail, checkApiImage, checkAwsPlatform, checkDns, checkEdgePorts } from "./stack";

/** Every rule across keys, each after the key it is about; those after the same key report in this order. */
export const CHECKS: readonly CrossKeyCheck[] = [
    { after: "acmeEmail", check: checkAcmeEmail },
    { after: "publicAddress", check: checkDns },
    { after: "edge", check: checkEdgePorts },
    { after: "images", check: checkApiImage },
    { after: "aws.region", check: checkAwsRegion },
    { after: "aws.postgres.maxAllocatedStorageGiB", check: checkAwsStorage },
    { after: "aws.api", check: checkAwsApiCounts },
    { after: "aws.api", check: checkAwsApiInProduction },
    // What `aws` asks of the images and of `domain`, `dnsZone` and `edge`: reported with the AWS keys, as always.
    { after: "aws", check: checkImageSources },
    { after: "aws", check: checkAwsPlatform },
    { after: "tls", check: checkTlsValidity },
    { after: "tls", check: checkTlsInProduction },
    { after: "postgres", check: checkPostgresMemory },
    { after: "redis", check: checkRedisMemory },
    { after: "alerting.slack", check: checkReceiverSecrets.slack },
    { after: "alerting.email", check: checkReceiverSecrets.email },
    { after: "alerting.pagerduty", check: checkReceiverSecrets.pagerduty },
    { after: "alerting.webhook", check: checkReceiverSecrets.webhook },
    { after: "alerting.watchdog", check: checkReceiverSecrets.watchdog },
    { after: "api.args", check: checkApiArgs },
    { after: "api.env", check: checkApiEnv },
    { after: "api.healthcheck", check: checkApiHealthcheck },
    { after: "backup.maxAgeHours", check: checkBackupMaxAge },
    { after: "backup.offsite.kmsKeyId", check: checkOffsiteKmsKey },
    { after: "backup.offsite.caCertificate", check: checkOffsiteCaCertificate },
    { after: "backup.offsite", check: checkOffsiteCredentials },
    // Public host names, the API's environment against the stack's own, and on AWS Fargate task sizes and psql versions.
    { after: END, check: (r, { settings, ctx }) => checkAcrossKeys(r, ctx.project, settings) },
];

/** Runs every check and merges its problems into `r`'s, right after the problems of the key it follows. */
export function runChecks(r: ConfigReader, input: CheckInput, positions: Positions): void {
    const found = new Map<number, string[]>();
    for (const { after, check } of CHECKS) {
        const at = positions.get(after);
        if (at === undefined) throw new Error(`settings check after \`${after}\`: no such key in the schema`);
        const own = new ConfigReader(input.ctx.project);
        check(own, input);
        found.set(at, [...(found.get(at) ?? []), ...own.problems]);
    }
    const merged = [...r.problems.flatMap((problem, i) => [...(found.get(i) ?? []), problem]), ...(found.get(r.problems.length) ?? [])];
    r.problems.splice(0, r.problems.length, ...merged);
}
