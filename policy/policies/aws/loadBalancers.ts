import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { configOf } from "../../lib/config";
import { onTypes } from "../../lib/validations";
import { field, items, readable, text, UNREADABLE } from "../../lib/values";

const LISTENER_DEFAULTS = { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"] };

/** Requires load balancer listeners to serve HTTPS with a TLS 1.2+/1.3 policy, or to redirect HTTP to HTTPS. */
export const requireHttpsListeners: ResourceValidationPolicy = {
    name: "require-https-listeners",
    description: "Load balancer listeners serve HTTPS with a TLS 1.3 security policy (TLS 1.2 minimum), or only redirect HTTP to HTTPS.",
    remediationSteps: "Use `protocol: \"HTTPS\"` with `sslPolicy` from `allowedSslPolicies` and an ACM certificate; a port-80 listener's only action is a `redirect` to HTTPS (HTTP_301).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedSslPolicies: { type: "array", items: { type: "string" }, default: LISTENER_DEFAULTS.allowedSslPolicies } } },
    validateResource: onTypes<{ protocol?: string; sslPolicy?: string; defaultActions?: { type?: string; redirect?: { protocol?: string } }[] }>([AWS.lbListener, AWS.albListener], (listener, args, report) => {
        const { allowedSslPolicies } = configOf(args, LISTENER_DEFAULTS);
        const protocol = String(listener.protocol ?? "HTTP").toUpperCase();
        if (protocol === "HTTPS" || protocol === "TLS") {
            const policy = text(field(() => listener.sslPolicy));
            if (policy === UNREADABLE) return;
            if (!policy || !allowedSslPolicies.includes(policy)) report(`TLS policy ${policy ?? "(default ELBSecurityPolicy-2016-08, which allows TLS 1.0)"} is not allowed; use one of ${allowedSslPolicies.join(", ")}.`);
            return;
        }
        const actions = readable(items(() => listener.defaultActions));
        const redirectsToHttps = actions.length > 0 && actions.every((a) => a.type === "redirect" && String(a.redirect?.protocol ?? "").toUpperCase() === "HTTPS");
        if (!redirectsToHttps) report(`${protocol} listener does more than redirect to HTTPS.`);
    }),
};

/** Requires application load balancers to drop invalid header fields (request smuggling). */
export const requireAlbDropInvalidHeaders: ResourceValidationPolicy = {
    name: "require-alb-drop-invalid-headers",
    description: "Application load balancers drop HTTP headers with invalid names (a request-smuggling defence).",
    remediationSteps: "Set `dropInvalidHeaderFields: true` on the load balancer.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ loadBalancerType?: string; dropInvalidHeaderFields?: boolean }>([AWS.lb, AWS.alb], (lb, args, report) => {
        if ((lb.loadBalancerType ?? "application") !== "application") args.notApplicable("not an application load balancer");
        if (lb.dropInvalidHeaderFields !== true) report("Invalid header fields are passed through (`dropInvalidHeaderFields`).");
    }),
};

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
