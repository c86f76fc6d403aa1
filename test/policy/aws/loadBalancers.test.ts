import { requireLbDeletionProtection } from "../../../policy/policies/aws/loadBalancers";
import { changed, resource } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const lb = resource("aws:lb/loadBalancer:LoadBalancer", "stack-lb", { loadBalancerType: "application", enableDeletionProtection: true, dropInvalidHeaderFields: true });

specifyResourcePolicy(requireLbDeletionProtection, lb, [
    { when: "deletion protection is off", input: changed(lb, (i) => { i.enableDeletionProtection = false; }), violations: [/^Deletion protection is off \(`enableDeletionProtection`\)\.$/] },
    { when: "an ALB-module load balancer leaves it unset", input: resource("aws:alb/loadBalancer:LoadBalancer", "stack-alb", { loadBalancerType: "application" }), violations: [/Deletion protection is off/] },
]);
