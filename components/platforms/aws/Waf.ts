import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BASIC_AUTH_USERS } from "../../workloads/catalogue";
import type { StackSettings } from "../../settings/types";
import { awsName } from "./context";

export interface WafArgs {
    readonly settings: StackSettings;
    readonly loadBalancerArn: pulumi.Input<string>;
    /** The Jaeger UI's basic-auth password (Jaeger has no login of its own). Secret. */
    readonly jaegerPassword: pulumi.Input<string>;
}

/** AWS managed rule groups every request passes through, in order. */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"] as const;

/** The common rule set's rule that blocks every request body over 8 KB; the stack counts it and scopes its own. */
export const CRS_BODY_SIZE_RULE = "SizeRestrictions_BODY";
/** WAF sees at most the first 8 KB of a body behind an ALB; larger bodies are "oversize". */
export const ALB_BODY_INSPECTION_BYTES = 8192;

/** Managed rule overrides: the body-size rule only counts (`limit-request-body-size` takes its place). */
export function managedRuleOverrides(group: (typeof MANAGED_RULE_GROUPS)[number]): { name: string; actionToUse: { count: {} } }[] {
    return group === "AWSManagedRulesCommonRuleSet" ? [{ name: CRS_BODY_SIZE_RULE, actionToUse: { count: {} } }] : [];
}

/** The public endpoints whose requests may carry bodies over 8 KB. */
export const LARGE_BODY_ENDPOINTS = ["grafana", "api"] as const;

function visibility(metricName: string) {
    return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

function headerEquals(header: string, value: pulumi.Input<string>, positionalConstraint = "EXACTLY"): aws.types.input.wafv2.WebAclRuleStatement {
    return {
        byteMatchStatement: {
            fieldToMatch: { singleHeader: { name: header } },
            positionalConstraint,
            searchString: value,
            textTransformations: [{ priority: 0, type: header === "host" ? "LOWERCASE" : "NONE" }],
        },
    };
}

type Metric = (suffix: string) => string;
type Rule = pulumi.Input<aws.types.input.wafv2.WebAclRule>;

/** Basic auth in front of the Jaeger UI (Caddy's job on Docker): without the right header, 401 with a challenge. */
function jaegerBasicAuthRule(settings: StackSettings, jaegerAuthorization: pulumi.Input<string>, metric: Metric): Rule {
    return {
        name: "jaeger-basic-auth",
        priority: 0,
        action: {
            block: {
                customResponse: {
                    responseCode: 401,
                    responseHeaders: [{ name: "WWW-Authenticate", value: `Basic realm="${BASIC_AUTH_USERS.jaeger}"` }],
                },
            },
        },
        statement: {
            andStatement: {
                statements: [
                    headerEquals("host", settings.hostnames.jaeger),
                    { notStatement: { statement: headerEquals("authorization", jaegerAuthorization) } },
                ],
            },
        },
        visibilityConfig: visibility(metric("jaeger-auth")),
    };
}

/** The API's per-IP budget (`edge.rateLimitPerMinute` per 60-second window), as on Docker. */
function apiRateLimitRule(settings: StackSettings, metric: Metric): Rule {
    return {
        name: "api-rate-limit-per-ip",
        priority: 1,
        action: { block: {} },
        statement: {
            rateBasedStatement: {
                limit: settings.edge.rateLimitPerMinute,
                evaluationWindowSec: 60,
                aggregateKeyType: "IP",
                // Dashboards fan out into many requests per view: the budget guards the API, as on Docker.
                scopeDownStatement: headerEquals("host", settings.hostnames.api),
            },
        },
        visibilityConfig: visibility(metric("api-rate")),
    };
}

/** The AWS managed rule groups, in order. */
function managedRules(metric: Metric): Rule[] {
    return MANAGED_RULE_GROUPS.map((group, i) => ({
        name: group,
        priority: 10 + i,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group, ruleActionOverrides: managedRuleOverrides(group) } },
        visibilityConfig: visibility(metric(group)),
    }));
}

/** Bodies over 8 KB blocked on every host but those that need larger ones (the common rule set's limit, scoped). */
function bodySizeRule(settings: StackSettings, metric: Metric): Rule {
    return {
        // The common rule set blocks every body over 8 KB, which breaks Grafana's dashboard saves and the
        // API's larger posts. Those two hosts take larger bodies (WAF inspects only their first 8 KB, and
        // the applications bound them); every other host keeps the 8 KB limit.
        name: "limit-request-body-size",
        priority: 20,
        action: { block: {} },
        statement: {
            andStatement: {
                statements: [
                    {
                        sizeConstraintStatement: {
                            fieldToMatch: { body: { oversizeHandling: "MATCH" } },
                            comparisonOperator: "GT",
                            size: ALB_BODY_INSPECTION_BYTES,
                            textTransformations: [{ priority: 0, type: "NONE" }],
                        },
                    },
                    { notStatement: { statement: { orStatement: { statements: LARGE_BODY_ENDPOINTS.map((e) => headerEquals("host", settings.hostnames[e])) } } } },
                ],
            },
        },
        visibilityConfig: visibility(metric("body-size")),
    };
}

/** Every rule of the web ACL, in priority order. */
function webAclRules(settings: StackSettings, jaegerAuthorization: pulumi.Input<string>, metric: Metric): Rule[] {
    return [jaegerBasicAuthRule(settings, jaegerAuthorization, metric), apiRateLimitRule(settings, metric), ...managedRules(metric), bodySizeRule(settings, metric)];
}

/**
 * The WAF web ACL on the load balancer: basic auth in front of the Jaeger UI (Caddy's job on Docker; a request to
 * the Jaeger host without the right `Authorization` header gets 401 with a `WWW-Authenticate` challenge), a per-IP
 * rate limit on the API host (`edge.rateLimitPerMinute` per 60-second window, the source documents' budget), and the
 * AWS managed IP-reputation, known-bad-inputs and common rule groups.
 */
export class Waf extends pulumi.ComponentResource {
    public readonly webAcl: aws.wafv2.WebAcl;

    constructor(name: string, args: WafArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Waf", name, {}, opts);
        const { settings } = args;
        const metric = (suffix: string) => `${awsName(settings, suffix)}`.replace(/[^A-Za-z0-9_-]/g, "-");
        const jaegerAuthorization = pulumi.output(args.jaegerPassword).apply((password) =>
            `Basic ${Buffer.from(`${BASIC_AUTH_USERS.jaeger}:${password}`).toString("base64")}`);

        const rules = webAclRules(settings, jaegerAuthorization, metric);

        this.webAcl = new aws.wafv2.WebAcl(name, {
            scope: "REGIONAL",
            description: `${settings.namePrefix}: public endpoints`,
            defaultAction: { allow: {} },
            // The Jaeger rule carries the basic-auth credential: the rules are a secret in the state.
            rules: pulumi.secret(rules) as pulumi.Input<pulumi.Input<aws.types.input.wafv2.WebAclRule>[]>,
            visibilityConfig: visibility(metric("waf")),
        }, { parent: this });
        new aws.wafv2.WebAclAssociation(name, { resourceArn: args.loadBalancerArn, webAclArn: this.webAcl.arn }, { parent: this });
        this.registerOutputs({ webAcl: this.webAcl });
    }
}
