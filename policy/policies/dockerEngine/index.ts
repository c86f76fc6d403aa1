import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { ContainerProps, containerName, DOCKER, envEntries, FILES_FOR_LABEL, labelValue, neverStarted, onContainers } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { imageLocation, isImageId } from "../../lib/images";
import { field, items, known, readable, text, UNREADABLE } from "../../lib/values";

/*
 * What a real Docker engine (or the program in the image) refuses at create or start, which no mock ever sees:
 * each of these was found by running the stack on an engine.
 */

/** Forbids uploads into a container whose root filesystem is read-only: the engine refuses them. */
export const disallowUploadsIntoReadOnlyRoot: ResourceValidationPolicy = {
    name: "disallow-uploads-into-read-only-root",
    description: "No container with a read-only root filesystem has `uploads`: the provider extracts them at `/` through the engine's archive API before start, which the engine refuses (`container rootfs is marked read-only`), so the container is never created.",
    remediationSteps: "Deliver the files through a never-started carrier container whose uploads land in named volumes, mounted read-only by the service (components/docker/fileDelivery.ts).",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, _args, report) => {
        if (known(() => c.readOnly) !== true) return;
        const uploads = known(() => c.uploads);
        if (uploads === UNREADABLE || uploads === undefined || uploads === null) return;
        // An encrypted list (state file) is a list with at least one secret file in it.
        const count = Array.isArray(uploads) ? uploads.length : undefined;
        if (count === 0) return;
        report(`${count ?? "Encrypted"} upload${count === 1 ? " goes" : "s go"} into a container whose root filesystem is read-only: the engine refuses them ("container rootfs is marked read-only") and the container is never created.`);
    }),
};

/** A mount target of the container that is a named volume. */
function volumeTargets(c: ContainerProps): string[] {
    const targets: string[] = [];
    for (const m of readable(items(() => c.mounts))) {
        const target = text(field(() => m.target));
        if (text(field(() => m.type)) === "volume" && typeof target === "string") targets.push(target);
    }
    for (const v of readable(items(() => c.volumes))) {
        const target = text(field(() => v.containerPath));
        if (typeof text(field(() => v.volumeName)) === "string" && typeof target === "string") targets.push(target);
    }
    return targets;
}

/** Problems with a never-started container's reach: it must not be startable into the network or the host. */
function reachProblems(c: ContainerProps): string[] {
    const problems: string[] = [];
    const restart = text(field(() => c.restart)) ?? "no";
    if (restart !== "no" && restart !== UNREADABLE) problems.push(`Restart policy "${restart}" lets the daemon start it: use "no".`);
    const mustRun = known(() => (c as { mustRun?: boolean }).mustRun);
    if (mustRun !== false && mustRun !== UNREADABLE) problems.push("`mustRun` is not false: the provider would re-create a container that never runs on every update.");
    const networkMode = text(field(() => c.networkMode));
    if (networkMode !== "none" && networkMode !== UNREADABLE) problems.push(`\`networkMode\` is ${networkMode === undefined ? "the default bridge" : `"${networkMode}"`}: a carrier needs no network; use "none".`);
    if (readable(items(() => c.networksAdvanced)).length > 0) problems.push("It joins networks (`networksAdvanced`).");
    if (readable(items(() => c.ports)).length > 0 || known(() => c.publishAllPorts) === true) problems.push("It publishes ports.");
    if (readable(items(() => c.volumes)).some((v) => typeof text(field(() => v.hostPath)) === "string")) problems.push("It mounts a host path.");
    if (readable(items(() => c.mounts)).some((m) => text(field(() => m.type)) === "bind")) problems.push("It bind-mounts a host path.");
    if (known(() => c.privileged) === true) problems.push("It is privileged.");
    if (readable(items(() => c.capabilities?.adds)).length > 0) problems.push("It adds capabilities back.");
    return problems;
}

/** Requires never-started containers to be inert file carriers: no network, no host access, uploads only into their volumes. */
export const requireInertFileCarriers: ResourceValidationPolicy = {
    name: "require-inert-file-carriers",
    description: "A container that is never started (`start: false`) only carries files into named volumes for the service named by its `com.service-stack.files-for` label: no restart policy, no network, no ports, no host mounts, no added capabilities, every upload inside one of its volumes.",
    remediationSteps: "Declare carriers through components/docker/fileDelivery.ts: `restart: \"no\"`, `mustRun: false`, `networkMode: \"none\"`, volume mounts at the files' directories, and the consumer's name in the label.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, args, report) => {
        if (!neverStarted(c)) args.notApplicable("the container is started: the runtime rules apply to it");
        for (const problem of reachProblems(c)) report(problem);
        if (labelValue(c, FILES_FOR_LABEL) === undefined && known(() => c.labels) !== UNREADABLE) report(`It names no consumer (label \`${FILES_FOR_LABEL}\`): its files reach no service, and policies cannot find them.`);
        // Unknown mounts during preview could hold any upload.
        if (known(() => c.mounts) === UNREADABLE || known(() => c.volumes) === UNREADABLE) return;
        const targets = volumeTargets(c);
        for (const u of readable(items(() => c.uploads))) {
            const file = text(field(() => u.file));
            if (typeof file !== "string") continue;
            if (!targets.some((t) => file.startsWith(`${t.replace(/\/+$/, "")}/`))) report(`Upload ${file} lands outside its volumes (${targets.join(", ") || "none"}): it would stay in the carrier and reach no service.`);
        }
    }),
};

const FILE_CAPABILITY_DEFAULTS = { fileCapabilities: { "docker.io/library/caddy": ["NET_BIND_SERVICE"] } as Record<string, string[]> };

