import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_IMAGE_WORKLOADS } from "../../settings/readAws";
import type { StackSecrets } from "../../settings/types";
import { AWS_CLI_IMAGE, AwsBase, boundedAwsName, storedSecret } from "./context";
import type { ImageResolver, PulledImage } from "./taskContainers";
import { CACHE_PREFIX_MAX, CachedUpstream, cachedImage, imageSource, pullPolicy, upstreamsInUse } from "./imageSources";

export interface RegistriesArgs {
    readonly base: AwsBase;
    /** `dockerHubAccessToken` and `teamRegistryPassword` from stack config. */
    readonly secrets: StackSecrets;
}

/** Every image reference the stack's tasks run, as configured (before the cache rewrites them). */
export function stackImages(base: Pick<AwsBase, "settings">): string[] {
    return [...AWS_IMAGE_WORKLOADS.map((w) => base.settings.images[w]), AWS_CLI_IMAGE];
}

/** True when a cache rule of the stack reads upstream credentials from Secrets Manager (Docker Hub). */
export function cacheReadsCredentials(base: Pick<AwsBase, "settings">): boolean {
    const { settings } = base;
    return (settings.aws?.pullThroughCache ?? false) && upstreamsInUse(stackImages(base), pullPolicy(settings)).some((u) => u.credentials);
}

/** The repository prefix of one upstream's cache rule: per stack (rules are per account and region), at most 30 characters. */
export function cachePrefix(base: Pick<AwsBase, "settings">, upstream: CachedUpstream): string {
    return boundedAwsName(base.settings, upstream.suffix, CACHE_PREFIX_MAX).toLowerCase();
}

/**
 * Where the tasks' images come from: an ECR pull-through cache rule per upstream the stack's images use (Docker Hub
 * with the configured account, Quay, ECR Public), so tasks pull from this account's ECR through the VPC endpoints
 * and no task start pulls anonymously from the internet; and the team registry's credentials in Secrets Manager
 * for `repositoryCredentials`. Resolves each configured image to the reference a task pulls.
 */
export class Registries extends pulumi.ComponentResource implements ImageResolver {
    public readonly cacheRules: aws.ecr.PullThroughCacheRule[];
    /** Repositories the cache may create on a first pull, for the execution roles. */
    public readonly importRepositoryArns: pulumi.Output<string[]>;
    private readonly teamCredentialsArn?: pulumi.Output<string>;
    private readonly registryHost: pulumi.Output<string>;
    private readonly base: AwsBase;

    constructor(name: string, args: RegistriesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Registries", name, {}, opts);
        const { base } = args;
        const awsSettings = base.aws;
        this.base = base;
        const policy = pullPolicy(base.settings);
        const upstreams = awsSettings.pullThroughCache ? upstreamsInUse(stackImages(base), policy) : [];

        this.cacheRules = upstreams.map((upstream) => {
            let credentialArn: pulumi.Output<string> | undefined;
            let dependsOn: pulumi.Resource[] = [];
            if (upstream.credentials) {
                if (!awsSettings.dockerHubUsername || !args.secrets.dockerHubAccessToken) throw new Error("Registries: the Docker Hub cache needs `aws.dockerHubUsername` and `dockerHubAccessToken`; buildSettings requires both.");
                // ECR reads upstream credentials only from secrets named `ecr-pullthroughcache/…`.
                const value = pulumi.all([args.secrets.dockerHubAccessToken]).apply(([accessToken]) => JSON.stringify({ username: awsSettings.dockerHubUsername, accessToken }));
                const { secret, version } = storedSecret(`${name}-${upstream.id}`, `ecr-pullthroughcache/${base.settings.namePrefix}/${upstream.id}`, value, base, this);
                credentialArn = secret.arn;
                dependsOn = [version];
            }
            return new aws.ecr.PullThroughCacheRule(`${name}-${upstream.id}`, {
                ecrRepositoryPrefix: cachePrefix(base, upstream),
                upstreamRegistryUrl: upstream.url,
                ...(credentialArn ? { credentialArn } : {}),
            }, { parent: this, dependsOn });
        });

        const { partition, accountId, region } = base.account;
        this.registryHost = pulumi.all([accountId, partition]).apply(([account, p]) => `${account}.dkr.ecr.${region}.${p === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`);
        this.importRepositoryArns = pulumi.all([accountId, partition]).apply(([account, p]) => upstreams.map((u) => `arn:${p}:ecr:${region}:${account}:repository/${cachePrefix(base, u)}/*`));

        if (awsSettings.teamRegistryUsername) {
            if (!args.secrets.teamRegistryPassword) throw new Error("Registries: `aws.teamRegistryUsername` needs `teamRegistryPassword`; buildSettings requires it.");
            // The form ECS reads for `repositoryCredentials`.
            const value = pulumi.all([args.secrets.teamRegistryPassword]).apply(([password]) => JSON.stringify({ username: awsSettings.teamRegistryUsername, password }));
            this.teamCredentialsArn = storedSecret(`${name}-team-registry`, `${base.settings.namePrefix}/registries/team`, value, base, this).secret.arn;
        }

        this.registerOutputs({ cacheRules: this.cacheRules, importRepositoryArns: this.importRepositoryArns });
    }

    /** The reference a task pulls for a configured image, and the credentials secret when it needs one. */
    pull(image: string): PulledImage {
        const source = imageSource(image, pullPolicy(this.base.settings));
        switch (source.kind) {
            case "ecr":
            case "anonymous":
                return { image };
            case "team-registry":
                return { image, credentialsArn: this.teamCredentialsArn };
            case "cache":
                return { image: this.registryHost.apply((host) => cachedImage(source.ref, host, cachePrefix(this.base, source.upstream))) };
            case "unsupported":
                throw new Error(`Registries: ECR cannot pull ${image} (registry ${source.ref.registry}); buildSettings refuses such images on aws.`);
        }
    }
}
