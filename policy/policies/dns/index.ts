import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { limitDnsRecordTtl, requireDnsRecordsForPublicHostnames } from "./records";

/** Every DNS policy, in the order the pack lists them. */
export const dnsPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    requireDnsRecordsForPublicHostnames,
    limitDnsRecordTtl,
];