/** The pulled reference of a container's image: the reference itself, or the RemoteImage whose ID it runs. */
function imageReference(image: string, images: readonly PolicyResource[]): string | undefined {
    if (!isImageId(image)) return image;
    const pulled = images.find((r) => text(field(() => r.props.imageId)) === image);
    const name = pulled ? text(field(() => pulled.props.name)) : undefined;
    return typeof name === "string" ? name : undefined;
}

/** Requires the capabilities an image's binaries carry as file capabilities to stay in the container's bounding set. */
export const requireImageFileCapabilities: StackValidationPolicy = {
    name: "require-image-file-capabilities",
    description: "A container whose image gives its binary file capabilities (the official caddy image: `cap_net_bind_service`) adds them back after dropping ALL; otherwise the kernel refuses to exec it (`operation not permitted`).",
    remediationSteps: "Add the image's file capabilities to `capabilities.adds` (components/services/catalogue.ts `imageFileCapabilities`); no-new-privileges keeps a non-root process from gaining them.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            fileCapabilities: {
                type: "object",
                additionalProperties: { type: "array", items: { type: "string" } },
                default: FILE_CAPABILITY_DEFAULTS.fileCapabilities,
                description: "Image location (`registry/repository`, as restrict-image-registries spells it) -> the capabilities its binaries carry.",
            },
        },
    },
    validateStack: (args, report) => {
        const { fileCapabilities } = configOf(args, FILE_CAPABILITY_DEFAULTS);
        const images = args.resources.filter((r) => r.type === DOCKER.remoteImage);
        for (const r of args.resources.filter((x) => x.type === DOCKER.container)) {
            const c = r.props as ContainerProps;
            if (neverStarted(c)) continue;
            const image = text(field(() => c.image));
            if (typeof image !== "string") continue;
            const reference = imageReference(image, images);
            if (reference === undefined) continue;
            const needed = fileCapabilities[imageLocation(reference).replace(/\/$/, "")] ?? [];
            const normalise = (cap: unknown) => String(cap).toUpperCase().replace(/^CAP_/, "");
            const drops = readable(items(() => c.capabilities?.drops)).map(normalise);
            const adds = readable(items(() => c.capabilities?.adds)).map(normalise);
            const missing = needed.filter((cap) => (drops.includes("ALL") || drops.includes(cap)) && !adds.includes(cap));
            if (missing.length > 0) report(`Container ${containerName(c) ?? r.name} runs ${reference}, whose binary carries the file capabilit${missing.length === 1 ? "y" : "ies"} ${missing.join(", ")}; with ${missing.length === 1 ? "it" : "them"} dropped the kernel refuses to start it ("operation not permitted"). Add ${missing.join(", ")} to \`capabilities.adds\`.`, r.urn);
        }
    },
};

/** redis_exporter's accepted spellings of `REDIS_EXPORTER_TLS_SERVER_MIN_VERSION` (it exits on anything else). */
const REDIS_EXPORTER_TLS_VERSIONS = ["TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"];
const REDIS_EXPORTER_TLS_ENV = "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION";

function tlsSpellingProblem(value: string, where: string): string | undefined {
    return REDIS_EXPORTER_TLS_VERSIONS.includes(value) ? undefined : `${where}${REDIS_EXPORTER_TLS_ENV} is "${value}": redis_exporter accepts only ${REDIS_EXPORTER_TLS_VERSIONS.join(", ")} and exits on anything else (exporter-toolkit's "TLS13" included).`;
}

/** Requires exporter TLS-version settings spelled the way the exporter's program parses them. */
export const requireExporterTlsVersionSpelling: ResourceValidationPolicy = {
    name: "require-exporter-tls-version-spelling",
    description: "redis_exporter's `REDIS_EXPORTER_TLS_SERVER_MIN_VERSION` (Docker env and ECS container environment) is one of `TLS1.0`…`TLS1.3`: redis_exporter exits in a loop on exporter-toolkit's `TLS12`/`TLS13`.",
    remediationSteps: "Render the value with components/render/webConfig.ts `redisExporterTlsVersion`.",
    enforcementLevel: "mandatory",
    validateResource: [
        onContainers((c, _args, report) => {
            for (const e of envEntries(c)) {
                if (e.name !== REDIS_EXPORTER_TLS_ENV || typeof e.value !== "string") continue;
                const problem = tlsSpellingProblem(e.value, "");
                if (problem) report(problem);
            }
        }),
        onTypes<{ containerDefinitions?: unknown }>(["aws:ecs/taskDefinition:TaskDefinition"], (task, _args, report) => {
            const json = text(field(() => task.containerDefinitions));
            if (typeof json !== "string") return;
            let defs: { name?: string; environment?: { name?: string; value?: string }[] }[];
            try {
                defs = JSON.parse(json) as typeof defs;
            } catch {
                return; // disallow-ecs-plaintext-secrets reports unparsable definitions.
            }
            for (const def of Array.isArray(defs) ? defs : []) {
                for (const e of def.environment ?? []) {
                    if (e.name !== REDIS_EXPORTER_TLS_ENV || typeof e.value !== "string") continue;
                    const problem = tlsSpellingProblem(e.value, `Container ${def.name ?? "?"}: `);
                    if (problem) report(problem);
                }
            }
        }),
    ],
};

/** Every Docker-engine policy, in the order the pack lists them. */
export const dockerEnginePolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    disallowUploadsIntoReadOnlyRoot,
    requireInertFileCarriers,
    requireImageFileCapabilities,
    requireExporterTlsVersionSpelling,
];
