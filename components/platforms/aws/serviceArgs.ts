import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { PublicEndpoint, WorkloadName } from "../../settings/types";
import type { WorkloadSpecs } from "../../workloads/catalogue";
import type { DataTier, WorkloadContext } from "../../workloads/description";
import { AwsBase, awsTrustBundlePath, awsTrustBundleUrls, AWS_TRUST_BUNDLE } from "./context";
import type { Credentials } from "./Credentials";
import type { FargateServiceArgs, ServicePlacement } from "./FargateService";
import type { ImageResolver } from "./taskContainers";
import type { TaskFileSources } from "./taskFiles";

/** The endpoints the RDS and ElastiCache certificates name (TLS clients use these, not the namespace's CNAMEs). */
export interface ManagedDataTier {
    readonly postgresAddress: pulumi.Output<string>;
    readonly redisAddress: pulumi.Output<string>;
    /** RDS-managed administrator secret (JSON with `password`). */
    readonly adminSecretArn: pulumi.Output<string>;
}

/** What AwsStack hands every service component; passed whole so the components stay uniform. */
export interface AwsServiceArgs {
    readonly base: AwsBase;
    readonly placement: ServicePlacement;
    readonly files: TaskFileSources;
    readonly images: ImageResolver;
    readonly efs: NonNullable<FargateServiceArgs["efs"]>;
    /** What the workloads' descriptions are built from on AWS (the managed data tier, loopback healthchecks). */
    readonly workloads: WorkloadContext;
    readonly credentials: Credentials;
    readonly data: ManagedDataTier;
    readonly targetGroups: Readonly<Record<PublicEndpoint, aws.lb.TargetGroup>>;
    /** The load balancer's ARN suffix, for request-count scaling. */
    readonly loadBalancerArnSuffix: pulumi.Output<string>;
}

/** The FargateService arguments every service of the stack shares. */
export function sharedServiceArgs(args: AwsServiceArgs): Pick<FargateServiceArgs, "base" | "files" | "images" | "efs" | keyof ServicePlacement> {
    return { base: args.base, files: args.files, images: args.images, efs: args.efs, ...args.placement };
}

/**
 * PostgreSQL and Redis as RDS and ElastiCache, verified with the AWS trust bundle (the RDS regional CAs and the Amazon
 * roots) that each client's init container downloads beside its TLS files; the backup job, which has none, keeps it
 * beside its script.
 */
export function awsDataTier(specs: WorkloadSpecs, region: string, data: ManagedDataTier): DataTier {
    return {
        postgresHost: data.postgresAddress,
        redisHost: data.redisAddress,
        trust: (workload: WorkloadName) => {
            const spec = specs[workload];
            const caFile = "tls" in spec ? awsTrustBundlePath(spec) : `/etc/${workload}/${AWS_TRUST_BUNDLE}`;
            return { caFile, files: [{ path: caFile, source: { kind: "download", urls: awsTrustBundleUrls(region) } }] };
        },
    };
}
