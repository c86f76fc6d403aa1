import { expect } from "chai";
import { unknownCheckingProxy } from "@pulumi/policy";
import { checkedExemptions, configOf, exemptionFor, globMatches } from "../../policy/lib/config";
import { items, known, reveal, text, UNREADABLE } from "../../policy/lib/values";
import { encrypted, secret, UNKNOWN } from "./support/fixtures";

describe("reading values through the unknown-checking proxy", () => {
    const props = unknownCheckingProxy({ a: "x", b: UNKNOWN.string, list: ["one", UNKNOWN.string, secret("two")], sealed: encrypted() }) as Record<string, any>;

    it("returns UNREADABLE for an unknown value instead of throwing", () => {
        expect(known(() => props.a)).to.equal("x");
        expect(known(() => props.b)).to.equal(UNREADABLE);
    });

    it("reads list elements one by one, revealing secrets and marking unknowns", () => {
        expect(items(() => props.list)).to.deep.equal(["one", UNREADABLE, "two"]);
        expect(items(() => props.missing)).to.deep.equal([]);
    });

    it("treats a ciphertext-only secret as unreadable and a valued one as its value", () => {
        expect(text(props.sealed)).to.equal(UNREADABLE);
        expect(reveal(secret(secret(5)))).to.equal(5);
        expect(text(undefined)).to.equal(undefined);
    });

    it("lets other errors through", () => {
        expect(() => known(() => { throw new TypeError("bug"); })).to.throw(TypeError, "bug");
    });
});

describe("policy configuration helpers", () => {
    it("merges given parameters over defaults, ignoring undefined", () => {
        const args = { getConfig: <T extends object>() => ({ minLength: 32, extra: undefined }) as unknown as T };
        expect(configOf(args, { minLength: 24, other: 1 })).to.deep.equal({ minLength: 32, other: 1 });
    });

    it("matches globs with * only, anchored at both ends", () => {
        expect(globMatches("*-cadvisor", "service-stack-prod-cadvisor")).to.equal(true);
        expect(globMatches("*-cadvisor", "service-stack-prod-cadvisor-2")).to.equal(false);
        expect(globMatches("a.b", "axb")).to.equal(false);
    });

    it("finds an exemption by container name or resource name", () => {
        const exemptions = checkedExemptions("p", [{ containerName: "*-edge", reason: "because it must (test)" }, { resourceName: "db-*", reason: "because it must (test)" }]);
        expect(exemptionFor(exemptions, { resourceName: "x", containerName: "s-edge" })).to.equal(exemptions[0]);
        expect(exemptionFor(exemptions, { resourceName: "db-1" })).to.equal(exemptions[1]);
        expect(exemptionFor(exemptions, { resourceName: "x", containerName: "s-api" })).to.equal(undefined);
    });

    it("refuses an exemption without a reason or without a target, even when the schema was bypassed", () => {
        expect(() => checkedExemptions("require-non-root-user", [{ containerName: "*-edge", reason: "" }])).to.throw("policy `require-non-root-user`: exemption #1 has no `reason`");
        expect(() => checkedExemptions("p", [{ reason: "a long enough reason" }])).to.throw(/names nothing/);
        expect(() => checkedExemptions("p", "*-edge")).to.throw(/must be a list/);
    });
});
