import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { Policies } from "@pulumi/policy";
import * as aws from "../../policy/policies/aws";
import * as containers from "../../policy/policies/containers";
import * as disallowCredentialsInPlainInputs from "../../policy/policies/secrets/credentialsInInputs";
import * as disallowEcsPublicIp from "../../policy/policies/aws/ecs";
import * as dns from "../../policy/policies/dns";
import * as dockerEngine from "../../policy/policies/dockerEngine";
import { allPolicies } from "../../policy/policies";
import * as network from "../../policy/policies/network";
import * as requireEfsEncryption from "../../policy/policies/aws/efs";
import * as requireLbDeletionProtection from "../../policy/policies/aws/loadBalancers";
import * as requireS3AccessLogging from "../../policy/policies/aws/s3";
import * as secrets from "../../policy/policies/secrets";
import * as stack from "../../policy/policies/stack";
import * as tls from "../../policy/policies/tls";
import { schemaErrors } from "../../scripts/lib/configSchema";
import { checkResource, checkStack, reconcileConfig } from "../../scripts/lib/policyEngine";
import { UNKNOWN } from "./support/fixtures";
import { COMPLIANT_FIXTURES, FIXTURE_COVERAGE } from "./support/policySpec";
// The fixture specs register their coverage when loaded; load them here too, so this file also runs on its own.
import "./aws/rds.test";
import "./containers/leastPrivilege.test";
import "./secrets/credentialsInInputs.test";
import "./aws/ecs.test";
import "./dns/records.test";
import "./dockerEngine/fileDelivery.test";
import "./network/edge.test";
import "./aws/efs.test";
import "./aws/loadBalancers.test";
import "./aws/s3.test";
import "./secrets/credentialsInContainers.test";
import "./stack/protection.test";
import "./tls/dataStores.test";

const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");
// One module per domain, or per policy for the policies added one concern to a file.
const MODULES = { aws, containers, dns, dockerEngine, network, secrets, stack, tls, disallowCredentialsInPlainInputs, disallowEcsPublicIp, requireEfsEncryption, requireLbDeletionProtection, requireS3AccessLogging };

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

    for (const [domain, module] of Object.entries(MODULES)) {
        it(`includes every policy exported by policies/${domain}.ts (none silently dropped)`, () => {
            const exported = Object.values(module).filter(isPolicy);
            expect(exported.length, `${domain} exports policies`).to.be.greaterThan(0);
            for (const policy of exported) expect(pack.policies, policy.name).to.include(policy);
        });
    }

    it("has no policy that is not exported by a domain module", () => {
        const exported = new Set(Object.values(MODULES).flatMap((m) => Object.values(m).filter(isPolicy)));
        for (const policy of pack.policies) expect(exported.has(policy), policy.name).to.equal(true);
    });

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
        const files = ["index.ts", ...["lib", "policies"].flatMap((dir) => fs.readdirSync(path.join(POLICY_DIR, dir)).map((f) => `${dir}/${f}`))];
        for (const file of files.filter((f) => f.endsWith(".ts"))) {
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
