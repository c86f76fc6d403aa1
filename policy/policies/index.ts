import type { Policies } from "@pulumi/policy";
import { awsPolicies } from "./aws";
import { containerPolicies } from "./containers";
import { dnsPolicies } from "./dns";
import { dockerEnginePolicies } from "./dockerEngine";
import { networkPolicies } from "./network";
import { secretPolicies } from "./secrets";
import { stackPolicies } from "./stack";
import { tlsPolicies } from "./tls";

/** Every policy of the pack, by domain. The pack (../index.ts), the offline check and the tests all use this list. */
export const allPolicies: Policies = [
    ...containerPolicies,
    ...dockerEnginePolicies,
    ...secretPolicies,
    ...tlsPolicies,
    ...networkPolicies,
    ...dnsPolicies,
    ...stackPolicies,
    ...awsPolicies,
];
