import { AWS } from "../../../policy/lib/awsTypes";
import { requireAlbDropInvalidHeaders, requireHttpsListeners, requireLbDeletionProtection } from "../../../policy/policies/aws/loadBalancers";
import { changed, resource, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const https = resource(AWS.lbListener, "stack-https", { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x", defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] });
const redirect = resource(AWS.lbListener, "stack-http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
specifyResourcePolicy(requireHttpsListeners, https, [
    { when: "HTTPS uses the provider's default TLS policy", input: withInput(https, "sslPolicy", undefined), violations: [/ELBSecurityPolicy-2016-08/] },
    { when: "HTTPS uses a TLS 1.0 policy", input: withInput(https, "sslPolicy", "ELBSecurityPolicy-TLS-1-0-2015-04"), violations: [/TLS-1-0-2015-04 is not allowed/] },
    { when: "port 80 redirects to HTTPS", input: redirect },
    { when: "port 80 forwards plain HTTP", input: changed(redirect, (i) => { i.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]; }), violations: [/HTTP listener does more than redirect/] },
    { when: "an ALB-module listener forwards plain HTTP", input: resource(AWS.albListener, "stack-http-alb", { protocol: "HTTP", defaultActions: [{ type: "forward" }] }), violations: [/redirect/] },
]);

const alb = resource(AWS.lb, "stack-alb", { loadBalancerType: "application", dropInvalidHeaderFields: true, internal: false });
specifyResourcePolicy(requireAlbDropInvalidHeaders, alb, [
    { when: "invalid headers pass through", input: withInput(alb, "dropInvalidHeaderFields", false), violations: [/Invalid header fields are passed through/] },
    { when: "the load balancer type defaults to application", input: changed(alb, (i) => { delete i.loadBalancerType; delete i.dropInvalidHeaderFields; }), violations: [/passed through/] },
    { when: "the load balancer is a network load balancer", input: withInput(alb, "loadBalancerType", "network"), notApplicable: /not an application load balancer/ },
]);

const lb = resource("aws:lb/loadBalancer:LoadBalancer", "stack-lb", { loadBalancerType: "application", enableDeletionProtection: true, dropInvalidHeaderFields: true });

specifyResourcePolicy(requireLbDeletionProtection, lb, [
    { when: "deletion protection is off", input: changed(lb, (i) => { i.enableDeletionProtection = false; }), violations: [/^Deletion protection is off \(`enableDeletionProtection`\)\.$/] },
    { when: "an ALB-module load balancer leaves it unset", input: resource("aws:alb/loadBalancer:LoadBalancer", "stack-alb", { loadBalancerType: "application" }), violations: [/Deletion protection is off/] },
]);
