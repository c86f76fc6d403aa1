import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { GeneratedSecrets } from "../../secrets/GeneratedSecrets";
import type { WorkloadSpec } from "../../workloads/catalogue";
import type { PublicEndpoint, SecretKey, StackSecrets } from "../../settings/types";
import type { IssuedCertificate } from "../../tls/InternalCa";
import type { EfsService } from "./Cluster";
import { awsTrustBundlePath, awsTrustBundleUrls, AwsBase } from "./context";
import type { Credential } from "./Credentials";
import type { FargateServiceArgs, ServiceFile, StoredSecretRef } from "./FargateService";

/** Where the services run and what they share; passed whole so the service components stay uniform. */
export interface AwsServiceArgs {
    readonly base: AwsBase;
    readonly runtime: Pick<FargateServiceArgs, "clusterArn" | "namespaceId" | "subnetIds" | "securityGroupIds" | "configBucket" | "images">;
    readonly caCertPem: pulumi.Output<string>;
    readonly certificates: Readonly<Record<string, IssuedCertificate>>;
    readonly credentials: Readonly<Record<Credential, StoredSecretRef>>;
    /** Receiver secrets from stack config, stored in Secrets Manager. */
    readonly receiverSecrets: Readonly<Partial<Record<SecretKey, StoredSecretRef>>>;
    readonly generated: GeneratedSecrets;
    readonly configSecrets: StackSecrets;
    /** Endpoints the RDS and ElastiCache certificates name (TLS clients must use these, not the catalogue CNAMEs). */
    readonly data: {
        readonly postgresAddress: pulumi.Output<string>;
        readonly redisAddress: pulumi.Output<string>;
        /** RDS-managed administrator secret (JSON with `password`). */
        readonly adminSecretArn: pulumi.Output<string>;
    };
    readonly targetGroups: Readonly<Record<PublicEndpoint, aws.lb.TargetGroup>>;
    /** The load balancer's ARN suffix, for request-count scaling. */
    readonly loadBalancerArnSuffix: pulumi.Output<string>;
    readonly efs: {
        readonly fileSystemId: pulumi.Output<string>;
        readonly fileSystemArn: pulumi.Output<string>;
        readonly accessPoints: Readonly<Record<EfsService, aws.efs.AccessPoint>>;
    };
}

/** A workload's certificate and CA (configuration) and private key (a secret only its task reads). */
export function tlsFiles(spec: WorkloadSpec, material: IssuedCertificate, caCertPem: pulumi.Output<string>): ServiceFile[] {
    return [
        { path: spec.tls.cert, kind: "config", content: material.certPem },
        { path: spec.tls.key, kind: "secret", value: material.privateKeyPem },
        { path: spec.tls.ca, kind: "config", content: caCertPem },
    ];
}

/** The AWS trust bundle (RDS regional CAs, Amazon roots) beside a workload's CA file. */
export function awsTrustFile(spec: WorkloadSpec, region: string): ServiceFile {
    return { path: awsTrustBundlePath(spec), kind: "download", urls: awsTrustBundleUrls(region) };
}

/** The EFS volume of a stateful service, for FargateServiceArgs.efs. */
export function efsVolume(args: AwsServiceArgs, service: EfsService): NonNullable<FargateServiceArgs["efs"]> {
    const accessPoint = args.efs.accessPoints[service];
    return {
        fileSystemId: args.efs.fileSystemId,
        fileSystemArn: args.efs.fileSystemArn,
        volumes: [{ name: `${service}-data`, accessPointId: accessPoint.id, accessPointArn: accessPoint.arn }],
    };
}
