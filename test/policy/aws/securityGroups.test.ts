import { AWS } from "../../../policy/lib/awsTypes";
import { requireValidSecurityGroupDescriptions, restrictSecurityGroupIngress } from "../../../policy/policies/aws/securityGroups";
import { changed, resource, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const lbGroup = resource(AWS.securityGroup, "stack-alb-sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }, { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }] });
const serviceGroup = resource(AWS.securityGroup, "stack-api-sg", { ingress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, securityGroups: ["sg-alb"] }] });
specifyResourcePolicy(restrictSecurityGroupIngress, lbGroup, [
    { when: "a service group admits the internet", input: changed(serviceGroup, (i) => { i.ingress[0].cidrBlocks = ["0.0.0.0/0"]; }), violations: [/Ingress from 0.0.0.0\/0 on port 8443 of a security group that is not the load balancer's/] },
    { when: "the load balancer admits SSH from anywhere", input: changed(lbGroup, (i) => { i.ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }); }), violations: [/on port 22/] },
    { when: "the load balancer admits all protocols", input: changed(lbGroup, (i) => { i.ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }); }), violations: [/::\/0 on all ports/] },
    { when: "a standalone rule opens a port range", input: resource(AWS.ingressRule, "stack-db-open", { securityGroupId: "sg-db", cidrIpv4: "0.0.0.0/0", fromPort: 5000, toPort: 6000, ipProtocol: "tcp" }), violations: [/ports 5000-6000/] },
    { when: "a service group admits only the load balancer's group", input: serviceGroup },
    { when: "an egress rule allows everything", input: resource(AWS.securityGroupRule, "stack-egress", { type: "egress", cidrBlocks: ["0.0.0.0/0"], protocol: "-1", fromPort: 0, toPort: 0 }) },
]);

const sgRule = resource(AWS.ingressRule, "stack-cluster-tasks-api", { securityGroupId: "sg-tasks", referencedSecurityGroupId: "sg-tasks", description: "api from the tasks (8000/tcp)", ipProtocol: "tcp", fromPort: 8000, toPort: 8000 });
specifyResourcePolicy(requireValidSecurityGroupDescriptions, sgRule, [
    { when: "a rule description has an apostrophe", input: withInput(sgRule, "description", "api from the stack's tasks"), violations: [/description "api from the stack's tasks" is not EC2's character set .*: "'" refused\./] },
    { when: "a group description has a quote and an accent", input: resource(AWS.securityGroup, "stack-sg", { description: "the \"edge\" café" }), violations: [/"\\"", "é" refused/] },
    { when: "an egress rule description is 256 characters long", input: resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "stack-out", { description: "x".repeat(256) }), violations: [/256 characters; AWS allows 255/] },
    { when: "the rule has no description", input: withInput(sgRule, "description", undefined) },
]);
