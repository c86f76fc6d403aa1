import { disallowEcsPublicIp } from "../../../policy/policies/aws/ecs";
import { changed, resource, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const service = resource("aws:ecs/service:Service", "stack-api", { name: "api", launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: false } });

specifyResourcePolicy(disallowEcsPublicIp, service, [
    { when: "a service gives its tasks public IPs", input: changed(service, (i) => { i.networkConfiguration.assignPublicIp = true; }), violations: [/^Tasks get public IP addresses \(`networkConfiguration.assignPublicIp`\)\.$/] },
    { when: "a state file holds the flag as text", input: changed(service, (i) => { i.networkConfiguration.assignPublicIp = "true"; }), violations: [/public IP addresses/] },
    { when: "a task set gives its tasks public IPs", input: resource("aws:ecs/taskSet:TaskSet", "stack-api-blue", { networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: true } }), violations: [/public IP addresses/] },
    { when: "the flag is left unset (false)", input: changed(service, (i) => { delete i.networkConfiguration.assignPublicIp; }) },
    { when: "the network configuration is unknown during preview", input: changed(service, (i) => { i.networkConfiguration = UNKNOWN.object; }) },
]);
