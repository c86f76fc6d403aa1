import { expect } from "chai";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { allPolicies } from "../../policy/policies";
import { disallowPrivileged, requireNonRootUser } from "../../policy/policies/containers/leastPrivilege";
import { requireMemoryLimit } from "../../policy/policies/containers/operations";
import { requireMinimumPasswordLength } from "../../policy/policies/secrets/passwords";
import { PolicyConfigError, reconcileConfig } from "../../scripts/lib/packConfig";
import { blocks, evaluate } from "../../scripts/lib/policyEngine";
import { resourceValidationArgs, stackValidationArgs } from "../../scripts/lib/validationArgs";
import { changed, compliantContainer, encrypted, resource, secret, UNKNOWN } from "./support/fixtures";

const container = compliantContainer();

describe("policy config reconciliation", () => {
    it("starts from each policy's level and schema defaults", () => {
        const config = reconcileConfig(allPolicies, undefined);
        expect(config.get("require-minimum-password-length")).to.deep.equal({ enforcementLevel: "mandatory", properties: { minLength: 24 } });
        expect(config.get("require-non-root-user")!.enforcementLevel).to.equal("advisory");
    });

    it("applies `all` first, then per-policy levels and parameters, in both the string and object forms", () => {
        const config = reconcileConfig(allPolicies, { all: "advisory", "disallow-privileged": "mandatory", "require-minimum-password-length": { minLength: 32 } });
        expect(config.get("require-memory-limit")!.enforcementLevel).to.equal("advisory");
        expect(config.get("disallow-privileged")!.enforcementLevel).to.equal("mandatory");
        expect(config.get("require-minimum-password-length")).to.deep.equal({ enforcementLevel: "advisory", properties: { minLength: 32 } });
    });

    it("rejects unknown policies, bad levels, unknown or ill-typed parameters and reasonless exemptions, listing every problem", () => {
        let error: unknown;
        try {
            reconcileConfig(allPolicies, {
                "disallow-privilegd": "mandatory",
                "require-memory-limit": { enforcementLevel: "strict" },
                "require-minimum-password-length": { minLength: "32", maxLength: 64 },
                "disallow-privileged": { allowed: true },
                "require-non-root-user": { exemptions: [{ containerName: "*-edge" }] },
            });
        } catch (e) {
            error = e;
        }
        expect(error).to.be.instanceOf(PolicyConfigError);
        expect((error as PolicyConfigError).problems).to.deep.equal([
            "disallow-privilegd: no such policy in the pack",
            "require-memory-limit: \"strict\" is not an enforcement level (advisory, mandatory, remediate, disabled)",
            "disallow-privileged: takes no parameters, got allowed",
            "require-non-root-user.exemptions[0]: `reason` is required",
            "require-minimum-password-length.minLength: expected integer, got string",
            "require-minimum-password-length: unknown property `maxLength`",
        ]);
    });

    it("rejects a file that is not an object", () => {
        expect(() => reconcileConfig(allPolicies, ["mandatory"])).to.throw(PolicyConfigError, /must be a JSON object/);
    });
});

