import { expect } from "chai";
import { ALB_LISTENER_RULE, limitDnsRecordTtl, publicHostnamesInZone, requireDnsRecordsForPublicHostnames, ROUTE53_RECORD } from "../../../policy/policies/dns/records";
import { CADDYFILE } from "../support/caddyfile";
import { changed, compliantContainer, resource, UNKNOWN, upload } from "../support/fixtures";
import { specifyResourcePolicy, specifyStackPolicy } from "../support/policySpec";

const edge = compliantContainer("service-stack-test-edge", { uploads: [upload("/etc/caddy/Caddyfile", CADDYFILE)] });
const record = (host: string, inputs: Record<string, unknown> = {}) =>
    resource(ROUTE53_RECORD, `stack-dns-${host.split(".")[0]}`, { zoneId: "Z0123456789EXAMPLE", name: host, type: "A", ttl: 60, records: ["203.0.113.10"], allowOverwrite: true, ...inputs });
const records = [record("api.staging.example.com"), record("grafana.staging.example.com")];
const listenerRule = (host: string) => resource(ALB_LISTENER_RULE, `stack-alb-${host.split(".")[0]}`, {
    listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/stack/1/2",
    priority: 10,
    conditions: [{ hostHeader: { values: [host] } }],
    actions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/3" }],
});

describe("public hostnames", () => {
    it("are the edge's site addresses inside the zone", () => {
        expect(publicHostnamesInZone(CADDYFILE, "example.com.")).to.deep.equal(["api.staging.example.com", "grafana.staging.example.com"]);
        expect(publicHostnamesInZone(CADDYFILE, "example.org")).to.deep.equal([]);
    });
});

specifyStackPolicy(requireDnsRecordsForPublicHostnames, [edge, ...records], [
    { when: "a public hostname has no record", input: [edge, records[0]!], violations: [/grafana.staging.example.com has no Route53 record/] },
    { when: "records name hosts with a trailing dot", input: [edge, record("api.staging.example.com."), record("grafana.staging.example.com.")] },
    { when: "the zone does not match the edge's hostnames", input: [edge, ...records], config: { zone: "example.org" }, violations: [/serves no hostname in the zone example.org/] },
    { when: "no zone is configured (local stack)", input: [edge], config: { zone: "" }, notApplicable: /no DNS zone/ },
    { when: "a record's name is unknown during preview (it may be the one that seems missing)", input: [edge, record(UNKNOWN.string), records[1]!] },
    { when: "the AWS load balancer routes hostnames that all have records", input: [listenerRule("api.staging.example.com"), listenerRule("grafana.staging.example.com"), ...records] },
    { when: "the AWS load balancer routes a hostname without a record", input: [listenerRule("api.staging.example.com"), listenerRule("jaeger.staging.example.com"), ...records], violations: [/jaeger.staging.example.com \(load balancer rule\) has no Route53 record/] },
    { when: "a load balancer rule routes a hostname outside the zone", input: [listenerRule("status.example.org"), ...records] },
], { zone: "example.com" });

specifyResourcePolicy(limitDnsRecordTtl, record("api.staging.example.com"), [
    { when: "the TTL is a day", input: record("api.staging.example.com", { ttl: 86400 }), violations: [/TTL 86400s is above 300s/] },
    { when: "the record is an alias (no TTL)", input: changed(record("api.staging.example.com"), (i) => { delete i.ttl; i.aliases = [{ name: "alb", zoneId: "Z", evaluateTargetHealth: true }]; }) },
]);
