import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { onTypes } from "../../lib/validations";
import { field, items, readable, text } from "../../lib/values";

interface ReplicationGroupProps {
    authTokenUpdateStrategy?: string;
    atRestEncryptionEnabled?: boolean;
    transitEncryptionEnabled?: boolean;
    authToken?: unknown;
    authTokenWoVersion?: number;
    userGroupIds?: string[];
    automaticFailoverEnabled?: boolean;
    multiAzEnabled?: boolean;
}

/** Requires ElastiCache encryption at rest and in transit, and authentication. */
export const requireElasticacheEncryption: ResourceValidationPolicy = {
    name: "require-elasticache-encryption",
    description: "ElastiCache replication groups encrypt at rest and in transit and require authentication (AUTH token or RBAC user group).",
    remediationSteps: "Set `atRestEncryptionEnabled: true`, `transitEncryptionEnabled: true`, and `authToken` (a secret) or `userGroupIds`.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<ReplicationGroupProps>([AWS.replicationGroup], (group, _args, report) => {
        if (group.atRestEncryptionEnabled !== true) report("Encryption at rest is off.");
        if (group.transitEncryptionEnabled !== true) report("Encryption in transit is off.");
        const token = field(() => group.authToken);
        const hasAuth = (token !== undefined && token !== null && token !== "") || group.authTokenWoVersion !== undefined || readable(items(() => group.userGroupIds)).length > 0;
        if (!hasAuth) report("No authentication: set `authToken` or `userGroupIds`.");
    }),
};

/** Requires ElastiCache replication groups to fail over automatically across availability zones. */
export const requireElasticacheFailover: ResourceValidationPolicy = {
    name: "require-elasticache-failover",
    description: "ElastiCache replication groups fail over automatically across availability zones.",
    remediationSteps: "Set `automaticFailoverEnabled: true`, `multiAzEnabled: true` and at least two cache clusters.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<ReplicationGroupProps>([AWS.replicationGroup], (group, _args, report) => {
        if (group.automaticFailoverEnabled !== true) report("Automatic failover is off.");
        if (group.multiAzEnabled !== true) report("Multi-AZ is off.");
    }),
};

/** Flags an AUTH token rotation left half-done: with ROTATE, the previous token stays valid beside the new one. */
export const requireElasticacheAuthTokenSet: ResourceValidationPolicy = {
    name: "require-elasticache-auth-token-set",
    description: "ElastiCache replication groups apply their AUTH token with `SET`, so only the current token is valid; `ROTATE` (old and new token both valid) belongs only to the change-over of a rotation.",
    remediationSteps: "Once every client uses the new token, set `authTokenUpdateStrategy: \"SET\"` (the stack's `aws.redis.authTokenUpdateStrategy`) and update: ElastiCache then drops the old token.",
    enforcementLevel: "advisory",
    validateResource: onTypes<ReplicationGroupProps>([AWS.replicationGroup], (group, _args, report) => {
        if (text(field(() => group.authTokenUpdateStrategy)) === "ROTATE") report("The AUTH token strategy is ROTATE: the previous token is still accepted.");
    }),
};
