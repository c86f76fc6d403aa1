import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackExport, StackExportError } from "../../scripts/lib/stackExport";
import { runCli } from "../../scripts/policy";

const FIXTURE = path.join(__dirname, "fixtures", "stack-export.json");
const ROOT = path.resolve(__dirname, "..", "..");

interface Output {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

async function cli(...argv: string[]): Promise<Output> {
    let stdout = "";
    let stderr = "";
    const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return { code, stdout, stderr };
}

/** Writes a copy of the fixture export with `mutate` applied to its resources, returning its path. */
function mutatedExport(mutate: (resources: Record<string, any>[]) => void): string {
    const doc = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { deployment: { resources: Record<string, any>[] } };
    mutate(doc.deployment.resources);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "state.json");
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
}

function writeTemp(content: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "input.json");
    fs.writeFileSync(file, content);
    return file;
}

const byName = (resources: Record<string, any>[], suffix: string) => {
    const found = resources.find((r) => r.custom && (r.urn as string).endsWith(`::${suffix}`));
    if (!found) throw new Error(`fixture has no resource ${suffix}`);
    return found;
};

describe("reading `pulumi stack export` output", () => {
    const resources = parseStackExport(fs.readFileSync(FIXTURE, "utf8"));

    it("takes every resource with its name from the URN, options, parent and provider", () => {
        expect(resources).to.have.length(108);
        const volume = resources.find((r) => r.name === "service-stack-production-postgres-data")!;
        expect(volume).to.deep.include({ type: "docker:index/volume:Volume", protect: true, custom: true });
        expect(volume.parent).to.match(/service-stack:docker:Postgres::service-stack-production-postgres$/);
        expect(volume.provider).to.deep.include({ type: "pulumi:providers:docker", name: "default_5_2_0" });
    });

    it("keeps encrypted secrets as ciphertext wrappers, such as a container's whole uploads list", () => {
        const password = resources.find((r) => r.name === "service-stack-production-secrets-redis")!;
        expect(password.outputs.result).to.have.property("ciphertext");
        const redisFiles = resources.find((r) => r.name === "service-stack-production-redis-files" && r.custom)!;
        expect(redisFiles.inputs.uploads).to.have.property("ciphertext");
    });

    it("skips resources pending deletion", () => {
        const doc = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
        doc.deployment.resources[5].delete = true;
        expect(parseStackExport(JSON.stringify(doc))).to.have.length(107);
    });

    it("reads an empty deployment as no resources", () => {
        expect(parseStackExport(JSON.stringify({ version: 3, deployment: { manifest: {} } }))).to.deep.equal([]);
    });

    for (const [what, text, message] of [
        ["malformed JSON", "{\"version\": 3, \"deployment\": {", /is not valid JSON/],
        ["a foreign JSON document (package.json)", fs.readFileSync(path.join(ROOT, "package.json"), "utf8"), /has no `deployment`.*pulumi stack export/],
        ["an old deployment version", JSON.stringify({ version: 1, deployment: { resources: [] } }), /deployment version 1; this check reads version 3/],
        ["resources that are not a list", JSON.stringify({ version: 3, deployment: { resources: {} } }), /`deployment.resources` is not a list/],
        ["a resource without a URN", JSON.stringify({ version: 3, deployment: { resources: [{ type: "x" }] } }), /resources\[0\]` has no `urn` and `type`/],
        ["a resource whose URN is not a Pulumi URN", JSON.stringify({ version: 3, deployment: { resources: [{ type: "x", urn: "arn:aws:s3:::b" }] } }), /is not a Pulumi URN/],
    ] as const) {
        it(`rejects ${what} with a clear message`, () => {
            expect(() => parseStackExport(text, "state.json")).to.throw(StackExportError, message);
        });
    }
});

describe("npm run policy -- audit", () => {
    it("passes the production state, listing the exemptions it applied, with exit code 0", async () => {
        const out = await cli("audit", FIXTURE);
        expect(out.code, out.stderr).to.equal(0);
        expect(out.stdout).to.match(/^Policy audit of state: stack production \(state file .*stack-export.json; 108 resources, 64 policies, policy\/config\/production.json\)/);
        // Carriers with a secret file have their whole `uploads` list encrypted in state: said, not hidden.
        expect(out.stdout).to.match(/^Note: 16 resources hold encrypted inputs \(.*\); checks of those values \(uploaded config files, secret env\) were skipped/m);
        expect(out.stdout).to.match(/require-non-root-user\s+service-stack-production-edge \(Container\)\s+exempt\s+exempt \(container \*-edge\)/);
        expect(out.stdout).to.match(/require-tls-scrape-targets\s+scrape job cadvisor\s+in config file/);
        expect(out.stdout).to.match(/Result: 0 mandatory, 0 errors, 0 advisory, 4 exempt: PASS$/m);
    });

    it("fails with exit code 1 and says how to fix it when the state breaks the baseline", async () => {
        const file = mutatedExport((resources) => {
            byName(resources, "service-stack-production-redis").inputs.privileged = true;
            delete byName(resources, "service-stack-production-grafana-data").protect;
        });
        const out = await cli("audit", file, "--config", "policy/config/production.json");
        expect(out.code).to.equal(1);
        expect(out.stdout).to.match(/disallow-privileged\s+service-stack-production-redis \(Container\)\s+mandatory\s+The container runs privileged\./);
        expect(out.stdout).to.match(/require-protected-stateful-resources\s+service-stack-production-grafana-data \(Volume\)\s+mandatory\s+Volume service-stack-production-grafana-data holds state but is not protected\./);
        expect(out.stdout).to.match(/How to fix:\n {2}disallow-privileged: Remove `privileged: true`/);
        expect(out.stdout).to.match(/Result: 2 mandatory, .*FAIL/);
    });

    it("judges staging state by staging's config when told to (protection not required there)", async () => {
        const file = mutatedExport((resources) => { delete byName(resources, "service-stack-production-grafana-data").protect; });
        const out = await cli("audit", file, "--config", "policy/config/staging.json");
        expect(out.stdout).to.not.match(/not protected/);
    });

    it("prints a machine-readable report with --json", async () => {
        const out = await cli("audit", FIXTURE, "--json");
        const report = JSON.parse(out.stdout) as { summary: Record<string, unknown>; findings: { policy: string; level: string; remediation: string }[]; exemptions: unknown[]; notes: string[] };
        expect(report.summary).to.deep.equal({ error: 0, mandatory: 0, advisory: 0, exempt: 4, blocked: false });
        expect(report.findings.every((f) => f.level === "exempt" && f.remediation.length > 0)).to.equal(true);
        expect(report.exemptions).to.have.length(6);
        expect(report.notes).to.have.length(1);
    });

    for (const [what, content, message] of [
        ["malformed", "{ not json", /^error: .* is not valid JSON/],
        ["foreign", JSON.stringify({ name: "something-else", version: "1.0.0" }), /^error: .* has no `deployment`/],
    ] as const) {
        it(`rejects a ${what} file with exit code 2 and a message, not a stack trace`, async () => {
            const out = await cli("audit", writeTemp(content));
            expect(out.code).to.equal(2);
            expect(out.stderr).to.match(message);
            expect(out.stderr).to.not.match(/\n\s+at /);
            expect(out.stdout).to.equal("");
        });
    }

    it("rejects a missing file, a stack without a policy config, and a broken policy config with exit code 2", async () => {
        expect((await cli("audit", "does-not-exist.json")).stderr).to.match(/does-not-exist.json does not exist/);
        const foreignStack = mutatedExport((resources) => { for (const r of resources) r.urn = (r.urn as string).replace("urn:pulumi:production::", "urn:pulumi:qa::"); });
        const noConfig = await cli("audit", foreignStack);
        expect(noConfig.code).to.equal(2);
        expect(noConfig.stderr).to.match(/no policy config for stack qa \(looked for policy\/config\/qa.json\); pass --config/);
        const badConfig = await cli("audit", FIXTURE, "--config", writeTemp(JSON.stringify({ "require-minimum-password-length": { minLength: "long" } })));
        expect(badConfig.code).to.equal(2);
        expect(badConfig.stderr).to.match(/require-minimum-password-length.minLength: expected integer, got string/);
    });

    it("explains usage for an unknown command or option", async () => {
        const out = await cli("inspect");
        expect(out.code).to.equal(2);
        expect(out.stderr).to.match(/unknown command "inspect"[\s\S]*usage:/);
        expect((await cli("audit", FIXTURE, "--yaml")).stderr).to.match(/unknown option --yaml/);
    });
});
