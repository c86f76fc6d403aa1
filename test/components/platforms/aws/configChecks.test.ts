import { expect } from "chai";
import { fargateSize } from "../../../../components/platforms/aws/fargateSize";
import { RDS_ADMIN_USER } from "../../../../components/platforms/aws/Postgres";
import { DEFAULT_REDIS_ENGINE_VERSIONS } from "../../../../components/settings/defaults";
import { ELASTICACHE_VERSIONS } from "../../../../components/settings/awsOfferings";
import { FARGATE_TASKS, LARGEST_FARGATE_TASK, taskDemand } from "../../../../components/settings/fargateTasks";
import { RESERVED_ROLE_NAMES } from "../../../../components/settings/sqlNames";
import { unwrap } from "../../../../harness/mocks";
import { containerDefinitionsOf, ON_AWS, sharedRunOnAws } from "../../../support/awsRun";

/**
 * The settings check AWS limits before any resource exists, from their own copies of what the AWS components
 * declare; these tests hold the copies to what a mocked run of the program actually declares.
 */
describe("the configuration-time AWS checks against what the program declares", () => {
    it("sums each Fargate task's CPU and memory exactly as its task definition does", async () => {
        const { mocks, outputs } = await sharedRunOnAws("production");
        for (const task of Object.keys(FARGATE_TASKS)) {
            const definition = mocks.named("aws:ecs/taskDefinition:TaskDefinition", `service-stack-production-${task}`);
            const containers = containerDefinitionsOf(definition);
            const declared = { cpu: containers.reduce((s, c) => s + (c.cpu ?? 0), 0), memory: containers.reduce((s, c) => s + c.memory, 0) };
            expect(taskDemand(task, outputs.settings.resources), task).to.deep.equal(declared);
            expect(unwrap(definition.inputs.cpu), task).to.equal(String(fargateSize(declared.cpu, declared.memory).cpu));
        }
        expect(LARGEST_FARGATE_TASK).to.deep.equal({ cpu: 16384, memory: 122880 });
    });

    it("keeps the RDS administrator's name among the roles the application role may not take", () => {
        expect(RESERVED_ROLE_NAMES).to.include(RDS_ADMIN_USER);
    });

    it("declares the ElastiCache parameter group family its version table names", async () => {
        const { mocks, outputs } = await sharedRunOnAws("production");
        const group = mocks.named("aws:elasticache/parameterGroup:ParameterGroup", "service-stack-production-redis");
        expect(outputs.settings.aws?.redis.engineVersion).to.equal(DEFAULT_REDIS_ENGINE_VERSIONS.redis);
        expect(unwrap(group.inputs.family)).to.equal(ELASTICACHE_VERSIONS.redis[DEFAULT_REDIS_ENGINE_VERSIONS.redis]);
        // Every family in the table is the one the component derives, `<engine><major>`.
        for (const [engine, versions] of Object.entries(ELASTICACHE_VERSIONS)) {
            for (const [version, family] of Object.entries(versions)) expect(family, `${engine} ${version}`).to.equal(`${engine}${version.split(".")[0]}`);
        }
    });
});

describe("the whole program at the edges of what the settings accept", function () {
    this.timeout(60000);
    const domain = `${"a".repeat(34)}.engineering.internal.test`;
    const extremes = {
        domain,
        dnsZone: "internal.test",
        passwordLength: 72,
        tls: { certValidityDays: 825, earlyRenewalDays: 365, caValidityDays: 7300 },
        jaeger: { maxTraces: 10000000 },
        api: { port: 65535, user: "2147483647:0", livePath: `/${"a".repeat(1023)}`, env: { LOG_LEVEL: "debug" } },
    };

    it("declares every resource on AWS with each Fargate task at the largest size and the ACM first name at 64 characters", async () => {
        expect(`api.${domain}`).to.have.length(64);
        const { mocks } = await recordStackOrFail("production", {
            ...ON_AWS,
            ...extremes,
            resources: { prometheus: { cpus: 15.5, memory: "110GiB" }, api: { cpus: 15.8, memory: "119GiB" } },
        });
        const sizes = mocks.ofType("aws:ecs/taskDefinition:TaskDefinition").map((t) => [unwrap(t.inputs.cpu), unwrap(t.inputs.memory)]);
        expect(sizes).to.deep.include(["16384", "122880"]);
        // An error inside an Output's apply would not surface as a throw: the resources after it would just be missing.
        expect(declared(mocks)).to.deep.equal(declared((await sharedRunOnAws("production")).mocks));
    });

    it("declares every resource on Docker with the edge on ports 1 and 65535", async () => {
        const { mocks } = await recordStackOrFail("dev", {
            ...extremes,
            dnsZone: undefined,
            acmeEmail: "ops@example.com",
            edge: { httpPort: 1, httpsPort: 65535 },
            alerting: { email: { to: "a+b.c@example.com", from: "am@example.com", smarthost: "10.0.0.5:65535", username: "on" } },
        });
        expect(mocks.ofType("docker:index/container:Container").filter((c) => c.inputs.start !== false)).to.have.length(14);
        expect(declared(mocks)).to.deep.equal(declared((await recordStackOrFail("dev", {})).mocks));
    });
});

/** `type name` of every resource a run declared, sorted. */
function declared(mocks: { resources: readonly { type: string; name: string }[] }): string[] {
    return mocks.resources.map((r) => `${r.type} ${r.name}`).sort();
}

/** A mocked run of the program that fails the test on any error, a ConfigError included. */
async function recordStackOrFail(stack: string, overrides: Record<string, unknown>) {
    const { runWithMocks } = await import("../../../../harness/runProgram");
    const { ProviderRecordingMocks } = await import("../../../support/awsRun");
    return runWithMocks(new ProviderRecordingMocks(), stack, overrides);
}