describe("validation arguments", () => {
    const config = { enforcementLevel: "mandatory" as const, properties: { minLength: 24 } };

    it("fill every field of ResourceValidationArgs, with props behind the unknown-checking proxy", () => {
        const r = resource("random:index/randomPassword:RandomPassword", "pw", { length: UNKNOWN.number, special: false });
        const args = resourceValidationArgs(r, config);
        expect(args).to.include({ type: r.type, urn: r.urn, name: "pw" });
        expect(args.opts).to.deep.equal({ protect: false, ignoreChanges: [], deleteBeforeReplace: false, aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: ["result"], parent: undefined });
        expect(args.provider).to.deep.include({ type: "pulumi:providers:random", name: "default" });
        expect(args.getConfig()).to.deep.equal({ minLength: 24 });
        expect(args.stackTags.size).to.equal(0);
        expect(args.isType(class { static __pulumiType = r.type; } as never)).to.equal(true);
        expect(args.props.special).to.equal(false);
        expect(() => args.props.length).to.throw(/number value at .length can't be known during preview/);
        expect(() => args.notApplicable("why")).to.throw("why");
    });

    it("unwrap secrets that carry a value, as the analyzer does, and leave ciphertext wrapped", () => {
        const args = resourceValidationArgs(resource("x:y:Z", "s", { plain: secret("visible"), sealed: encrypted("v1:abc") }), config);
        expect(args.props.plain).to.equal("visible");
        expect(args.props.sealed).to.deep.include({ ciphertext: "v1:abc" });
    });

    it("link a stack's resources to their parents and dependencies, with outputs as props", () => {
        const parent = resource("service-stack:docker:Postgres", "pg", {});
        const child = resource("docker:index/volume:Volume", "pg-data", { name: "in" }, { parent: parent.urn, dependencies: [parent.urn], outputs: { name: "out" } });
        const args = stackValidationArgs([parent, child], config);
        const [p, c] = args.resources;
        expect(c!.parent).to.equal(p);
        expect(c!.dependencies).to.deep.equal([p]);
        expect(c!.props.name).to.equal("out");
    });

    it("rely on the same proxy as @pulumi/policy (sanity check of the sentinels)", () => {
        expect(() => (unknownCheckingProxy({ a: UNKNOWN.string }) as { a: string }).a).to.throw(/can't be known/);
    });
});

describe("evaluation", () => {
    const root = resource("pulumi:pulumi:Stack", "service-stack-test", {});
    const throwing: ResourceValidationPolicy = { name: "always-throws", description: "throws", enforcementLevel: "mandatory", validateResource: () => { throw new Error("boom"); } };
    const stackWide: StackValidationPolicy = {
        name: "names-a-resource",
        description: "reports one resource",
        enforcementLevel: "advisory",
        validateStack: (args, report) => report("found it", args.resources.find((r) => r.name === "stack-postgres")?.urn),
    };
    const policies = [disallowPrivileged, requireMemoryLimit, requireNonRootUser, requireMinimumPasswordLength, throwing, stackWide];

    it("reports mandatory, advisory, exempt, unknown and error outcomes, and skips disabled policies", async () => {
        const resources = [
            root,
            changed(container, (i) => { i.privileged = true; delete i.memory; i.user = "0:0"; }),
            changed(compliantContainer("service-stack-test-edge"), (i) => { i.user = "0:0"; }),
            resource("random:index/randomPassword:RandomPassword", "pw", { length: UNKNOWN.number }),
        ];
        const config = reconcileConfig(policies, {
            "require-memory-limit": "disabled",
            "require-non-root-user": { exemptions: [{ containerName: "*-edge", reason: "root-owned ACME state (test)" }] },
        });
        const { findings } = await evaluate(policies, resources, config);
        const summary = findings.map((f) => `${f.level} ${f.policy} ${f.resource}`);
        expect(summary).to.include.members([
            "mandatory disallow-privileged stack-postgres",
            "advisory require-non-root-user stack-postgres",
            "exempt require-non-root-user stack-edge",
            "advisory require-minimum-password-length pw",
            "error always-throws stack-postgres",
            "advisory names-a-resource stack-postgres",
        ]);
        expect(summary.filter((s) => s.includes("require-memory-limit"))).to.deep.equal([]);
        expect(findings.find((f) => f.policy === "require-minimum-password-length")!.message).to.match(/^can't run policy 'require-minimum-password-length' during preview/);
        expect(findings.find((f) => f.level === "exempt")!.message).to.equal("exempt (container *-edge): root-owned ACME state (test)");
        expect(blocks({ findings, notApplicable: [] })).to.equal(true);
    });

    it("does not block on advisory and exempt findings alone", async () => {
        const config = reconcileConfig([requireNonRootUser], { "require-non-root-user": "advisory" });
        const evaluation = await evaluate([requireNonRootUser], [changed(container, (i) => { i.user = "0"; })], config);
        expect(evaluation.findings.map((f) => f.level)).to.deep.equal(["advisory"]);
        expect(blocks(evaluation)).to.equal(false);
    });
});
