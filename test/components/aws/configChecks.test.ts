import { expect } from "chai";
import { fargateSize } from "../../../components/aws/fargateSize";
import { RDS_ADMIN_USER } from "../../../components/aws/Postgres";
import { DEFAULT_REDIS_ENGINE_VERSIONS } from "../../../components/settings/defaults";
import { ELASTICACHE_VERSIONS } from "../../../components/settings/awsOfferings";
import { FARGATE_TASKS, LARGEST_FARGATE_TASK, taskDemand } from "../../../components/settings/fargateTasks";
import { RESERVED_ROLE_NAMES } from "../../../components/settings/sqlNames";
import { unwrap } from "../../support/mocks";
import { containerDefinitionsOf, sharedRunOnAws } from "../../support/awsRun";

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
            const declared = { cpu: containers.reduce((s, c) => s + c.cpu, 0), memory: containers.reduce((s, c) => s + c.memory, 0) };
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
