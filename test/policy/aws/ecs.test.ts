import { AWS } from "../../../policy/lib/awsTypes";
import { disallowAnonymousDockerHubPulls, disallowEcsPlaintextSecrets, disallowEcsPublicIp, requireEcsContainerHardening } from "../../../policy/policies/aws/ecs";
import { changed, resource, UNKNOWN, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const definitions = (defs: Record<string, unknown>[]) => JSON.stringify(defs);
const API_CONTAINER = { name: "api", image: "registry.example.com/api:1.4.2", user: "10001:10001", readonlyRootFilesystem: true, privileged: false, linuxParameters: { capabilities: { drop: ["ALL"] } }, environment: [{ name: "DATABASE_HOST", value: "db" }], secrets: [{ name: "DATABASE_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:db" }] };
const task = resource(AWS.taskDefinition, "stack-api", { family: "api", containerDefinitions: definitions([API_CONTAINER]) });
specifyResourcePolicy(disallowEcsPlaintextSecrets, task, [
    { when: "a password is in `environment`", input: withInput(task, "containerDefinitions", definitions([{ ...API_CONTAINER, environment: [{ name: "DATABASE_PASSWORD", value: "hunter2" }] }])), violations: [/Container api: environment variable DATABASE_PASSWORD carries a credential/] },
    { when: "the definitions are not JSON", input: withInput(task, "containerDefinitions", "[{"), violations: [/not valid JSON/] },
    { when: "the definitions are unknown during preview", input: withInput(task, "containerDefinitions", UNKNOWN.string) },
]);
// A root init container that hands files over: one-shot, awaited, no ports, every default capability but CHOWN dropped by name.
const KEEP_ONLY_CHOWN = ["AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const ROOT_INIT = { name: "config-init", image: "public.ecr.aws/aws-cli/aws-cli:2.27.0", user: "0:0", essential: false, readonlyRootFilesystem: true, portMappings: [], linuxParameters: { capabilities: { drop: KEEP_ONLY_CHOWN } } };
const AWAITING_API = { ...API_CONTAINER, dependsOn: [{ containerName: "config-init", condition: "SUCCESS" }] };
const initTask = withInput(task, "containerDefinitions", definitions([ROOT_INIT, AWAITING_API]));
const withInit = (init: Record<string, unknown>, api: Record<string, unknown> = AWAITING_API) => withInput(task, "containerDefinitions", definitions([{ ...ROOT_INIT, ...init }, api]));
specifyResourcePolicy(requireEcsContainerHardening, initTask, [
    { when: "a container is privileged, writable and root", input: withInput(task, "containerDefinitions", definitions([{ name: "sidecar", privileged: true }])), violations: [/sidecar is privileged/, /sidecar has a writable root/, /sidecar runs as root/] },
    { when: "the user is 0", input: withInput(task, "containerDefinitions", definitions([{ ...API_CONTAINER, user: "0", linuxParameters: {} }])), violations: [/api runs as root but is not a one-shot init container keeping only CHOWN: it is essential; no container waits for its SUCCESS; it keeps AUDIT_WRITE, DAC_OVERRIDE, /] },
    { when: "the root init container drops ALL", input: withInit({ linuxParameters: { capabilities: { drop: ["ALL"] } } }) },
    { when: "the root init container names capabilities with CAP_ in lower case", input: withInit({ linuxParameters: { capabilities: { drop: KEEP_ONLY_CHOWN.map((c) => `cap_${c.toLowerCase()}`) } } }) },
    { when: "the root init container keeps DAC_OVERRIDE", input: withInit({ linuxParameters: { capabilities: { drop: KEEP_ONLY_CHOWN.filter((c) => c !== "DAC_OVERRIDE") } } }), violations: [/config-init runs as root .*: it keeps DAC_OVERRIDE\.$/] },
    { when: "the root init container drops no capability", input: withInit({ linuxParameters: {} }), violations: [/config-init runs as root .*: it keeps AUDIT_WRITE, DAC_OVERRIDE, FOWNER, .*SYS_CHROOT\.$/] },
    { when: "the root init container adds SYS_PTRACE", input: withInit({ linuxParameters: { capabilities: { add: ["SYS_PTRACE"], drop: KEEP_ONLY_CHOWN } } }), violations: [/config-init runs as root .*: it adds SYS_PTRACE\.$/] },
    { when: "the root init container is essential", input: withInit({ essential: true }), violations: [/config-init runs as root .*: it is essential\.$/] },
    { when: "the root init container maps a port", input: withInit({ portMappings: [{ containerPort: 8080, protocol: "tcp" }] }), violations: [/config-init runs as root .*: it maps ports\.$/] },
    { when: "no container waits for the root init container", input: withInit({}, API_CONTAINER), violations: [/config-init runs as root .*: no container waits for its SUCCESS\.$/] },
    { when: "the workload waits only for the root init container to COMPLETE", input: withInit({}, { ...API_CONTAINER, dependsOn: [{ containerName: "config-init", condition: "COMPLETE" }] }), violations: [/no container waits for its SUCCESS/] },
    { when: "a non-root container keeps the default capabilities", input: withInit({}, { ...AWAITING_API, linuxParameters: {} }), violations: [/Container api does not drop ALL capabilities/] },
    { when: "a non-root container adds a capability back", input: withInit({}, { ...AWAITING_API, linuxParameters: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } }), violations: [/Container api adds capabilities NET_BIND_SERVICE/] },
    { when: "the root init container has a writable root filesystem", input: withInit({ readonlyRootFilesystem: false }), violations: [/config-init has a writable root/] },
]);

const hubTask = (image: string, extra: Record<string, unknown> = {}) => withInput(task, "containerDefinitions", definitions([{ ...API_CONTAINER, image, ...extra }]));
specifyResourcePolicy(disallowAnonymousDockerHubPulls, hubTask("123456789012.dkr.ecr.eu-west-1.amazonaws.com/service-stack-production-hub/library/postgres:18.1"), [
    { when: "an official image is pulled from Docker Hub by its short name", input: hubTask("postgres:18.1"), violations: [/Container api pulls postgres:18.1 anonymously from Docker Hub/] },
    { when: "an image names docker.io explicitly", input: hubTask("docker.io/prom/prometheus:v3.5.0"), violations: [/anonymously/] },
    { when: "an image comes through cr.jaegertracing.io, which redirects to Docker Hub", input: hubTask("cr.jaegertracing.io/jaegertracing/jaeger:2.11.0"), violations: [/anonymously/] },
    { when: "a Docker Hub image is pulled with repository credentials", input: hubTask("prom/prometheus:v3.5.0", { repositoryCredentials: { credentialsParameter: "arn:aws:secretsmanager:eu-west-1:1:secret:hub" } }) },
    { when: "an image comes from Quay", input: hubTask("quay.io/prometheuscommunity/postgres-exporter:v0.18.1") },
    { when: "the definitions are unknown during preview", input: withInput(task, "containerDefinitions", UNKNOWN.string) },
]);

const service = resource("aws:ecs/service:Service", "stack-api", { name: "api", launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: false } });

specifyResourcePolicy(disallowEcsPublicIp, service, [
    { when: "a service gives its tasks public IPs", input: changed(service, (i) => { i.networkConfiguration.assignPublicIp = true; }), violations: [/^Tasks get public IP addresses \(`networkConfiguration.assignPublicIp`\)\.$/] },
    { when: "a state file holds the flag as text", input: changed(service, (i) => { i.networkConfiguration.assignPublicIp = "true"; }), violations: [/public IP addresses/] },
    { when: "a task set gives its tasks public IPs", input: resource("aws:ecs/taskSet:TaskSet", "stack-api-blue", { networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: true } }), violations: [/public IP addresses/] },
    { when: "the flag is left unset (false)", input: changed(service, (i) => { delete i.networkConfiguration.assignPublicIp; }) },
    { when: "the network configuration is unknown during preview", input: changed(service, (i) => { i.networkConfiguration = UNKNOWN.object; }) },
]);
