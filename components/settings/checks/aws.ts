import { imageSource, parseImage } from "../../platforms/aws/imageSources";
import type { WorkloadName } from "../types";
import type { ConfigReader } from "../validate";
import type { CheckInput } from "./check";

/**
 * The images the AWS platform runs (`postgres` for its psql client, `backup` for the pre-deploy pg_dump; Redis, the host
 * exporters and Caddy do not run there, and the backup task's upload uses the AWS CLI image every task's init uses).
 */
export const AWS_IMAGE_WORKLOADS: readonly WorkloadName[] = ["postgres", "api", "prometheus", "grafana", "alertmanager", "jaeger", "postgresExporter", "redisExporter", "blackboxExporter", "backup"];

/** On `aws` the explicit provider needs a region. */
export function checkAwsRegion(r: ConfigReader, { ctx }: CheckInput): void {
    if (ctx.platform === "aws" && !ctx.given("aws.region")) {
        r.conflict(`\`${ctx.project}:aws.region\` is required when \`platform\` is \`aws\`: set the region the stack runs in, e.g. \`eu-west-1\`.`);
    }
}

/** Storage autoscaling grows from the allocation, never below it. */
export function checkAwsStorage(r: ConfigReader, { values, ctx }: CheckInput): void {
    const { allocatedStorageGiB, maxAllocatedStorageGiB } = values.aws.postgres;
    if (maxAllocatedStorageGiB < allocatedStorageGiB) {
        r.conflict(`\`${ctx.project}:aws.postgres.maxAllocatedStorageGiB\` (${maxAllocatedStorageGiB}) must be at least \`aws.postgres.allocatedStorageGiB\` (${allocatedStorageGiB}).`);
    }
}

/** Autoscaling moves the API's task count between its two bounds. */
export function checkAwsApiCounts(r: ConfigReader, { values, ctx }: CheckInput): void {
    const { minCount, desiredCount, maxCount } = values.aws.api;
    if (!(minCount <= desiredCount && desiredCount <= maxCount)) {
        r.conflict(`\`${ctx.project}:aws.api.minCount\` (${minCount}) ≤ \`aws.api.desiredCount\` (${desiredCount}) ≤ \`aws.api.maxCount\` (${maxCount}) must hold: autoscaling moves the task count between the two bounds.`);
    }
}

/** Production runs at least two API tasks, so a zone failure leaves a running one. */
export function checkAwsApiInProduction(r: ConfigReader, { values, ctx }: CheckInput): void {
    if (ctx.environment === "production" && values.aws.api.minCount < 2) {
        r.fail("aws.api.minCount", ctx.raw("aws.api.minCount"), "at least 2 in production, so a zone failure leaves a running task");
    }
}

/**
 * Every image the AWS platform runs has a source a task can pull from without anonymous internet pulls: this account's
 * ECR, an upstream ECR caches (Docker Hub needs `aws.dockerHubUsername` and `dockerHubAccessToken`), or the team
 * registry with `aws.teamRegistryUsername` and `teamRegistryPassword`. With the cache off, images are pulled as written
 * (the policy pack then flags anonymous Docker Hub pulls).
 */
export function checkImageSources(r: ConfigReader, { settings, ctx }: CheckInput): void {
    const { aws, images } = settings;
    if (!aws) return;
    const policy = { pullThroughCache: aws.pullThroughCache, teamRegistry: aws.teamRegistryUsername ? parseImage(images.api).registry : undefined };
    let dockerHub = false;
    for (const workload of AWS_IMAGE_WORKLOADS) {
        const source = imageSource(images[workload], policy);
        if (source.kind === "cache" && source.upstream.credentials) dockerHub = true;
        if (source.kind === "unsupported") {
            r.fail(`images.${workload}`, images[workload], `on \`aws\` an image ECR can pull: from Docker Hub, Quay or ECR Public (through the pull-through cache), from an ECR registry, or from the team registry of \`images.api\` with \`aws.teamRegistryUsername\` set; ECR cannot cache ${source.ref.registry}`);
        }
    }
    if (dockerHub && !aws.dockerHubUsername) {
        r.conflict(`\`${ctx.project}:aws.dockerHubUsername\` is required when images come from Docker Hub through the pull-through cache: ECR pulls from Docker Hub only with an account (set \`aws.pullThroughCache: false\` to pull anonymously instead).`);
    }
    if ((dockerHub || aws.dockerHubUsername) && aws.pullThroughCache && !ctx.given("dockerHubAccessToken")) {
        r.conflict(`\`${ctx.project}:dockerHubAccessToken\` is required for the Docker Hub pull-through cache: set it with \`pulumi config set --secret dockerHubAccessToken …\` (a Docker Hub access token with read-only scope).`);
    }
    if (aws.teamRegistryUsername && !ctx.given("teamRegistryPassword")) {
        r.conflict(`\`${ctx.project}:teamRegistryPassword\` is required when \`aws.teamRegistryUsername\` is set: set it with \`pulumi config set --secret teamRegistryPassword …\`.`);
    }
}
