import type { ResourceValidationPolicy } from "@pulumi/policy";
import { descriptionProblems, SECURITY_GROUP_TYPES } from "../../lib/awsNames";
import { AWS } from "../../lib/awsTypes";
import { configOf, globMatches } from "../../lib/config";
import { onTypes } from "../../lib/validations";
import { field, items, plainProps, readable, text } from "../../lib/values";

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];
const INGRESS_DEFAULTS = { publicPorts: [80, 443], publicSecurityGroups: ["*-alb*", "*-lb*"] };

/** Requires internet-wide ingress only on the load balancer's security group, and only for the web ports. */
export const restrictSecurityGroupIngress: ResourceValidationPolicy = {
    name: "restrict-security-group-ingress",
    description: "No security group admits 0.0.0.0/0 or ::/0, except the load balancer's on ports 80 and 443.",
    remediationSteps: "Admit traffic from the load balancer's security group instead of a CIDR; internet ingress belongs only on the load balancer (named in `publicSecurityGroups`).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            publicPorts: { type: "array", items: { type: "integer" }, default: INGRESS_DEFAULTS.publicPorts },
            publicSecurityGroups: { type: "array", items: { type: "string" }, default: INGRESS_DEFAULTS.publicSecurityGroups, description: "Resource-name globs of load balancer security groups." },
        },
    },
    validateResource: onTypes<Record<string, unknown>>([AWS.securityGroup, AWS.securityGroupRule, AWS.ingressRule], (props, args, report) => {
        const { publicPorts, publicSecurityGroups } = configOf(args, INGRESS_DEFAULTS);
        const isPublicGroup = publicSecurityGroups.some((g) => globMatches(g, args.name));
        type Rule = { fromPort?: number; toPort?: number; protocol?: string; ipProtocol?: string; cidrBlocks?: string[]; ipv6CidrBlocks?: string[]; cidrIpv4?: string; cidrIpv6?: string; type?: string };
        const rules: Rule[] = args.type === AWS.securityGroup ? readable(items(() => props.ingress as Rule[] | undefined)) : [props as Rule];
        for (const rule of rules) {
            if (args.type === AWS.securityGroupRule && text(field(() => rule.type)) !== "ingress") continue;
            const cidrs = [
                ...readable(items(() => rule.cidrBlocks)), ...readable(items(() => rule.ipv6CidrBlocks)),
                text(field(() => rule.cidrIpv4)), text(field(() => rule.cidrIpv6)),
            ].filter((c): c is string => typeof c === "string");
            const open = cidrs.filter((c) => OPEN_CIDRS.includes(c));
            if (open.length === 0) continue;
            const protocol = String(rule.protocol ?? rule.ipProtocol ?? "tcp");
            const from = Number(rule.fromPort ?? 0);
            const to = Number(rule.toPort ?? from);
            const allPorts = protocol === "-1" || protocol === "all";
            const onlyPublicPorts = !allPorts && from === to && publicPorts.includes(from);
            if (!isPublicGroup || !onlyPublicPorts) {
                report(`Ingress from ${open.join(", ")} on ${allPorts ? "all ports" : from === to ? `port ${from}` : `ports ${from}-${to}`}${isPublicGroup ? "" : " of a security group that is not the load balancer's"}.`);
            }
        }
    }),
};

/** Requires security group and rule descriptions EC2 accepts. */
export const requireValidSecurityGroupDescriptions: ResourceValidationPolicy = {
    name: "require-valid-security-group-descriptions",
    description: "Security group and security group rule descriptions use only the characters EC2 accepts (`a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`) and at most 255 of them.",
    remediationSteps: "Rewrite the description without the refused characters (an apostrophe or quote is the usual one: \"from the tasks\" instead of \"from the stack's tasks\").",
    enforcementLevel: "mandatory",
    validateResource: onTypes<Record<string, unknown>>(SECURITY_GROUP_TYPES, (props, args, report) => {
        for (const problem of descriptionProblems(args.type, plainProps(props, ["description"]))) report(problem);
    }),
};
