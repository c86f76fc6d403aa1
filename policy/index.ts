import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

// Enforcement levels and parameters per environment live in config/<environment>.json
// (`pulumi preview --policy-pack policy --policy-pack-config policy/config/production.json`).
new PolicyPack("service-stack-baseline", {
    description: "Security and operations baseline of service-stack: containers, secrets, TLS, network, DNS, stack and AWS.",
    policies: allPolicies,
});
