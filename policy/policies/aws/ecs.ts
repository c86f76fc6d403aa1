import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { isCredentialName, isFileReference } from "../../lib/credentials";
import { isRootUser } from "../../lib/docker";
import { anonymousDockerHubImages, ContainerDefinition } from "../../lib/ecsTasks";
import { onTypes } from "../../lib/validations";
import { field, text, UNREADABLE } from "../../lib/values";

interface EcsContainerDefinition {
    name?: string;
    privileged?: boolean;
    readonlyRootFilesystem?: boolean;
    user?: string;
    essential?: boolean;
    portMappings?: unknown[];
    dependsOn?: { containerName?: string; condition?: string }[];
    linuxParameters?: { capabilities?: { add?: string[]; drop?: string[] } };
    environment?: { name?: string; value?: string }[];
}

/** The container definitions of a task definition (a JSON string), or undefined when unreadable. */
function containerDefinitions(raw: unknown, report: (m: string) => void): EcsContainerDefinition[] | undefined {
    const json = text(raw);
    if (json === UNREADABLE || json === undefined) return undefined;
    try {
        const parsed = JSON.parse(json) as unknown;
        return Array.isArray(parsed) ? (parsed as EcsContainerDefinition[]) : undefined;
    } catch {
        report("`containerDefinitions` is not valid JSON.");
        return undefined;
    }
}

/** Forbids credentials in ECS container `environment`; they come from Secrets Manager through `secrets`. */
export const disallowEcsPlaintextSecrets: ResourceValidationPolicy = {
    name: "disallow-ecs-plaintext-secrets",
    description: "ECS container definitions carry no credential in `environment`; credentials come from Secrets Manager through `secrets`.",
    remediationSteps: "Move the variable from `environment` to `secrets` with `valueFrom` set to the Secrets Manager ARN.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ containerDefinitions?: unknown }>([AWS.taskDefinition], (task, _args, report) => {
        for (const def of containerDefinitions(field(() => task.containerDefinitions), report) ?? []) {
            for (const env of def.environment ?? []) {
                if (env.name && isCredentialName(env.name) && !isFileReference(String(env.value ?? ""))) report(`Container ${def.name ?? "?"}: environment variable ${env.name} carries a credential; use \`secrets\`.`);
            }
        }
    }),
};

/** Docker's default capabilities (what an ECS container keeps unless it drops them). */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];

/**
 * Why a root container does not qualify as a file hand-over init container, or none when it does. Fargate creates
 * task-local volumes owned by root (aws/containers-roadmap#938) and lets a task add back only SYS_PTRACE, so the
 * only way to fill them for non-root consumers is a root container that keeps CHOWN alone, dropping the rest by name.
 * Such a container is allowed when it is a one-shot step others wait for, serves nothing and keeps nothing but CHOWN.
 */
function rootInitShortfalls(def: EcsContainerDefinition, all: readonly EcsContainerDefinition[]): string[] {
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    const normalise = (cap: unknown) => String(cap).toUpperCase().replace(/^CAP_/, "");
    const capabilities = def.linuxParameters?.capabilities;
    const dropped = new Set(list(capabilities?.drop).map(normalise));
    const added = list(capabilities?.add).map(normalise);
    const kept = dropped.has("ALL") ? [] : DOCKER_DEFAULT_CAPABILITIES.filter((c) => c !== "CHOWN" && !dropped.has(c));
    const awaited = all.some((other) => other !== def && list(other.dependsOn).some((d) => (d as { containerName?: unknown }).containerName === def.name && (d as { condition?: unknown }).condition === "SUCCESS"));
    return [
        ...(def.essential !== false ? ["it is essential"] : []),
        ...(awaited ? [] : ["no container waits for its SUCCESS"]),
        ...(list(def.portMappings).length > 0 ? ["it maps ports"] : []),
        ...(added.length > 0 ? [`it adds ${added.join(", ")}`] : []),
        ...(kept.length > 0 ? [`it keeps ${kept.join(", ")}`] : []),
    ];
}

/**
 * Requires hardened ECS containers: not privileged, read-only root, a non-root user with every capability dropped;
 * only a one-shot init container that keeps no capability but CHOWN may run as root.
 */
