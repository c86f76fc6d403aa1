import type { ResourceValidationPolicy } from "@pulumi/policy";
import { onTypes } from "../../lib/validations";
import { AWS } from "../../lib/awsTypes";

/**
 * Requires deletion protection on load balancers (production): deleting the one public entry point takes every
 * endpoint down, and its DNS name, which the records alias, cannot be recreated.
 */
export const requireLbDeletionProtection: ResourceValidationPolicy = {
    name: "require-lb-deletion-protection",
    description: "Load balancers have deletion protection, so an accidental delete cannot take every public endpoint down.",
    remediationSteps: "Set `enableDeletionProtection: true` on the load balancer (and `protect: true` on the resource); turn it off in a separate, reviewed change before a deliberate delete.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ enableDeletionProtection?: boolean }>([AWS.lb, AWS.alb], (lb, _args, report) => {
        if (lb.enableDeletionProtection !== true) report("Deletion protection is off (`enableDeletionProtection`).");
    }),
};
