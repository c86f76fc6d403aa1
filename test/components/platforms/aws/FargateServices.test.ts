import { expect } from "chai";
import type { EcsContainerDefinition } from "../../../../components/platforms/aws/containerDefinitions";
import { AWS_CLI_IMAGE } from "../../../../components/platforms/aws/context";
import { renderAlertRules } from "../../../../components/render/alertRules";
import { renderDashboards, renderGrafanaDatasources } from "../../../../components/render/grafana";
import { renderPrometheusConfig } from "../../../../components/render/prometheus";
import { renderRdsRolesSql } from "../../../../components/render/rdsRoles";
import { isSecretWrapper, KEY_MARKER, RecordedResource, SECRET_MARKER, unwrap } from "../../../../harness/mocks";
import { containerDefinitionsOf, ProviderRecordingMocks, sharedRunOnAws } from "../../../support/awsRun";
import type { ProgramRun } from "../../../../harness/runProgram";
import { renderInputs } from "../../../support/renderInputs";

type Run = ProgramRun & { mocks: ProviderRecordingMocks };
type Inputs = Record<string, any>;

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const SERVICES = ["alertmanager", "api", "grafana", "jaeger", "prometheus"];
const CREDENTIAL_NAME = /PASSWORD|PASS\b|SECRET|TOKEN|(^|_)KEY($|_)|CREDENTIAL|PRIVATE/;

function inputs(r: RecordedResource): Inputs {
    return unwrap(r.inputs) as Inputs;
}

/** Every string in `value` that contains `marker` outside a secret wrapper, with its path. */
function plainOccurrences(value: unknown, marker: string, path = "", inSecret = false): string[] {
    if (isSecretWrapper(value)) return plainOccurrences(value.value, marker, path, true);
    if (typeof value === "string") return !inSecret && value.includes(marker) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plainOccurrences(v, marker, `${path}[${i}]`, inSecret));
    if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => plainOccurrences(v, marker, `${path}.${k}`, inSecret));
    return [];
}

