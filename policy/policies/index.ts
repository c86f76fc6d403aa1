import type { Policies } from "@pulumi/policy";
import { awsPolicies } from "./aws";
import { containerPolicies } from "./containers";
import { disallowCredentialsInPlainInputs } from "./secrets/credentialsInInputs";
import { disallowEcsPublicIp } from "./aws/ecs";
import { dnsPolicies } from "./dns";
import { dockerEnginePolicies } from "./dockerEngine";
import { networkPolicies } from "./network";
import { requireEfsEncryption } from "./aws/efs";
import { requireLbDeletionProtection } from "./aws/loadBalancers";
import { requireS3AccessLogging } from "./aws/s3";
import { secretPolicies } from "./secrets";
import { stackPolicies } from "./stack";
import { tlsPolicies } from "./tls";

/** Every policy of the pack, by domain. The pack (../index.ts), the offline check and the tests all use this list. */
export const allPolicies: Policies = [
    ...containerPolicies,
    ...dockerEnginePolicies,
    ...secretPolicies,
    disallowCredentialsInPlainInputs,
    ...tlsPolicies,
    ...networkPolicies,
    ...dnsPolicies,
    ...stackPolicies,
    ...awsPolicies,
    requireS3AccessLogging,
    requireEfsEncryption,
    requireLbDeletionProtection,
    disallowEcsPublicIp,
];
