import type { Policies } from "@pulumi/policy";
import { awsPolicies } from "./aws";
import { containerPolicies } from "./containers";
import { disallowCredentialsInPlainInputs } from "./disallowCredentialsInPlainInputs";
import { disallowEcsPublicIp } from "./disallowEcsPublicIp";
import { dnsPolicies } from "./dns";
import { dockerEnginePolicies } from "./dockerEngine";
import { networkPolicies } from "./network";
import { requireDatabaseBackups } from "./requireDatabaseBackups";
import { requireEfsEncryption } from "./requireEfsEncryption";
import { requireLbDeletionProtection } from "./requireLbDeletionProtection";
import { requireS3AccessLogging } from "./requireS3AccessLogging";
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
    requireDatabaseBackups,
];
