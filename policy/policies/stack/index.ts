import type { StackValidationPolicy } from "@pulumi/policy";
import { requireDatabaseBackups } from "./backups";
import { requireProtectedStatefulResources } from "./protection";
import { requireAllServices } from "./services";

/** Every stack-wide policy, in the order the pack lists them. */
export const stackPolicies: readonly StackValidationPolicy[] = [
    requireAllServices,
    requireProtectedStatefulResources,
    requireDatabaseBackups,
];
