import { expect } from "chai";
import { descriptionProblems, nameProblems } from "../../../../policy/lib/awsNames";
import {
    ContainerDefinition,
    FARGATE_TASK_SIZES,
    isDockerHubImage,
    isPrivateEcrImage,
    TASK_DEFINITION_MAX_BYTES,
    taskDefinitionProblems,
    TaskDefinitionInputs,
} from "../../../../policy/lib/ecsTasks";
import { RecordedResource, unwrap } from "../../../../harness/mocks";
import { sharedRunOnAws } from "../../../support/awsRun";

/**
 * Every AWS limit this stack can hit, checked over the resources each AWS stack declares, before anything is applied:
 * names (including the auto-names the provider would generate), description character sets, task definition size and
 * container count, the Fargate size table and the reservations in it, health-check forms, where images are pulled
 * from, IAM inline policy size, security group rule quotas, secret sizes, and load balancer health checks. The rules
 * live in policy/lib (awsNames.ts, ecsTasks.ts), which the policy pack uses for the ones that block a merge.
 */

type Inputs = Record<string, any>;

function inputs(r: RecordedResource): Inputs {
    return unwrap(r.inputs) as Inputs;
}

/** A recorded task definition in the form the checks read. */
export function taskInputs(r: RecordedResource): TaskDefinitionInputs {
    const { containerDefinitions, family, cpu, memory, requiresCompatibilities, ...rest } = inputs(r);
    return { family, cpu, memory, requiresCompatibilities, containerDefinitions: JSON.parse(containerDefinitions) as ContainerDefinition[], rest };
}

/** The smallest Fargate size with at least `cpu` units and `memory` MiB (the table the checks hold). */
function smallestFargateSize(cpu: number, memory: number): { cpu: number; memory: number } | undefined {
    for (const [size, memories] of Object.entries(FARGATE_TASK_SIZES).map(([c, m]) => [Number(c), m] as const).sort(([a], [b]) => a - b)) {
        if (size < cpu) continue;
        const fit = memories.find((m) => m >= memory);
        if (fit !== undefined) return { cpu: size, memory: fit };
    }
    return undefined;
}

/** ELB target group health check ranges (CreateTargetGroup). */
function targetGroupProblems(tg: Inputs): string[] {
    const h = tg.healthCheck ?? {};
    const problems: string[] = [];
    const within = (field: string, min: number, max: number) => {
        if (h[field] !== undefined && (h[field] < min || h[field] > max)) problems.push(`health check ${field} ${h[field]} is outside ${min}–${max}.`);
    };
    within("interval", 5, 300);
    within("timeout", 2, 120);
    within("healthyThreshold", 2, 10);
    within("unhealthyThreshold", 2, 10);
    if (h.timeout !== undefined && h.interval !== undefined && h.timeout >= h.interval) problems.push(`health check timeout ${h.timeout} is not shorter than the interval ${h.interval}.`);
    if (h.path !== undefined && !(typeof h.path === "string" && h.path.startsWith("/") && h.path.length <= 1024)) problems.push(`health check path ${JSON.stringify(h.path)} is not an absolute path of at most 1024 characters.`);
    if (h.matcher !== undefined && !String(h.matcher).split(",").every((code) => /^\d{3}(-\d{3})?$/.test(code) && Number(code.slice(0, 3)) >= 200 && Number(code.slice(-3)) <= 499)) problems.push(`health check matcher ${h.matcher} is not HTTP codes from 200 to 499.`);
    return problems;
}

/** IAM counts an inline policy's size without whitespace; a role's inline policies together may hold 10,240 characters. */
const ROLE_INLINE_POLICY_MAX = 10240;
/** Rules per security group and direction (VPC quota, default). */
const SECURITY_GROUP_RULES_MAX = 60;
/** Secrets Manager secret value limit. */
const SECRET_VALUE_MAX_BYTES = 65536;

