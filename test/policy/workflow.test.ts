import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; "working-directory"?: string; if?: string }
interface Job { if?: string; needs?: string | string[]; environment?: string; steps: Step[]; strategy?: { matrix: { stack: string[] } }; permissions?: Record<string, string> }

const ROOT = path.resolve(__dirname, "..", "..");
const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "infrastructure.yml"), "utf8")) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

describe("the infrastructure workflow", () => {
    it("runs on pull requests and on pushes to main", () => {
        expect(workflow.on).to.have.keys("pull_request", "push");
    });

    it("installs the root and the policy pack with npm ci in every job", () => {
        for (const [name, job] of Object.entries(workflow.jobs)) {
            const installs = job.steps.filter((s) => s.run === "npm ci");
            expect(installs.map((s) => s["working-directory"] ?? "."), name).to.deep.equal([".", "policy"]);
        }
    });

    it("runs the unit tests and the offline policy check for staging and production before anything else", () => {
        const runs = workflow.jobs.checks!.steps.map((s) => s.run).filter(Boolean);
        expect(runs).to.include.members(["npm test", "npm run policy -- check --stack staging", "npm run policy -- check --stack production"]);
        for (const name of ["preview", "up-staging"]) expect(workflow.jobs[name]!.needs).to.equal("checks");
    });

    it("previews both stacks on pull requests with the pack and the stack's policy config, commenting on the PR", () => {
        const preview = workflow.jobs.preview!;
        expect(preview.if).to.equal("github.event_name == 'pull_request'");
        expect(preview.strategy!.matrix.stack).to.deep.equal(["staging", "production"]);
        expect(pulumiStep(preview).with).to.deep.include({
            command: "preview",
            "stack-name": "${{ matrix.stack }}",
            policyPacks: "policy",
            policyPackConfigs: "policy/config/${{ matrix.stack }}.json",
            "comment-on-pr": true,
        });
        for (const stack of preview.strategy!.matrix.stack) expect(fs.existsSync(path.join(ROOT, "policy", "config", `${stack}.json`)), stack).to.equal(true);
    });

    it("deploys staging on main, and production only after staging and behind the production environment's approval", () => {
        const staging = workflow.jobs["up-staging"]!;
        const production = workflow.jobs["up-production"]!;
        for (const job of [staging, production]) expect(job.if).to.equal("github.event_name == 'push' && github.ref == 'refs/heads/main'");
        expect(staging.environment).to.equal("staging");
        expect(production.environment).to.equal("production");
        expect(production.needs).to.equal("up-staging");
        expect(pulumiStep(staging).with).to.deep.include({ command: "up", "stack-name": "staging", policyPacks: "policy", policyPackConfigs: "policy/config/staging.json" });
        expect(pulumiStep(production).with).to.deep.include({ command: "up", "stack-name": "production", policyPacks: "policy", policyPackConfigs: "policy/config/production.json" });
    });

    it("takes and verifies a backup before every deploy, through the deploy's Docker host, and one after it", () => {
        for (const stack of ["staging", "production"]) {
            const steps = workflow.jobs[`up-${stack}`]!.steps;
            const before = steps.findIndex((s) => s.run === `npm run backup -- --stack ${stack} --label pre-deploy --allow-missing`);
            const up = steps.indexOf(pulumiStep(workflow.jobs[`up-${stack}`]!));
            const after = steps.findIndex((s) => s.run === `npm run backup -- --stack ${stack} --label post-deploy`);
            expect([before >= 0, before < up, after > up], stack).to.deep.equal([true, true, true]);
            for (const i of [before, after]) expect(steps[i]!.env, stack).to.deep.equal({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", DOCKER_HOST: "${{ vars.DOCKER_HOST }}" });
            expect(steps.findIndex((s) => s.uses?.startsWith("pulumi/setup-pulumi@")), stack).to.be.within(0, before);
        }
    });

    it("takes credentials only from secrets and variables", () => {
        const text = fs.readFileSync(path.join(ROOT, ".github", "workflows", "infrastructure.yml"), "utf8");
        expect(text).to.not.match(/AKIA[0-9A-Z]{16}|BEGIN [A-Z ]*PRIVATE KEY|pul-[0-9a-f]{40}/);
        for (const job of Object.values(workflow.jobs)) {
            const token = pulumiStep(job)?.env?.PULUMI_ACCESS_TOKEN;
            if (token !== undefined) expect(token).to.equal("${{ secrets.PULUMI_ACCESS_TOKEN }}");
        }
    });
});