for (const stack of ["staging", "production"] as const) {
    const prefix = `service-stack-${stack}`;

    describe(`the ${stack} stack's Fargate services on AWS under mocks`, function () {
        let run: Run;
        let tasks: Map<string, EcsContainerDefinition[]>;
        const task = (service: string) => run.mocks.named(TASK, `${prefix}-${service}`);
        const containers = (service: string) => tasks.get(service)!;
        const container = (service: string, name: string) => containers(service).find((c) => c.name === name)!;
        const object = (service: string, key: string) => run.mocks.ofType(OBJECT).map(inputs).find((o) => o.key === `${service}/${key}`);

        before(async () => {
            run = await sharedRunOnAws(stack);
            tasks = new Map(SERVICES.map((s) => [s, containerDefinitionsOf(task(s))]));
        });

        it("runs the five services on Fargate in the private subnets, without public IPs, rolling back failed deployments", () => {
            const all = run.mocks.ofType(SERVICE).map(inputs);
            // The backup task's service runs no task: `npm run backup` runs its definition once (BackupTask.test.ts).
            expect(all.filter((s) => s.name === "backup").map((s) => [s.desiredCount, s.loadBalancers])).to.deep.equal([[0, undefined]]);
            const services = all.filter((s) => s.name !== "backup");
            expect(services.map((s) => s.name).sort()).to.deep.equal(SERVICES);
            for (const s of services) {
                expect(s, s.name).to.deep.include({ launchType: "FARGATE", cluster: `arn:aws:ecs:eu-west-1:123456789012:${s.cluster.split(":").pop()}` });
                expect(s.networkConfiguration.assignPublicIp, s.name).to.equal(false);
                expect(s.networkConfiguration.subnets.every((id: string) => id.includes("-network-private-")), s.name).to.equal(true);
                expect(s.networkConfiguration.securityGroups, s.name).to.deep.equal([`${prefix}-cluster-tasks-id`]);
                expect(s.deploymentCircuitBreaker, s.name).to.deep.equal({ enable: true, rollback: true });
                expect(s.waitForSteadyState, s.name).to.equal(true);
                expect(s.serviceRegistries.registryArn, s.name).to.match(/^arn:aws:servicediscovery:/);
                expect(s.loadBalancers?.[0]?.targetGroupArn, s.name).to.match(/targetgroup\//);
            }
            const byName = Object.fromEntries(services.map((s) => [s.name, s]));
            // One writer per EFS directory: never two Prometheus servers on one TSDB.
            for (const single of ["prometheus", "grafana", "alertmanager"]) expect(byName[single], single).to.deep.include({ desiredCount: 1, deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
            expect(byName.api.desiredCount).to.equal(stack === "production" ? 3 : 2);
        });

        it("registers every service in the Cloud Map namespace the rendered configs address", () => {
            expect(run.mocks.ofType("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").map(inputs)[0]).to.deep.include({ name: `${prefix}.internal` });
            const discovery = run.mocks.ofType("aws:servicediscovery/service:Service").map(inputs);
            expect(discovery.map((d) => d.name).sort()).to.deep.equal([...SERVICES, "backup"].sort());
            for (const d of discovery) expect(d.dnsConfig.dnsRecords).to.deep.equal([{ type: "A", ttl: 10 }]);
            expect(run.mocks.ofType("aws:ecs/cluster:Cluster").map(inputs)[0]!.settings).to.deep.equal([{ name: "containerInsights", value: "enhanced" }]);
        });

        it("issues the internal certificates for the names services are reached by", () => {
            const requests = Object.fromEntries(run.mocks.ofType("tls:index/certRequest:CertRequest").map((r) => [r.name.replace(`${prefix}-ca-`, "").replace(/-csr$/, ""), inputs(r).dnsNames]));
            expect(requests).to.deep.equal({
                api: [`api.${prefix}.internal`],
                prometheus: [`prometheus.${prefix}.internal`],
                grafana: [`grafana.${prefix}.internal`],
                alertmanager: [`alertmanager.${prefix}.internal`],
                jaeger: [`jaeger.${prefix}.internal`],
                postgresExporter: [`prometheus.${prefix}.internal`],
                redisExporter: [`prometheus.${prefix}.internal`],
                blackboxExporter: [`prometheus.${prefix}.internal`],
            });
        });

        it("runs every container but the init container as a non-root user with every capability dropped, all on a read-only root filesystem, logging to its service's encrypted group", () => {
            for (const service of SERVICES) {
                for (const c of containers(service)) {
                    expect(c.readonlyRootFilesystem, `${service}/${c.name}`).to.equal(true);
                    expect(c, `${service}/${c.name}`).not.to.have.property("privileged");
                    expect(c.logConfiguration.options["awslogs-group"], `${service}/${c.name}`).to.equal(`/ecs/${prefix}/${service}`);
                    if (c.name === "config-init") continue;
                    expect(c.user, `${service}/${c.name}`).to.match(/^[1-9]\d*:\d+$/);
                    expect(c.linuxParameters.capabilities, `${service}/${c.name}`).to.deep.equal({ drop: ["ALL"] });
                }
            }
        });

        it("runs one init container per task as root (Fargate's task volumes are root's) keeping only CHOWN, handing each secret file to its consumer", () => {
            for (const service of SERVICES) {
                const inits = containers(service).filter((c) => c.name.startsWith("config-init"));
                expect(inits.map((c) => c.name), service).to.deep.equal(["config-init"]);
                const init = inits[0]!;
                expect(init, service).to.deep.include({ user: "0:0", essential: false, portMappings: [] });
                expect([...init.linuxParameters.capabilities.drop].sort(), service).to.deep.equal(["AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
                // Every secret the init container receives is written once and handed to the user of the container whose volume it lands in.
                const lines = init.command![0]!.split("\n");
                const userOfVolume = new Map(containers(service).flatMap((c) => c.mountPoints.map((m) => [m.sourceVolume, c.user] as const)).filter(([, user]) => user !== "0:0"));
                // One chown per secret, and one per shared volume handed to its writer (Prometheus's API targets).
                const handedOver = (inputs(task(service)).volumes as Inputs[]).filter((v) => v.name === "api-targets").length;
                expect(lines.filter((l) => l.startsWith("chown ")), service).to.have.length(init.secrets.length + handedOver);
                for (const s of init.secrets) {
                    const write = lines.findIndex((l) => l.startsWith(`printf '%s' "$${s.name}" > `));
                    expect(write, `${service} ${s.name}`).to.be.greaterThan(-1);
                    const target = lines[write]!.split(" > ")[1]!;
                    const volume = target.split("/")[2]!;
                    expect(lines.slice(write + 1, write + 3), `${service} ${s.name}`).to.deep.equal([`chmod 0400 ${target}`, `chown ${userOfVolume.get(volume)} ${target}`]);
                }
            }
            const chowns = containers("prometheus").find((c) => c.name === "config-init")!.command![0]!.split("\n").filter((l) => l.startsWith("chown "));
            expect(new Set(chowns.map((l) => l.split(" ")[1])), "Prometheus and its exporters' users").to.deep.equal(new Set(["65534:65534", "59000:59000"]));
        });

        it("never puts a credential in a task's environment: names and values checked, secret markers nowhere", () => {
            let variables = 0;
            for (const service of SERVICES) {
                for (const c of containers(service)) {
                    for (const { name, value } of c.environment) {
                        variables++;
                        if (CREDENTIAL_NAME.test(name)) expect(value, `${service}/${c.name} ${name}`).to.match(/^\/[^\s]*$/);
                        expect(value, `${service}/${c.name} ${name}`).not.to.contain(SECRET_MARKER).and.not.to.contain("BEGIN");
                    }
                }
                const json = JSON.stringify(unwrap(task(service).inputs.containerDefinitions));
                expect(json, service).not.to.contain(SECRET_MARKER);
                expect(json, service).not.to.contain(KEY_MARKER);
                expect(isSecretWrapper(task(service).inputs.containerDefinitions), service).to.equal(false);
            }
            expect(variables).to.be.greaterThan(50);
        });

        it("never puts a generated secret or private key in plain text in any resource's inputs", () => {
            for (const r of run.mocks.resources) {
                expect(plainOccurrences(r.inputs, SECRET_MARKER), `${r.type} ${r.name}`).to.deep.equal([]);
                expect(plainOccurrences(r.inputs, KEY_MARKER), `${r.type} ${r.name}`).to.deep.equal([]);
            }
        });

        it("hands secrets only to init containers and the psql client, from Secrets Manager", () => {
            for (const service of SERVICES) {
                for (const c of containers(service)) {
                    if (c.name.startsWith("config-init") || c.name === "db-roles") {
                        for (const s of c.secrets) expect(s.valueFrom, `${service}/${c.name} ${s.name}`).to.match(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:/);
                    } else {
                        expect(c.secrets, `${service}/${c.name}`).to.deep.equal([]);
                    }
                }
            }
            const roles = container("api", "db-roles");
            expect(roles.secrets.map((s) => s.name)).to.deep.equal(["APP_PASSWORD", "BACKUP_PASSWORD", "EXPORTER_PASSWORD", "PGPASSWORD"]);
            expect(roles.secrets.find((s) => s.name === "PGPASSWORD")!.valueFrom).to.match(/:secret:rds!db-.*:password::$/);
        });

        it("pins each secret its own task checks to the registered version; credentials another side checks follow AWSCURRENT", () => {
            const versions = new Map(run.mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => [v.name, String(run.mocks.stateOf(v.type, v.name).versionId)]));
            const valueFrom = (service: string, c: string, env: string) => container(service, c).secrets.find((s) => s.name === env)!.valueFrom;
            // The task's own key and web config: pinned to the version the definition was registered with.
            expect(valueFrom("prometheus", "config-init", "SECRET_PROMETHEUS_ETC_PROMETHEUS_TLS_TLS_KEY")).to.match(/:secret:[^:]+:::[0-9a-f]{36}$/);
            expect(valueFrom("prometheus", "config-init", "SECRET_PROMETHEUS_ETC_PROMETHEUS_TLS_TLS_KEY").split(":::")[1]).to.equal(versions.get(`${prefix}-prometheus-prometheus-etc-prometheus-tls-tls-key`));
            expect(valueFrom("prometheus", "config-init", "SECRET_PROMETHEUS_RUN_SECRETS_PROMETHEUS_PASSWORD").split(":::")[1]).to.equal(versions.get(`${prefix}-credentials-prometheus-password`));
            expect(valueFrom("api", "db-roles", "APP_PASSWORD").split(":::")[1]).to.equal(versions.get(`${prefix}-credentials-postgres-app-password`));
            // Checked by ElastiCache, Alertmanager, the API or another task: the current value, a bare ARN.
            for (const [service, c, env] of [
                ["api", "config-init", "SECRET_API_RUN_SECRETS_REDIS_PASSWORD"],
                ["api", "db-roles", "EXPORTER_PASSWORD"],
                ["prometheus", "config-init", "SECRET_PROMETHEUS_RUN_SECRETS_ALERTMANAGER_PASSWORD"],
                ["prometheus", "config-init", "SECRET_PROMETHEUS_RUN_SECRETS_API_METRICS_TOKEN"],
                ["prometheus", "config-init", "SECRET_REDIS_EXPORTER_RUN_SECRETS_REDIS_PASSWORD_MAP_JSON"],
                ["grafana", "config-init", "SECRET_GRAFANA_RUN_SECRETS_PROMETHEUS_PASSWORD"],
            ] as const) {
                expect(valueFrom(service, c, env), `${service}/${c} ${env}`).to.match(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:[^:]+$/);
            }
        });

        it("starts each main container after its init container wrote its files, read-only", () => {
            for (const service of SERVICES) {
                const inits = containers(service).filter((c) => c.name.startsWith("config-init"));
                expect(inits.length, service).to.be.greaterThan(0);
                for (const init of inits) {
                    expect(init, `${service}/${init.name}`).to.deep.include({ image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${prefix}-ecr/${AWS_CLI_IMAGE.replace("public.ecr.aws/", "")}`, essential: false });
                    expect(init.environment.find((e) => e.name === "CONFIG_SHA256")?.value, service).to.match(/^[0-9a-f]{64}$/);
                }
                for (const c of containers(service).filter((x) => !x.name.startsWith("config-init"))) {
                    expect(c.dependsOn?.some((d) => d.containerName.startsWith("config-init") && d.condition === "SUCCESS"), `${service}/${c.name}`).to.equal(true);
                    // Read-only but for state on EFS and the one file the discovery sidecar writes for Prometheus.
                    const writable = (p: { sourceVolume: string }) => p.sourceVolume.endsWith("-data") || (c.name === "api-discovery" && p.sourceVolume === "api-targets");
                    for (const m of c.mountPoints.filter((p) => !writable(p))) expect(m.readOnly, `${service}/${c.name} ${m.containerPath}`).to.equal(true);
                }
            }
            expect(container("api", "api").dependsOn).to.deep.include({ containerName: "db-roles", condition: "SUCCESS" });
            expect(containers("prometheus").map((c) => c.name)).to.deep.equal(["config-init", "prometheus", "postgres-exporter", "redis-exporter", "blackbox-exporter", "api-discovery"]);
        });

        it("lets Prometheus scrape every API task: a sidecar lists them from Cloud Map into a file only it writes", () => {
            const sidecar = container("prometheus", "api-discovery");
            // Not essential (Prometheus keeps the last targets without it), restarted when it exits, so it reserves CPU.
            expect(sidecar).to.deep.include({ essential: false, user: "65534:65534", restartPolicy: { enabled: true, restartAttemptPeriod: 60 }, entryPoint: ["/bin/sh", "-c"] });
            expect(sidecar.cpu).to.be.greaterThan(0);
            expect(sidecar.linuxParameters.capabilities).to.deep.equal({ drop: ["ALL"] });
            expect(sidecar.command![0]).to.contain(`--namespace-name '${prefix}.internal' --service-name 'api'`);
            expect(sidecar.mountPoints).to.deep.equal([{ sourceVolume: "api-targets", containerPath: "/run/prometheus-sd", readOnly: false }]);
            expect(sidecar.dependsOn).to.deep.equal([{ containerName: "config-init", condition: "SUCCESS" }]);
            expect(container("prometheus", "prometheus").mountPoints).to.deep.include({ sourceVolume: "api-targets", containerPath: "/run/prometheus-sd", readOnly: true });
            // Fargate creates the volume root's: the init container gives it to the sidecar's (and Prometheus's) user.
            const init = container("prometheus", "config-init");
            expect(init.mountPoints).to.deep.include({ sourceVolume: "api-targets", containerPath: "/out/api-targets", readOnly: false });
            expect(init.command![0].split("\n")).to.include("chown 65534:65534 '/out/api-targets'");
            expect((inputs(task("prometheus")).volumes as Inputs[]).find((v) => v.name === "api-targets")).to.deep.equal({ name: "api-targets" });
            // The task role may list the API's instances in this stack's namespace, nothing else of Cloud Map.
            const statements = JSON.parse(inputs(run.mocks.named("aws:iam/rolePolicy:RolePolicy", `${prefix}-prometheus-task`)).policy).Statement as Inputs[];
            expect(statements.find((s) => s.Sid === "DiscoverApiTasks")).to.deep.equal({
                Sid: "DiscoverApiTasks", Effect: "Allow", Action: "servicediscovery:DiscoverInstances", Resource: "*",
                Condition: { StringEquals: { "servicediscovery:NamespaceName": `${prefix}.internal`, "servicediscovery:ServiceName": "api" } },
            });
            expect(run.mocks.ofType("aws:iam/rolePolicy:RolePolicy").filter((r) => JSON.stringify(inputs(r).policy).includes("servicediscovery:")).map((r) => r.name)).to.deep.equal([`${prefix}-prometheus-task`]);
        });

        it("delivers the same rendered configuration as the Docker platform, one object per file", () => {
            const settings = run.outputs.settings;
            expect(object("prometheus", "prometheus/etc/prometheus/prometheus.yml")?.content).to.equal(renderPrometheusConfig(renderInputs(settings).prometheusConfig));
            for (const [file, content] of Object.entries(renderAlertRules(settings))) {
                expect(object("prometheus", `prometheus/etc/prometheus/rules/${file}`)?.content, file).to.equal(content);
            }
            expect(object("grafana", "grafana/etc/grafana/provisioning/datasources/datasources.yml")?.content).to.equal(renderGrafanaDatasources(renderInputs(settings).datasources));
            for (const [file, content] of Object.entries(renderDashboards(renderInputs(settings).dashboards))) {
                expect(object("grafana", `grafana/var/lib/grafana-dashboards/${file}`)?.content, file).to.equal(content);
            }
            expect(object("api", "db-roles/etc/db-roles/roles.sql")?.content).to.equal(renderRdsRolesSql(settings));
            for (const o of run.mocks.ofType(OBJECT).map(inputs)) {
                expect(o, o.key).to.deep.include({ bucket: `${prefix}-config-id`, serverSideEncryption: "aws:kms" });
            }
        });

        it("addresses the data stores at the endpoints their certificates name, verified against the AWS trust bundle", () => {
            const env = Object.fromEntries(container("api", "api").environment.map((e) => [e.name, e.value]));
            expect(env.DATABASE_HOST).to.match(/^service-stack-[a-z]+-postgres\..*\.rds\.amazonaws\.com$/);
            expect(env).to.deep.include({ DATABASE_SSLMODE: "verify-full", DATABASE_SSLROOTCERT: "/etc/api/tls/aws-ca.pem", DATABASE_PASSWORD_FILE: "/run/secrets/postgres-app-password" });
            expect(env.REDIS_URL).to.match(/^rediss:\/\/master\..*:6379\/0$/);
            expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).to.equal(`https://jaeger.${prefix}.internal:4317`);
            const script = container("api", "config-init").command![0]!;
            expect(script).to.contain("https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem");
        });

        it("stores each task's own secrets (keys, web configs) in Secrets Manager and shares credentials by ARN", () => {
            const names = run.mocks.ofType("aws:secretsmanager/secret:Secret").map((r) => inputs(r).namePrefix as string);
            expect(names).to.include.members([
                `${prefix}/prometheus/prometheus/etc/prometheus/tls/tls.key-`,
                `${prefix}/prometheus/prometheus/etc/prometheus/web.yml-`,
                `${prefix}/alertmanager/alertmanager/etc/alertmanager/web.yml-`,
                `${prefix}/prometheus/redis-exporter/run/secrets/redis-password-map.json-`,
                `${prefix}/credentials/prometheus-password-`,
            ]);
            for (const v of run.mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion")) expect(isSecretWrapper(v.inputs.secretString), v.name).to.equal(true);
            const prometheusPassword = run.mocks.ofType("aws:secretsmanager/secret:Secret").find((r) => r.name.endsWith("-credentials-prometheus-password"))!;
            const arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${prefix}/credentials/prometheus-password-`;
            for (const [service, name] of [["prometheus", "config-init"], ["grafana", "config-init"]] as const) {
                expect(container(service, name).secrets.some((s) => s.valueFrom.startsWith(arn)), `${service} ${prometheusPassword.name}`).to.equal(true);
            }
        });

        it("lets each task's roles read only its own secrets and configuration prefix", () => {
            const policy = (suffix: string) => JSON.parse(inputs(run.mocks.named("aws:iam/rolePolicy:RolePolicy", `${prefix}-${suffix}`)).policy).Statement as Inputs[];
            const executionSecrets = policy("grafana-execution").find((s) => s.Sid === "ThisTasksSecrets")!.Resource as string[];
            expect(executionSecrets.every((arn) => /:secret:service-stack-[a-z]+\/(grafana|credentials)\//.test(arn)), JSON.stringify(executionSecrets)).to.equal(true);
            const read = policy("grafana-task").find((s) => s.Sid === "ReadThisServicesConfiguration")!;
            expect(read.Resource).to.equal(`arn:aws:s3:::${prefix}-config-id/grafana/*`);
            const mount = policy("grafana-task").find((s) => s.Sid === "MountThisServicesAccessPoints")!;
            expect(mount.Condition.StringEquals["elasticfilesystem:AccessPointArn"]).to.have.length(1);
            expect(policy("jaeger-task").some((s) => s.Sid === "MountThisServicesAccessPoints")).to.equal(false);
        });

        it("mounts the stateful services' EFS access points over TLS with IAM authorisation", () => {
            const volumes = inputs(task("prometheus")).volumes as Inputs[];
            const efs = volumes.find((v) => v.efsVolumeConfiguration)!;
            expect(efs.name).to.equal("prometheus-data");
            expect(efs.efsVolumeConfiguration).to.deep.include({ transitEncryption: "ENABLED", fileSystemId: `${prefix}-cluster-id` });
            expect(efs.efsVolumeConfiguration.authorizationConfig).to.deep.equal({ accessPointId: `${prefix}-cluster-prometheus-id`, iam: "ENABLED" });
            expect(container("prometheus", "prometheus").mountPoints).to.deep.include({ sourceVolume: "prometheus-data", containerPath: "/prometheus", readOnly: false });
        });

        it("sizes every task for Fargate", () => {
            for (const service of SERVICES) {
                const t = inputs(task(service));
                expect(t, service).to.deep.include({ networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"] });
                expect(Number(t.memory), service).to.be.at.least(containers(service).reduce((sum, c) => sum + c.memory, 0));
            }
        });

        it("scales the API on CPU and on requests per target", () => {
            const target = inputs(run.mocks.ofType("aws:appautoscaling/target:Target")[0]!);
            expect(target).to.deep.include({ minCapacity: stack === "production" ? 3 : 2, maxCapacity: stack === "production" ? 12 : 4, resourceId: `service/${prefix}-cluster/api` });
            const policies = run.mocks.ofType("aws:appautoscaling/policy:Policy").map((r) => inputs(r).targetTrackingScalingPolicyConfiguration);
            expect(policies.map((p) => p.predefinedMetricSpecification.predefinedMetricType)).to.deep.equal(["ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"]);
            expect(policies[0].targetValue).to.equal(60);
            expect(policies[1].predefinedMetricSpecification.resourceLabel).to.match(/^app\/service-stack-[a-z]+-lb\/[0-9a-f]+\/targetgroup\/service-stack-[a-z]+-lb-api\/[0-9a-f]+$/);
        });
    });
}
