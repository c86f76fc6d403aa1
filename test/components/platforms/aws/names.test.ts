import { expect } from "chai";
import { boundedAwsName, replacementKey } from "../../../../components/platforms/aws/context";
import { ELB_NAME_MAX, targetGroupName } from "../../../../components/platforms/aws/LoadBalancer";
import { nameProblems } from "../../../../policy/lib/awsNames";
import type { StackSettings } from "../../../../components/settings/types";

const production = { namePrefix: "service-stack-production" };

describe("physical names within AWS limits", () => {
    it("keeps `<project>-<stack>-<suffix>` when it fits", () => {
        expect(boundedAwsName(production, "lb", 32)).to.equal("service-stack-production-lb");
        expect(boundedAwsName(production, "grafana", 32)).to.equal("service-stack-production-grafana");
    });

    it("cuts the prefix and adds a hash of the full name when it does not, never past the limit", () => {
        const name = boundedAwsName(production, "alertmanager", 32);
        expect(name).to.match(/^service-stac-[0-9a-f]{6}-alertmanager$/);
        expect(name.length).to.be.at.most(32);
        // Two stacks whose cut prefixes agree still get different names.
        expect(boundedAwsName({ namePrefix: "service-stack-production-eu" }, "alertmanager", 32)).to.not.equal(name);
    });

    it("drops a hyphen left at the end of the cut prefix, so ELB's rules hold", () => {
        const name = boundedAwsName({ namePrefix: "abc-defghijklmnopqrstuvwxyz" }, "api-1234", 20);
        expect(name).to.match(/^abc-[0-9a-f]{6}-api-1234$/);
        expect(nameProblems("aws:lb/targetGroup:TargetGroup", "tg", { name })).to.deep.equal([]);
    });

    it("refuses a suffix that leaves no room for the prefix", () => {
        expect(() => boundedAwsName(production, "x".repeat(30), 32)).to.throw(/leaves no room/);
    });

    it("names a target group after the inputs that force its replacement, so a replacement is created beside it", () => {
        const settings = { ...production, aws: { vpcCidr: "10.50.0.0/16" } } as unknown as StackSettings;
        const forcing = { port: 8000, protocol: "HTTPS", protocolVersion: "HTTP1", targetType: "ip" };
        const name = targetGroupName(settings, "api", forcing);
        expect(name.length).to.be.at.most(ELB_NAME_MAX);
        expect(name).to.match(new RegExp(`-api-${replacementKey({ ...forcing, vpcCidr: "10.50.0.0/16" })}$`));
        expect(targetGroupName(settings, "api", { ...forcing, port: 8443 })).to.not.equal(name);
        expect(targetGroupName(settings, "api", forcing)).to.equal(name);
        expect(nameProblems("aws:lb/targetGroup:TargetGroup", "tg", { name })).to.deep.equal([]);
    });
});