for (const stack of ["staging", "production"] as const) {
    describe(`AWS limits over the ${stack} stack on AWS, before apply`, () => {
        let resources: RecordedResource[];
        let tasks: RecordedResource[];
        before(async () => {
            resources = (await sharedRunOnAws(stack)).mocks.resources;
            tasks = resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
        });

        it("names every resource within its service's length and character rules, auto-names included", () => {
            const problems = resources.flatMap((r) => nameProblems(r.type, r.name, inputs(r)).map((p) => `${r.type} ${r.name}: ${p}`));
            expect(problems).to.deep.equal([]);
            // The rules saw the names that broke the first deploy: the load balancer and its five target groups.
            expect(resources.filter((r) => r.type.startsWith("aws:lb/") && (r.type.endsWith(":LoadBalancer") || r.type.endsWith(":TargetGroup"))).map((r) => inputs(r).name.length).every((n: number) => n <= 32)).to.equal(true);
        });

        it("writes every description in the characters its service accepts", () => {
            const problems = resources.flatMap((r) => descriptionProblems(r.type, inputs(r)).map((p) => `${r.type} ${r.name}: ${p}`));
            expect(problems).to.deep.equal([]);
            expect(resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length).to.be.greaterThan(14);
        });

        it("registers task definitions ECS and Fargate accept: size, container count, Fargate size, reservations, health checks, start order", () => {
            expect(tasks).to.have.length(6);
            const problems = tasks.flatMap((t) => taskDefinitionProblems(taskInputs(t)).map((p) => `${t.name}: ${p}`));
            expect(problems).to.deep.equal([]);
            // Headroom: the init script grows with every rendered file (Prometheus's task is the largest, about 23 KB).
            for (const t of tasks) {
                const bytes = Buffer.byteLength(JSON.stringify(taskInputs(t)), "utf8");
                expect(bytes, t.name).to.be.lessThan(TASK_DEFINITION_MAX_BYTES / 2);
            }
        });

        it("sizes each task for the work: the smallest Fargate size that holds its containers, one-shot containers reserving no CPU", () => {
            for (const t of tasks) {
                const task = taskInputs(t);
                const defs = task.containerDefinitions;
                // One-shot: not essential and not restarted (a restarted sidecar keeps running and reserves CPU).
                for (const oneShot of defs.filter((d) => d.essential === false && !(d as { restartPolicy?: unknown }).restartPolicy)) expect(oneShot.cpu, `${t.name} ${oneShot.name}`).to.equal(undefined);
                const cpu = defs.reduce((sum, d) => sum + (d.cpu ?? 0), 0);
                const memory = defs.reduce((sum, d) => sum + (d.memory ?? 0), 0);
                expect({ cpu: Number(task.cpu), memory: Number(task.memory) }, t.name).to.deep.equal(smallestFargateSize(cpu, memory));
            }
            const api = taskInputs(tasks.find((t) => t.name.endsWith("-api"))!);
            expect(Number(api.cpu)).to.equal(stack === "production" ? 2048 : 512);
        });

        it("pulls every image from ECR, or with registry credentials: never anonymously from the internet", () => {
            for (const t of tasks) {
                for (const d of taskInputs(t).containerDefinitions) {
                    const source = isPrivateEcrImage(d.image!) ? "ecr" : d.repositoryCredentials?.credentialsParameter ? "credentials" : "anonymous";
                    expect(source, `${t.name} ${d.name} ${d.image}`).to.not.equal("anonymous");
                    expect(isDockerHubImage(d.image!) && !d.repositoryCredentials, `${t.name} ${d.name}`).to.equal(false);
                }
            }
        });

        it("checks target health in the ranges ELB accepts", () => {
            const groups = resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup");
            expect(groups).to.have.length(5);
            expect(groups.flatMap((g) => targetGroupProblems(inputs(g)).map((p) => `${g.name}: ${p}`))).to.deep.equal([]);
        });

        it("keeps each role's inline policies within IAM's 10,240 characters", () => {
            const byRole = new Map<string, number>();
            for (const p of resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map(inputs)) {
                byRole.set(p.role, (byRole.get(p.role) ?? 0) + String(p.policy).replace(/\s/g, "").length);
            }
            expect(byRole.size).to.be.greaterThan(10);
            for (const [role, size] of byRole) expect(size, role).to.be.at.most(ROLE_INLINE_POLICY_MAX);
        });

        it("keeps every security group within 60 rules each way, and every secret within 64 KiB", () => {
            const count = (type: string) => {
                const perGroup = new Map<string, number>();
                for (const r of resources.filter((x) => x.type === type).map(inputs)) perGroup.set(r.securityGroupId, (perGroup.get(r.securityGroupId) ?? 0) + 1);
                return perGroup;
            };
            for (const type of ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"]) {
                for (const [group, n] of count(type)) expect(n, `${type} ${group}`).to.be.at.most(SECURITY_GROUP_RULES_MAX);
            }
            for (const v of resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")) {
                expect(Buffer.byteLength(String(inputs(v).secretString), "utf8"), v.name).to.be.at.most(SECRET_VALUE_MAX_BYTES);
            }
        });
    });
}

