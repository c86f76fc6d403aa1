import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { Policies } from "@pulumi/policy";
import { allPolicies } from "../../policy/policies";
import { schemaErrors } from "../../scripts/lib/parameterSchema";
import { reconcileConfig } from "../../scripts/lib/packConfig";
import { checkResource, checkStack } from "../../scripts/lib/policyEngine";
import { UNKNOWN } from "./support/fixtures";
import { COMPLIANT_FIXTURES, FIXTURE_COVERAGE } from "./support/policySpec";

const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");
const POLICIES_DIR = path.join(POLICY_DIR, "policies");

/** Every `.ts` file under `dir`, relative to it, in name order. */
function tsFiles(dir: string, relative = ""): string[] {
    return fs.readdirSync(path.join(dir, relative), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? tsFiles(dir, path.join(relative, e.name)) : e.name.endsWith(".ts") ? [path.join(relative, e.name)] : []))
        .sort();
}

/** Each module under policy/policies/ by its path there (`aws/rds.ts`), loaded: a domain's concern files and its index. */
const MODULES = new Map(tsFiles(POLICIES_DIR).map((file) => [file, require(path.join(POLICIES_DIR, file)) as Record<string, unknown>]));
const CONCERN_FILES = [...MODULES.keys()].filter((f) => path.basename(f) !== "index.ts");
const DOMAINS = [...new Set(CONCERN_FILES.map((f) => path.dirname(f)))];

// The fixture specs register their coverage when loaded; load them here too, so this file also runs on its own.
for (const domain of DOMAINS) for (const spec of tsFiles(path.join(__dirname, domain))) require(path.join(__dirname, domain, spec));

type AnyPolicy = Policies[number];

function isPolicy(value: unknown): value is AnyPolicy {
    return typeof value === "object" && value !== null && typeof (value as AnyPolicy).name === "string"
        && typeof (value as AnyPolicy).description === "string" && ("validateResource" in value || "validateStack" in value);
}

/** Loads policy/index.ts with PolicyPack replaced by a recorder, so the pack's real list is inspected without a gRPC server. */
function loadPack(): { name: string; policies: Policies } {
    const entry = path.join(POLICY_DIR, "index.ts");
    const policyModule = require.resolve("@pulumi/policy", { paths: [POLICY_DIR] });
    const saved = require.cache[policyModule];
    const packs: { name: string; policies: Policies }[] = [];
    class RecordingPolicyPack {
        constructor(name: string, args: { policies: Policies }) {
            packs.push({ name, policies: args.policies });
        }
    }
    require.cache[policyModule] = { id: policyModule, filename: policyModule, loaded: true, exports: { PolicyPack: RecordingPolicyPack } } as unknown as NodeJS.Module;
    delete require.cache[require.resolve(entry)];
    try {
        require(entry);
    } finally {
        if (saved) require.cache[policyModule] = saved;
        else delete require.cache[policyModule];
        delete require.cache[require.resolve(entry)];
    }
    expect(packs, "policy/index.ts builds exactly one PolicyPack").to.have.length(1);
    return packs[0]!;
}

