import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { requireSecurityHeaders, requireTlsOnPublicEndpoints } from "./edge";
import { disallowPublishedDataPorts, requireExplicitBindAddress } from "./publishedPorts";

/** Every network policy, in the order the pack lists them. */
export const networkPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    disallowPublishedDataPorts,
    requireExplicitBindAddress,
    requireSecurityHeaders,
    requireTlsOnPublicEndpoints,
];
