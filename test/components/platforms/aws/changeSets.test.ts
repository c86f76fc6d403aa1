import { expect } from "chai";
import { changedResources, ON_AWS, RotatingMocks, runOnAws, sharedRunOnAws } from "../../../support/awsRun";
import { runWithMocks } from "../../../../harness/runProgram";

const PREFIX = "service-stack-production";

describe("change sets on AWS (production): what one change redeploys", () => {
    let baseline: Awaited<ReturnType<typeof sharedRunOnAws>>;
    before(async () => {
        baseline = await sharedRunOnAws("production");
    });

    it("a new API image changes only the API's task definition and service", async () => {
        const changed = await runOnAws("production", { images: { api: "registry.example.com/agente-api:1.4.3" } });
        expect(changedResources(baseline.mocks.resources, changed.mocks.resources)).to.deep.equal([
            `aws:ecs/service:Service ${PREFIX}-api`,
            `aws:ecs/taskDefinition:TaskDefinition ${PREFIX}-api`,
        ]);
    });

    it("a dashboard change re-uploads the dashboard and redeploys Grafana only (plus the alert rules that use the same metric)", async () => {
        const changed = await runOnAws("production", { api: { metricNames: { requestsTotal: "api_requests_total" } } });
        const diff = changedResources(baseline.mocks.resources, changed.mocks.resources);
        expect(diff.filter((d) => d.startsWith("aws:ecs/"))).to.deep.equal([
            `aws:ecs/service:Service ${PREFIX}-grafana`,
            `aws:ecs/service:Service ${PREFIX}-prometheus`,
            `aws:ecs/taskDefinition:TaskDefinition ${PREFIX}-grafana`,
            `aws:ecs/taskDefinition:TaskDefinition ${PREFIX}-prometheus`,
        ]);
        expect(diff.filter((d) => !d.startsWith("aws:ecs/")).every((d) => d.startsWith("aws:s3/bucketObjectv2:BucketObjectv2 "))).to.equal(true);
        expect(diff.some((d) => d.includes("-grafana-grafana-var-lib-grafana-dashboards-"))).to.equal(true);
    });

    it("rotating the Redis password updates ElastiCache, its stored copies and the two tasks that read it", async () => {
        const rotated = await runWithMocks(new RotatingMocks([`${PREFIX}-secrets-redis`]), "production", { ...ON_AWS });
        expect(changedResources(baseline.mocks.resources, rotated.mocks.resources)).to.deep.equal([
            `aws:ecs/service:Service ${PREFIX}-api`,
            `aws:ecs/service:Service ${PREFIX}-prometheus`,
            `aws:ecs/taskDefinition:TaskDefinition ${PREFIX}-api`,
            `aws:ecs/taskDefinition:TaskDefinition ${PREFIX}-prometheus`,
            `aws:elasticache/replicationGroup:ReplicationGroup ${PREFIX}-redis`,
            `aws:secretsmanager/secretVersion:SecretVersion ${PREFIX}-credentials-redis-auth-token`,
            `aws:secretsmanager/secretVersion:SecretVersion ${PREFIX}-prometheus-redis-exporter-run-secrets-redis-password-map-json`,
        ]);
    });
});