export const requireEcsContainerHardening: ResourceValidationPolicy = {
    name: "require-ecs-container-hardening",
    description: "ECS containers are not privileged, have a read-only root filesystem and run as a non-root user with every capability dropped; only a one-shot init container that keeps no capability but CHOWN may run as root.",
    remediationSteps: "In each container definition set `privileged: false`, `readonlyRootFilesystem: true`, `user` to the image's unprivileged uid:gid and `linuxParameters.capabilities.drop: [\"ALL\"]`. A container that must hand files to other users (Fargate's task volumes are root's) may run as root only with `essential: false`, no port mappings, others waiting for its SUCCESS, nothing in `capabilities.add`, and every default capability but CHOWN in `capabilities.drop`.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ containerDefinitions?: unknown }>([AWS.taskDefinition], (task, _args, report) => {
        const defs = containerDefinitions(field(() => task.containerDefinitions), report) ?? [];
        for (const def of defs) {
            const name = def.name ?? "?";
            if (def.privileged === true) report(`Container ${name} is privileged.`);
            if (def.readonlyRootFilesystem !== true) report(`Container ${name} has a writable root filesystem.`);
            if (isRootUser(def.user)) {
                const shortfalls = rootInitShortfalls(def, defs);
                if (shortfalls.length > 0) report(`Container ${name} runs as root but is not a one-shot init container keeping only CHOWN: ${shortfalls.join("; ")}.`);
            } else {
                // A non-root process needs no capability; one left in the bounding set is one an exploit can use.
                const capabilities = def.linuxParameters?.capabilities;
                const drop = (Array.isArray(capabilities?.drop) ? capabilities.drop : []).map((c) => String(c).toUpperCase().replace(/^CAP_/, ""));
                const add = Array.isArray(capabilities?.add) ? capabilities.add : [];
                if (!drop.includes("ALL")) report(`Container ${name} does not drop ALL capabilities (\`linuxParameters.capabilities.drop\`).`);
                if (add.length > 0) report(`Container ${name} adds capabilities ${add.join(", ")}.`);
            }
        }
    }),
};

/** Forbids ECS containers that pull Docker Hub images anonymously (rate-limited per NAT address). */
export const disallowAnonymousDockerHubPulls: ResourceValidationPolicy = {
    name: "disallow-anonymous-docker-hub-pulls",
    description: "ECS containers do not pull images anonymously from Docker Hub (or a front that redirects to it), which limits anonymous pulls per IP: every task start behind one NAT address counts.",
    remediationSteps: "Pull through an ECR pull-through cache rule for Docker Hub (the image becomes `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/…`), mirror the image into ECR, or give the container `repositoryCredentials` for a Docker Hub account.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ containerDefinitions?: unknown }>([AWS.taskDefinition], (task, _args, report) => {
        const defs = (containerDefinitions(field(() => task.containerDefinitions), report) ?? []) as ContainerDefinition[];
        for (const d of anonymousDockerHubImages(defs)) report(`Container ${d.name ?? "?"} pulls ${d.image} anonymously from Docker Hub.`);
    }),
};

/** Type tokens of what places ECS tasks on subnets (@pulumi/aws v7). */
export const ECS_PLACEMENTS = ["aws:ecs/service:Service", "aws:ecs/taskSet:TaskSet"];

/**
 * Forbids public IP addresses on ECS tasks: a task with one is reachable from the internet past the load balancer
 * (its WAF, TLS policy and access logs) wherever a security group rule lets traffic in.
 */
export const disallowEcsPublicIp: ResourceValidationPolicy = {
    name: "disallow-ecs-public-ip",
    description: "ECS services and task sets run their tasks without public IP addresses (`networkConfiguration.assignPublicIp` is not true); the load balancer is the only way in.",
    remediationSteps: "Set `networkConfiguration.assignPublicIp: false` and place the tasks in private subnets, reaching the internet (image pulls, AWS APIs) through NAT gateways or VPC endpoints.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ networkConfiguration?: { assignPublicIp?: boolean } }>(ECS_PLACEMENTS, (placement, _args, report) => {
        // A state export may hold the flag as the string "true".
        const assign = field(() => placement.networkConfiguration?.assignPublicIp) as unknown;
        if (assign === true || assign === "true") report("Tasks get public IP addresses (`networkConfiguration.assignPublicIp`).");
    }),
};
