import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { allPolicies } from "../../policy/policies";
import { CADDYFILE } from "../policy/support/caddyfile";
import { compliantContainer, CONTAINER, resource, upload, UNKNOWN } from "../policy/support/fixtures";

/**
 * The policy pack served the way the Pulumi CLI serves it: `run-policy-pack` from the pack's own node_modules
 * (ts-node with type checking, policy/tsconfig.json), then the engine's gRPC calls (GetAnalyzerInfo, Configure,
 * Analyze, AnalyzeStack) with production's policy config. No Pulumi CLI is needed; `npm ci` in policy/ is.
 */

const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");
const RUN_POLICY_PACK = path.join(POLICY_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
// Generated gRPC code is CommonJS without typings for these paths; the pack's own copy is the one the server uses.
const requirePack = (id: string) => require(require.resolve(id, { paths: [POLICY_DIR] }));
const grpc = requirePack("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const analyzerPb = requirePack("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = requirePack("@pulumi/pulumi/proto/analyzer_grpc_pb");
const StructPack = requirePack("google-protobuf/google/protobuf/struct_pb").Struct as typeof Struct;
const EmptyPack = requirePack("google-protobuf/google/protobuf/empty_pb").Empty;

type Call = (request: unknown, callback: (error: Error | null, response: any) => void) => void;

function call(client: Record<string, Call>, method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => client[method]!.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
}

interface Diagnostic { policy: string; level: number; message: string; urn: string }

function diagnostics(response: any): Diagnostic[] {
    return response.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage(), urn: d.getUrn() }));
}

const LEVEL = analyzerPb.EnforcementLevel as Record<string, number>;