describe("the policy pack", () => {
    const pack = loadPack();

    it("is named service-stack-baseline and lists exactly the policies of policies/index.ts", () => {
        expect(pack.name).to.equal("service-stack-baseline");
        expect(pack.policies).to.equal(allPolicies);
    });

    for (const file of CONCERN_FILES) {
        it(`includes every policy exported by policies/${file} (none silently dropped)`, () => {
            const exported = Object.values(MODULES.get(file)!).filter(isPolicy);
            // A file under policies/ holds policies; shared helpers belong in policy/lib/.
            expect(exported.length, `${file} exports policies`).to.be.greaterThan(0);
            for (const policy of exported) expect(pack.policies, policy.name).to.include(policy);
        });
    }

    it("has no policy that is not exported by a file under policies/<domain>/", () => {
        const exported = new Set(CONCERN_FILES.flatMap((f) => Object.values(MODULES.get(f)!).filter(isPolicy)));
        for (const policy of pack.policies) expect(exported.has(policy), policy.name).to.equal(true);
    });

    for (const domain of DOMAINS) {
        it(`lists in policies/${domain}/index.ts exactly the policies of policies/${domain}/, in pack order`, () => {
            const lists = Object.values(MODULES.get(path.join(domain, "index.ts")) ?? {}).filter(Array.isArray);
            expect(lists, `${domain}/index.ts exports one list`).to.have.length(1);
            const listed = lists[0] as AnyPolicy[];
            const own = CONCERN_FILES.filter((f) => path.dirname(f) === domain).flatMap((f) => Object.values(MODULES.get(f)!).filter(isPolicy));
            expect(listed.map((p) => p.name).sort()).to.deep.equal(own.map((p) => p.name).sort());
            for (const policy of own) expect(listed, policy.name).to.include(policy);
            const positions = listed.map((p) => pack.policies.indexOf(p));
            expect(positions, "the domain's policies stand together, in its order").to.deep.equal(positions.map((_, i) => positions[0]! + i));
        });
    }

    it("gives every policy a unique kebab-case name, a description, remediation steps and a default level", () => {
        const names = pack.policies.map((p) => p.name);
        expect(new Set(names).size, "unique names").to.equal(names.length);
        for (const p of pack.policies) {
            expect(p.name, p.name).to.match(/^[a-z]+(-[a-z0-9]+)+$/);
            expect(p.description.length, `${p.name} description`).to.be.greaterThan(30);
            expect(p.remediationSteps?.length ?? 0, `${p.name} remediation`).to.be.greaterThan(20);
            expect(["mandatory", "advisory"], `${p.name} level`).to.include(p.enforcementLevel);
        }
    });

    it("declares config schemas whose defaults satisfy them and that leave enforcementLevel to the engine", () => {
        for (const p of pack.policies.filter((x) => x.configSchema)) {
            const properties = p.configSchema!.properties;
            expect(properties, p.name).to.not.have.property("enforcementLevel");
            for (const [key, schema] of Object.entries(properties)) {
                if (typeof schema !== "object") continue;
                expect(schema.default, `${p.name}.${key} has a default`).to.not.equal(undefined);
                expect(schemaErrors(schema.default, schema, `${p.name}.${key}`)).to.deep.equal([]);
            }
        }
    });

    it("has a passing and a failing fixture for every policy", () => {
        for (const p of pack.policies) {
            const coverage = FIXTURE_COVERAGE.get(p.name);
            expect(coverage, `${p.name} has fixtures`).to.not.equal(undefined);
            expect(coverage!.passes, `${p.name} passing fixtures`).to.be.greaterThan(0);
            expect(coverage!.fails, `${p.name} failing fixtures`).to.be.greaterThan(0);
        }
    });

    it("never reports a violation when any one input of a compliant fixture is unknown during preview", async () => {
        let variations = 0;
        const failures: string[] = [];
        for (const p of pack.policies) {
            const { resources, config } = COMPLIANT_FIXTURES.get(p.name)!;
            for (const [index, r] of resources.entries()) {
                for (const key of Object.keys(r.inputs)) {
                    const inputs = { ...r.inputs, [key]: UNKNOWN.string };
                    const variant = { ...r, inputs, outputs: inputs };
                    const result = "validateStack" in p
                        ? await checkStack(p, resources.map((x, i) => (i === index ? variant : x)), config)
                        : await checkResource(p, variant, config);
                    if (result.violations.length > 0) failures.push(`${p.name} with ${r.name}.${key} unknown: ${result.violations.join("; ")}`);
                    variations++;
                }
            }
        }
        expect(failures).to.deep.equal([]);
        expect(variations).to.be.greaterThan(500);
    });

    for (const environment of ["local", "staging", "production"]) {
        it(`accepts policy/config/${environment}.json: known policies, valid levels, parameters valid against each schema`, () => {
            const file = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "config", `${environment}.json`), "utf8")) as unknown;
            expect(() => reconcileConfig(allPolicies, file)).to.not.throw();
        });
    }

    it("is documented: policy/README.md lists every policy", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        for (const p of pack.policies) expect(readme.includes(`| \`${p.name}\``), p.name).to.equal(true);
    });

    it("is self-contained: nothing under policy/ imports from outside it", () => {
        const files = ["index.ts", ...["lib", "policies"].flatMap((dir) => tsFiles(path.join(POLICY_DIR, dir)).map((f) => `${dir}/${f}`))];
        expect(files.length, "the scan finds the policy files").to.be.greaterThan(20);
        for (const file of files) {
            const source = fs.readFileSync(path.join(POLICY_DIR, file), "utf8");
            for (const [, specifier] of source.matchAll(/from\s+"([^"]+)"/g)) {
                if (specifier!.startsWith(".")) {
                    const target = path.resolve(path.dirname(path.join(POLICY_DIR, file)), specifier!);
                    expect(target.startsWith(POLICY_DIR), `${file} imports ${specifier}`).to.equal(true);
                } else {
                    expect(["@pulumi/policy", "@pulumi/policy/schema", "yaml", "path"], `${file} imports ${specifier}`).to.include(specifier);
                }
            }
        }
    });
});
