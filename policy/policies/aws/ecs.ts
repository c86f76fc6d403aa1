import type { ResourceValidationPolicy } from "@pulumi/policy";
import { onTypes } from "../../lib/validations";
import { field } from "../../lib/values";

/** Type tokens of what places ECS tasks on subnets (@pulumi/aws v7). */
export const ECS_PLACEMENTS = ["aws:ecs/service:Service", "aws:ecs/taskSet:TaskSet"];

/**
 * Forbids public IP addresses on ECS tasks: a task with one is reachable from the internet past the load balancer
 * (its WAF, TLS policy and access logs) wherever a security group rule lets traffic in.
 */
export const disallowEcsPublicIp: ResourceValidationPolicy = {
    name: "disallow-ecs-public-ip",
    description: "ECS services and task sets run their tasks without public IP addresses (`networkConfiguration.assignPublicIp` is not true); the load balancer is the only way in.",
    remediationSteps: "Set `networkConfiguration.assignPublicIp: false` and place the tasks in private subnets, reaching the internet (image pulls, AWS APIs) through NAT gateways or VPC endpoints.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ networkConfiguration?: { assignPublicIp?: boolean } }>(ECS_PLACEMENTS, (placement, _args, report) => {
        // A state export may hold the flag as the string "true".
        const assign = field(() => placement.networkConfiguration?.assignPublicIp) as unknown;
        if (assign === true || assign === "true") report("Tasks get public IP addresses (`networkConfiguration.assignPublicIp`).");
    }),
};