describe("the policy pack served as the Pulumi CLI serves it", function () {
    this.timeout(120000);
    let child: ChildProcess | undefined;
    let client: Record<string, Call>;

    before(async function () {
        if (!fs.existsSync(RUN_POLICY_PACK)) {
            const message = "policy/node_modules is missing (run `npm ci` in policy/)";
            if (process.env.CI === "true") throw new Error(`${message}; CI must run this check.`);
            console.log(`      skipped: ${message}`);
            this.skip();
        }
        child = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d) => { stderr += String(d); });
        const port = await new Promise<number>((resolve, reject) => {
            child!.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
            child!.once("exit", (code) => reject(new Error(`the pack exited with ${code} before serving:\n${stderr}`)));
        });
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

        const configure = new analyzerPb.ConfigureAnalyzerRequest();
        const file = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "config", "production.json"), "utf8")) as Record<string, unknown>;
        for (const [name, value] of Object.entries(file)) {
            const { enforcementLevel, ...properties } = typeof value === "string" ? { enforcementLevel: value } : (value as Record<string, unknown>);
            const policyConfig = new analyzerPb.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVEL[String(enforcementLevel).toUpperCase()]);
            policyConfig.setProperties(StructPack.fromJavaScript(properties as never));
            configure.getPolicyconfigMap().set(name, policyConfig);
        }
        await call(client, "configure", configure);
    });

    after(() => {
        child?.kill();
    });

    function analyzeRequest(type: string, name: string, props: Record<string, unknown>): unknown {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(type);
        request.setName(name);
        request.setUrn(`urn:pulumi:production::service-stack::${type}::${name}`);
        request.setProperties(StructPack.fromJavaScript(props as never));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setProtect(false);
        request.setOptions(options);
        return request;
    }

    it("loads (type-checked by ts-node) and describes every policy with its level and remediation", async () => {
        const info = await call(client, "getAnalyzerInfo", new EmptyPack());
        expect(info.getName()).to.equal("service-stack-baseline");
        const policies = info.getPoliciesList();
        // Every policy of the pack's list, by name: the count changes with each policy added.
        expect(policies.map((p: any) => p.getName()).sort()).to.deep.equal(allPolicies.map((p) => p.name).sort());
        const privileged = policies.find((p: any) => p.getName() === "disallow-privileged");
        expect(privileged.getEnforcementlevel()).to.equal(LEVEL.MANDATORY);
        expect(privileged.getRemediationSteps()).to.match(/Remove `privileged: true`/);
    });

    it("passes a compliant container and blocks a privileged one", async () => {
        // A workload as the program declares it: its files arrive on volumes, so it has no uploads of its own.
        const container = compliantContainer("service-stack-production-redis", { uploads: [] });
        expect(diagnostics(await call(client, "analyze", analyzeRequest(container.type, container.name, container.inputs)))).to.deep.equal([]);
        const bad = diagnostics(await call(client, "analyze", analyzeRequest(container.type, container.name, { ...container.inputs, privileged: true })));
        // The analyzer sends the policy's description, then the violation's message.
        expect(bad.map((d) => [d.policy, d.level, d.message])).to.deep.equal([["disallow-privileged", LEVEL.MANDATORY, "No container runs privileged: a privileged container is root on the Docker host.\nThe container runs privileged."]]);
    });

    it("applies production's exemptions and parameters (edge may run as root; passwords need 32 characters)", async () => {
        const edge = compliantContainer("service-stack-production-edge", { user: "0:0", uploads: [] });
        const edgeFiles = resource(CONTAINER, "service-stack-production-edge-files", {
            name: "service-stack-production-edge-files", image: edge.inputs.image, user: "0:0", start: false, mustRun: false, restart: "no", networkMode: "none",
            readOnly: false, privileged: false, capabilities: { drops: ["ALL"], adds: [] }, securityOpts: ["no-new-privileges:true"], memory: 16,
            logDriver: "json-file", logOpts: { "max-size": "1m", "max-file": "1" },
            labels: [{ label: "com.service-stack.files-for", value: "service-stack-production-edge" }],
            mounts: [{ type: "volume", source: "service-stack-production-edge-files-etc-caddy-0a1b2c3d", target: "/etc/caddy", volumeOptions: { noCopy: true } }],
            uploads: [upload("/etc/caddy/Caddyfile", CADDYFILE)],
        });
        expect(diagnostics(await call(client, "analyze", analyzeRequest(edgeFiles.type, edgeFiles.name, edgeFiles.inputs)))).to.deep.equal([]);
        expect(diagnostics(await call(client, "analyze", analyzeRequest(edge.type, edge.name, edge.inputs)))).to.deep.equal([]);
        const short = diagnostics(await call(client, "analyze", analyzeRequest("random:index/randomPassword:RandomPassword", "pw", { length: 24, special: false })));
        expect(short.map((d) => d.message.split("\n").pop())).to.deep.equal(["Password length 24 is below the minimum of 32."]);
    });

    it("reports an unknown value during preview as an advisory it could not check, never a violation", async () => {
        const pending = diagnostics(await call(client, "analyze", analyzeRequest("random:index/randomPassword:RandomPassword", "pw", { length: UNKNOWN.number })));
        expect(pending.map((d) => [d.policy, d.level])).to.deep.equal([["require-minimum-password-length", LEVEL.ADVISORY]]);
        expect(pending[0]!.message).to.match(/can't run policy 'require-minimum-password-length' .* during preview/);
        const container = compliantContainer("service-stack-production-redis", { image: UNKNOWN.string, uploads: [] });
        expect(diagnostics(await call(client, "analyze", analyzeRequest(container.type, container.name, container.inputs)))).to.deep.equal([]);
    });

    it("runs the stack policies: a stack without its seven services is blocked", async () => {
        const request = new analyzerPb.AnalyzeStackRequest();
        const postgres = new analyzerPb.AnalyzerResource();
        postgres.setType("service-stack:docker:Postgres");
        postgres.setName("service-stack-production-postgres");
        postgres.setUrn("urn:pulumi:production::service-stack::service-stack:docker:Postgres::service-stack-production-postgres");
        postgres.setProperties(StructPack.fromJavaScript({}));
        postgres.setOptions(new analyzerPb.AnalyzerResourceOptions());
        request.setResourcesList([postgres]);
        const found = diagnostics(await call(client, "analyzeStack", request)).filter((d) => d.policy === "require-all-services");
        expect(found.map((d) => d.message)).to.have.length(6);
        expect(found.every((d) => d.level === LEVEL.MANDATORY)).to.equal(true);
    });
});
