import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { requireAcmDnsValidation } from "./acm";
import { requireLogGroupRetentionAndKms } from "./cloudwatchLogs";
import { disallowAnonymousDockerHubPulls, disallowEcsPlaintextSecrets, disallowEcsPublicIp, requireEcsContainerHardening } from "./ecs";
import { requireEfsEncryption } from "./efs";
import { requireElasticacheAuthTokenSet, requireElasticacheEncryption, requireElasticacheFailover } from "./elasticache";
import { requireKmsKeyRotation } from "./kms";
import { requireAlbDropInvalidHeaders, requireHttpsListeners, requireLbDeletionProtection } from "./loadBalancers";
import { requireValidAwsNames } from "./names";
import { disallowPublicRds, requireRdsBackups, requireRdsDeletionProtection, requireRdsEncryption, requireRdsForceSsl, requireRdsMultiAz } from "./rds";
import { requireS3AccessLogging, requireS3BucketProtection } from "./s3";
import { requireSecretsManagerKms } from "./secretsManager";
import { requireValidSecurityGroupDescriptions, restrictSecurityGroupIngress } from "./securityGroups";

/** Every AWS policy, in the order the pack lists them. */
export const awsPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    requireRdsEncryption,
    disallowPublicRds,
    requireRdsBackups,
    requireRdsDeletionProtection,
    requireRdsMultiAz,
    requireRdsForceSsl,
    requireElasticacheEncryption,
    requireElasticacheFailover,
    requireElasticacheAuthTokenSet,
    restrictSecurityGroupIngress,
    requireHttpsListeners,
    requireAlbDropInvalidHeaders,
    requireAcmDnsValidation,
    disallowEcsPlaintextSecrets,
    requireEcsContainerHardening,
    requireLogGroupRetentionAndKms,
    requireSecretsManagerKms,
    requireKmsKeyRotation,
    requireS3BucketProtection,
    requireValidAwsNames,
    requireValidSecurityGroupDescriptions,
    disallowAnonymousDockerHubPulls,
    requireS3AccessLogging,
    requireEfsEncryption,
    requireLbDeletionProtection,
    disallowEcsPublicIp,
];
