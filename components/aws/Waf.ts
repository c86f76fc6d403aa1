import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BASIC_AUTH_USERS } from "../services/catalogue";
import type { StackSettings } from "../settings/types";
import { awsName } from "./context";

export interface WafArgs {
    readonly settings: StackSettings;
    readonly loadBalancerArn: pulumi.Input<string>;
    /** The Jaeger UI's basic-auth password (Jaeger has no login of its own). Secret. */
    readonly jaegerPassword: pulumi.Input<string>;
}

/** AWS managed rule groups every request passes through, in order. */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"] as const;

function visibility(metricName: string) {
    return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

function headerEquals(header: string, value: pulumi.Input<string>, positionalConstraint = "EXACTLY") {
    return {
        byteMatchStatement: {
            fieldToMatch: { singleHeader: { name: header } },
            positionalConstraint,
            searchString: value,
            textTransformations: [{ priority: 0, type: header === "host" ? "LOWERCASE" : "NONE" }],
        },
    };
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

        const rules: pulumi.Input<aws.types.input.wafv2.WebAclRule>[] = [
            {
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
            },
            {
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
            },
            ...MANAGED_RULE_GROUPS.map((group, i) => ({
                name: group,
                priority: 10 + i,
                overrideAction: { none: {} },
                statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
                visibilityConfig: visibility(metric(group)),
            })),
        ];

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
