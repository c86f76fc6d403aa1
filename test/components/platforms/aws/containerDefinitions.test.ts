import { expect } from "chai";
import { ContainerPlan, mountRoots, TaskPlan, taskLayout, volumeName } from "../../../../components/platforms/aws/containerDefinitions";
// Docker's default capability set as the policy pack knows it, not as the code under test does.
import { DOCKER_DEFAULT_CAPABILITIES } from "../../../../policy/policies/aws/ecs";

const object = (key: string) => ({ kind: "object" as const, key, versionId: `v-${key}` });
const secret = (name: string) => ({ kind: "secret" as const, valueFrom: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}` });

const prometheus: ContainerPlan = {
    name: "prometheus",
    image: "prom/prometheus:v3.5.0",
    user: "65534:65534",
    cpu: 1024,
    memoryMiB: 2048,
    command: ["--config.file=/etc/prometheus/prometheus.yml"],
    environment: { TZ: "UTC" },
    ports: [9090],
    healthCheck: ["CMD", "promtool", "check", "healthy"],
    startPeriodSeconds: 60,
    files: [
        { path: "/etc/prometheus/prometheus.yml", source: object("p.yml") },
        { path: "/etc/prometheus/rules/api.yml", source: object("api.yml") },
        { path: "/etc/prometheus/tls/tls.key", source: secret("tls-key") },
        { path: "/run/secrets/prometheus-password", source: secret("prometheus-password") },
    ],
    stateMounts: [{ volume: "prometheus-data", path: "/prometheus" }],
};
const redisExporter: ContainerPlan = {
    name: "redis-exporter",
    image: "oliver006/redis_exporter:v1.76.0-alpine",
    user: "59000:59000",
    cpu: 102,
    memoryMiB: 64,
    files: [{ path: "/run/secrets/redis-password-map.json", source: secret("map") }],
};
const plan: TaskPlan = { region: "eu-west-1", logGroup: "/ecs/x/prometheus", configBucket: "config-bucket", initImage: "public.ecr.aws/aws-cli/aws-cli:2.27.0", configHash: "abc123", containers: [prometheus, redisExporter] };

describe("taskLayout", () => {
    const layout = taskLayout(plan);
    const byName = (name: string) => layout.containerDefinitions.find((c) => c.name === name)!;

    it("mounts only the directories files go into, collapsed to the topmost", () => {
        expect(mountRoots(["/etc/prometheus/prometheus.yml", "/etc/prometheus/rules/a.yml", "/etc/prometheus/tls/tls.key", "/run/secrets/x"])).to.deep.equal(["/etc/prometheus", "/run/secrets"]);
        expect(mountRoots(["/etc/grafana/provisioning/datasources/d.yml", "/etc/grafana/provisioning/dashboards/d.yml", "/etc/grafana/tls/tls.crt"])).to.deep.equal([
            "/etc/grafana/provisioning/dashboards", "/etc/grafana/provisioning/datasources", "/etc/grafana/tls",
        ]);
        expect(volumeName("postgres-exporter", "/etc/postgres_exporter")).to.equal("postgres-exporter-etc-postgres-exporter");
        expect(layout.configVolumes).to.deep.equal(["prometheus-etc-prometheus", "prometheus-run-secrets", "redis-exporter-run-secrets"]);
    });

    it("adds one init container for the task, running as root (Fargate's task volumes are root's), that waits for nothing and is not essential", () => {
        expect(layout.containerDefinitions.map((c) => c.name)).to.deep.equal(["config-init", "prometheus", "redis-exporter"]);
        expect(byName("config-init")).to.deep.include({ user: "0:0", essential: false, image: plan.initImage, readonlyRootFilesystem: true, entryPoint: ["/bin/sh", "-c"], portMappings: [] });
        expect(byName("config-init").dependsOn).to.equal(undefined);
    });

    it("lets the root init container keep CHOWN alone: every other default capability dropped by name, none added", () => {
        const { capabilities } = byName("config-init").linuxParameters;
        expect([...capabilities.drop].sort()).to.deep.equal(DOCKER_DEFAULT_CAPABILITIES.filter((c) => c !== "CHOWN"));
        expect(capabilities).not.to.have.property("add");
        expect(byName("config-init")).not.to.have.property("privileged");
    });

    it("hands secrets to the init container through ECS `secrets` only", () => {
        expect(byName("config-init").secrets).to.deep.equal([
            { name: "SECRET_PROMETHEUS_ETC_PROMETHEUS_TLS_TLS_KEY", valueFrom: secret("tls-key").valueFrom },
            { name: "SECRET_PROMETHEUS_RUN_SECRETS_PROMETHEUS_PASSWORD", valueFrom: secret("prometheus-password").valueFrom },
            { name: "SECRET_REDIS_EXPORTER_RUN_SECRETS_REDIS_PASSWORD_MAP_JSON", valueFrom: secret("map").valueFrom },
        ]);
        expect(byName("config-init").environment).to.deep.equal([
            { name: "AWS_REGION", value: "eu-west-1" }, { name: "CONFIG_BUCKET", value: "config-bucket" }, { name: "CONFIG_SHA256", value: "abc123" },
        ]);
        expect(byName("prometheus").secrets).to.deep.equal([]);
        expect(byName("prometheus").environment).to.deep.equal([{ name: "TZ", value: "UTC" }]);
        expect(byName("redis-exporter").secrets).to.deep.equal([]);
    });

    it("writes each file into the init container's mount of the consumer's volume", () => {
        const script = byName("config-init").command![0]!;
        expect(script).to.contain("--key 'p.yml' --version-id 'v-p.yml' '/out/prometheus-etc-prometheus/prometheus.yml'");
        expect(script).to.contain("'/out/prometheus-etc-prometheus/rules/api.yml'");
        expect(script).to.contain(`printf '%s' "$SECRET_PROMETHEUS_RUN_SECRETS_PROMETHEUS_PASSWORD" > '/out/prometheus-run-secrets/prometheus-password'`);
        expect(byName("config-init").mountPoints).to.deep.equal([
            { sourceVolume: "prometheus-etc-prometheus", containerPath: "/out/prometheus-etc-prometheus", readOnly: false },
            { sourceVolume: "prometheus-run-secrets", containerPath: "/out/prometheus-run-secrets", readOnly: false },
            { sourceVolume: "redis-exporter-run-secrets", containerPath: "/out/redis-exporter-run-secrets", readOnly: false },
        ]);
    });

    it("hands each secret file, and only secret files, to its own consumer's user; configuration stays root's", () => {
        const chowns = byName("config-init").command![0]!.split("\n").filter((l) => l.startsWith("chown "));
        expect(chowns).to.deep.equal([
            "chown 65534:65534 '/out/prometheus-etc-prometheus/tls/tls.key'",
            "chown 65534:65534 '/out/prometheus-run-secrets/prometheus-password'",
            "chown 59000:59000 '/out/redis-exporter-run-secrets/redis-password-map.json'",
        ]);
    });

    it("mounts configuration read-only in the main container and state read-write, after its init container succeeds", () => {
        expect(byName("prometheus").mountPoints).to.deep.equal([
            { sourceVolume: "prometheus-etc-prometheus", containerPath: "/etc/prometheus", readOnly: true },
            { sourceVolume: "prometheus-run-secrets", containerPath: "/run/secrets", readOnly: true },
            { sourceVolume: "prometheus-data", containerPath: "/prometheus", readOnly: false },
        ]);
        expect(byName("redis-exporter").mountPoints).to.deep.equal([{ sourceVolume: "redis-exporter-run-secrets", containerPath: "/run/secrets", readOnly: true }]);
        expect(byName("prometheus").dependsOn).to.deep.equal([{ containerName: "config-init", condition: "SUCCESS" }]);
        expect(byName("redis-exporter").dependsOn).to.deep.equal([{ containerName: "config-init", condition: "SUCCESS" }]);
    });

    it("hardens and logs every container; every one but the init container is non-root with every capability dropped", () => {
        for (const c of layout.containerDefinitions) {
            expect(c.readonlyRootFilesystem, c.name).to.equal(true);
            if (c.name !== "config-init") {
                expect(c.user, c.name).to.match(/^[1-9]\d*:\d+$/);
                expect(c.linuxParameters.capabilities.drop, c.name).to.deep.equal(["ALL"]);
            }
            expect(c.logConfiguration.options, c.name).to.deep.include({ "awslogs-group": "/ecs/x/prometheus", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": c.name });
            expect(c, c.name).not.to.have.property("privileged");
        }
        expect(byName("prometheus").healthCheck).to.deep.equal({ command: ["CMD", "promtool", "check", "healthy"], interval: 15, timeout: 5, retries: 5, startPeriod: 60 });
    });

    it("sizes the task for the containers that keep running: one-shot containers reserve memory but no CPU", () => {
        // 1024 + 102 units (the init container none), 128 + 2048 + 64 MiB.
        expect(layout.size).to.deep.equal({ cpu: 2048, memory: 4096 });
        expect(byName("config-init")).to.not.have.property("cpu");
        // The API's shape: 2 vCPU for the API, a one-shot psql client before it. Counting the client's 128 units made it 4 vCPU.
        const api = taskLayout({ ...plan, containers: [{ ...prometheus, name: "api", cpu: 2048, memoryMiB: 1024 }, { ...redisExporter, name: "db-roles", cpu: 128, memoryMiB: 128, essential: false }] });
        expect(api.size).to.deep.equal({ cpu: 2048, memory: 4096 });
        expect(api.containerDefinitions.find((c) => c.name === "db-roles")).to.deep.include({ memory: 128 }).and.not.have.property("cpu");
        // At a size boundary the init container's 128 MiB count: 3008 MiB alone would fit 3072, 3008 + 128 needs 4096.
        expect(taskLayout({ ...plan, containers: [{ ...prometheus, cpu: 256, memoryMiB: 3008 }] }).size).to.deep.equal({ cpu: 512, memory: 4096 });
    });

    it("orders a container's other waits after the init container, and adds no init container to a task without files", () => {
        const single = taskLayout({ ...plan, containers: [{ ...prometheus, after: ["db-roles"] }, { ...redisExporter, name: "db-roles", user: "65534:65534", essential: false }] });
        expect(single.containerDefinitions.map((c) => c.name)).to.deep.equal(["config-init", "prometheus", "db-roles"]);
        expect(single.containerDefinitions[1]!.dependsOn).to.deep.equal([{ containerName: "config-init", condition: "SUCCESS" }, { containerName: "db-roles", condition: "SUCCESS" }]);
        const fileless = taskLayout({ ...plan, containers: [{ ...redisExporter, files: [] }] });
        expect(fileless.containerDefinitions.map((c) => c.name)).to.deep.equal(["redis-exporter"]);
        expect(fileless.containerDefinitions[0]).not.to.have.property("dependsOn");
    });

    it("refuses root workloads, the init container's name, duplicate names and unknown waits", () => {
        expect(() => taskLayout({ ...plan, containers: [{ ...prometheus, name: "config-init" }] })).to.throw('container name "config-init" is reserved for the init container.');
        expect(() => taskLayout({ ...plan, containers: [{ ...prometheus, user: "0:0" }] })).to.throw('container "prometheus" has user "0:0": expected a numeric, non-root uid[:gid].');
        expect(() => taskLayout({ ...plan, containers: [prometheus, prometheus] })).to.throw('two containers are named "prometheus"');
        expect(() => taskLayout({ ...plan, containers: [{ ...prometheus, after: ["nope"] }] })).to.throw('waits for unknown container "nope"');
    });
});