describe("the AWS limit checks catch what AWS refuses", () => {
    const container = (extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name: "api", image: "x", essential: true, cpu: 256, memory: 512, ...extra });
    const task = (defs: ContainerDefinition[], extra: Partial<TaskDefinitionInputs> = {}): TaskDefinitionInputs => ({ family: "f", cpu: "512", memory: "1024", requiresCompatibilities: ["FARGATE"], containerDefinitions: defs, rest: {}, ...extra });

    it("passes a definition Fargate runs", () => {
        expect(taskDefinitionProblems(task([container({ healthCheck: { command: ["CMD", "true"], interval: 15, timeout: 5, retries: 3, startPeriod: 30 } })]))).to.deep.equal([]);
    });

    for (const [what, input, expected] of [
        ["a definition over 64 KiB", task([container({ name: "x".repeat(70000) })]), /the registered definition is \d+ bytes; ECS accepts 65536/],
        ["eleven containers", task(Array.from({ length: 11 }, (_, i) => container({ name: `c${i}`, cpu: 0, memory: 64 })), { memory: "1024" }), /11 containers; ECS accepts 10/],
        ["a size Fargate does not run", task([container()], { cpu: "512", memory: "512" }), /task memory 512 MiB is not allowed with 512 CPU units/],
        ["reservations over the task size", task([container({ cpu: 512 }), container({ name: "sidecar", cpu: 128 })]), /containers reserve 640 CPU units; the task has 512/],
        ["a health check in Docker's NONE form", task([container({ healthCheck: { command: ["NONE"] } })]), /is not `\["CMD", …\]`/],
        ["a health check interval of 400 s", task([container({ healthCheck: { command: ["CMD", "true"], interval: 400 } })]), /interval 400 is outside 5–300/],
        ["a SUCCESS wait on an essential container", task([container({ name: "init" }), container({ dependsOn: [{ containerName: "init", condition: "SUCCESS" }] })], { cpu: "1024", memory: "2048" }), /waits for SUCCESS of init, which is essential/],
        ["a HEALTHY wait on a container without a health check", task([container({ name: "db" }), container({ dependsOn: [{ containerName: "db", condition: "HEALTHY" }] })], { cpu: "1024", memory: "2048" }), /db to be HEALTHY, which has no health check/],
    ] as const) {
        it(`reports ${what}`, () => {
            const problems = taskDefinitionProblems(input);
            expect(problems.some((p) => (expected as RegExp).test(p)), JSON.stringify(problems)).to.equal(true);
        });
    }

    it("reports target group health checks ELB refuses", () => {
        expect(targetGroupProblems({ healthCheck: { interval: 5, timeout: 5, healthyThreshold: 1, path: "health", matcher: "200,600" } })).to.deep.equal([
            "health check healthyThreshold 1 is outside 2–10.",
            "health check timeout 5 is not shorter than the interval 5.",
            'health check path "health" is not an absolute path of at most 1024 characters.',
            "health check matcher 200,600 is not HTTP codes from 200 to 499.",
        ]);
    });
});
