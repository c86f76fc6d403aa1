import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithExemptions } from "../../lib/config";
import { applyExemptions, ContainerProps, DOCKER, isRootUser, onContainers, skipNeverStarted } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { imageLocation, pinningProblem } from "../../lib/images";
import { field, items, known, readable, text, UNREADABLE } from "../../lib/values";

/** Requires every image to be pinned: a tag other than `latest` (or a digest) on pulls, an ID or pinned reference on containers. */
export const requirePinnedImage: ResourceValidationPolicy = {
    name: "require-pinned-image",
    description: "Images are pinned: a version tag (not `latest`) or a digest, so every `pulumi up` deploys the same bits.",
    remediationSteps: "Set the image in `images.<workload>` of the stack config to `name:version` (optionally `@sha256:…`); never `latest` or a bare name.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { requireDigest: { type: "boolean", default: false, description: "Also require `@sha256:` digests on pulled images." } } },
    validateResource: onTypes<{ image?: string; name?: string }>([DOCKER.container, DOCKER.remoteImage], (props, args, report) => {
        const { requireDigest } = configOf(args, { requireDigest: false });
        // During preview a container's image is usually the not-yet-known ID of its RemoteImage: nothing to check.
        const reference = text(field(() => (args.type === DOCKER.remoteImage ? props.name : props.image)));
        if (reference === UNREADABLE) return;
        if (reference === undefined || reference === "") {
            report("The image reference is empty.");
            return;
        }
        // A container started from `RemoteImage.imageId` runs a content-addressed ID: pinned by construction.
        const problem = pinningProblem(reference, requireDigest && args.type === DOCKER.remoteImage);
        if (problem) report(`Image "${reference}" ${problem}.`);
    }),
};

/** Restricts pulled images to allowed registries and namespaces. */
export const restrictImageRegistries: ResourceValidationPolicy = {
    name: "restrict-image-registries",
    description: "Images are pulled only from the registries and namespaces this environment trusts.",
    remediationSteps: "Use an image from an allowed registry, or add its `registry/namespace/` prefix to `allowedRegistries` in the policy config after review.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            allowedRegistries: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: [],
                description: "Allowed `registry/repository` prefixes, e.g. `docker.io/library/`; empty allows any.",
            },
        },
    },
    validateResource: onTypes<{ name?: string }>([DOCKER.remoteImage], (props, args, report) => {
        const { allowedRegistries } = configOf(args, { allowedRegistries: [] as string[] });
        if (allowedRegistries.length === 0) args.notApplicable("no `allowedRegistries` configured");
        const reference = text(props.name);
        if (reference === UNREADABLE || reference === undefined) return;
        const location = imageLocation(reference);
        if (!allowedRegistries.some((prefix) => location.startsWith(prefix))) {
            report(`Image "${reference}" (${location}) is not from an allowed registry: ${allowedRegistries.join(", ")}.`);
        }
    }),
};

/** Forbids privileged containers. */
export const disallowPrivileged: ResourceValidationPolicy = {
    name: "disallow-privileged",
    description: "No container runs privileged: a privileged container is root on the Docker host.",
    remediationSteps: "Remove `privileged: true`; add back the single capability the process needs instead.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, _args, report) => {
        if (c.privileged === true) report("The container runs privileged.");
    }),
};

/** Requires all capabilities dropped, with only allowed ones added back. */
export const requireDropAllCapabilities: ResourceValidationPolicy = {
    name: "require-drop-all-capabilities",
    description: "Every container drops all Linux capabilities and adds back only allowed ones.",
    remediationSteps: "Set `capabilities: { drops: [\"ALL\"] }` and list in `adds` only capabilities allowed by `allowedCapabilities`.",
    enforcementLevel: "mandatory",
    configSchema: schemaWithExemptions({
        allowedCapabilities: { type: "array", items: { type: "string" }, default: [], description: "Capabilities a container may add back, e.g. `NET_BIND_SERVICE`." },
    }),
    validateResource: onContainers((c, args, report) => {
        applyExemptions("require-drop-all-capabilities", args, c);
        const { allowedCapabilities } = configOf(args, { allowedCapabilities: [] as string[] });
        const normalise = (cap: string) => cap.toUpperCase().replace(/^CAP_/, "");
        const drops = readable(items(() => c.capabilities?.drops)).map((d) => normalise(String(d)));
        const dropsUnknown = known(() => c.capabilities?.drops) === UNREADABLE;
        if (!dropsUnknown && !drops.includes("ALL")) report("Capabilities are not dropped: `capabilities.drops` must include \"ALL\".");
        const allowed = allowedCapabilities.map(normalise);
        for (const add of readable(items(() => c.capabilities?.adds))) {
            if (!allowed.includes(normalise(String(add)))) report(`Capability "${add}" is added back but not allowed.`);
        }
    }),
};

/** Requires `no-new-privileges` and forbids unconfined security profiles. */
export const requireNoNewPrivileges: ResourceValidationPolicy = {
    name: "require-no-new-privileges",
    description: "Every container sets `no-new-privileges` and keeps its seccomp and AppArmor profiles.",
    remediationSteps: "Add `no-new-privileges:true` to `securityOpts`; remove any `seccomp=unconfined`, `apparmor=unconfined` or `label=disable`.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, _args, report) => {
        if (known(() => c.securityOpts) === UNREADABLE) return;
        const opts = readable(items(() => c.securityOpts)).map((o) => String(o).replace(/\s+/g, "").toLowerCase());
        if (!opts.some((o) => o === "no-new-privileges" || o === "no-new-privileges:true" || o === "no-new-privileges=true")) {
            report("`securityOpts` does not contain \"no-new-privileges:true\": setuid binaries could regain privileges.");
        }
        for (const o of opts) {
            if (/^(seccomp|apparmor)[=:]unconfined$/.test(o) || /^label[=:]disable$/.test(o)) report(`Security option "${o}" switches a kernel confinement off.`);
        }
    }),
};

const HOST_NAMESPACE_FIELDS = ["networkMode", "pidMode", "ipcMode", "usernsMode", "cgroupnsMode"] as const;

/** Forbids sharing the host's network, PID, IPC, user or cgroup namespace. */
export const disallowHostNamespaces: ResourceValidationPolicy = {
    name: "disallow-host-namespaces",
    description: "No container shares the host's network, PID, IPC, user or cgroup namespace.",
    remediationSteps: "Remove `networkMode/pidMode/ipcMode/usernsMode/cgroupnsMode: \"host\"`; attach the container to a stack network with `networksAdvanced`.",
    enforcementLevel: "mandatory",
    configSchema: schemaWithExemptions(),
    validateResource: onContainers((c, args, report) => {
        applyExemptions("disallow-host-namespaces", args, c);
        for (const key of HOST_NAMESPACE_FIELDS) {
            const value = text(field(() => c[key]));
            if (typeof value === "string" && value.toLowerCase() === "host") report(`\`${key}\` is "host": the container shares the host's namespace.`);
        }
    }),
};

/** Host paths that give a container control of, or secrets from, the host. */
export const DEFAULT_SENSITIVE_HOST_PATHS: readonly string[] = [
    "/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/usr", "/run", "/var/run",
    "/var/lib/docker", "/var/lib/containerd", "/var/run/docker.sock", "/run/docker.sock", "/run/containerd",
];

/** True when `hostPath` is, lies inside, or contains a sensitive path (`/` only matches itself), or is a container runtime socket. */
export function isSensitiveHostPath(hostPath: string, sensitive: readonly string[]): boolean {
    const p = path.posix.normalize(hostPath).replace(/(.)\/+$/, "$1");
    if (/(^|\/)(docker|containerd|podman|crio)\.sock$/.test(p)) return true;
    return sensitive.some((entry) => {
        const s = path.posix.normalize(entry).replace(/(.)\/+$/, "$1");
        if (p === s) return true;
        if (s === "/") return false;
        return p.startsWith(`${s}/`) || (p === "/" || s.startsWith(`${p}/`));
    });
}

/** Forbids bind mounts of the Docker socket and sensitive host paths. */
export const disallowSensitiveHostMounts: ResourceValidationPolicy = {
    name: "disallow-sensitive-host-mounts",
    description: "No container mounts the Docker socket or a sensitive host path (/, /etc, /proc, /sys, /var/lib/docker, …) unless exempted.",
    remediationSteps: "Use a named volume instead of a host path; a workload that must read the host (node_exporter, cAdvisor) needs a named exemption with its reason in the policy config.",
    enforcementLevel: "mandatory",
    configSchema: schemaWithExemptions({
        sensitivePaths: { type: "array", items: { type: "string", pattern: "^/" }, default: [...DEFAULT_SENSITIVE_HOST_PATHS], description: "Host paths no container may mount (or mount a parent or child of)." },
    }),
    validateResource: onContainers((c, args, report) => {
        applyExemptions("disallow-sensitive-host-mounts", args, c);
        const { sensitivePaths } = configOf(args, { sensitivePaths: [...DEFAULT_SENSITIVE_HOST_PATHS] });
        const hostPaths: string[] = [];
        for (const v of readable(items(() => c.volumes))) {
            const hostPath = text(field(() => v.hostPath));
            if (typeof hostPath === "string" && hostPath !== "") hostPaths.push(hostPath);
        }
        for (const m of readable(items(() => c.mounts))) {
            const type = text(field(() => m.type));
            const source = text(field(() => m.source));
            if (type === "bind" && typeof source === "string") hostPaths.push(source);
        }
        for (const d of readable(items(() => c.devices))) {
            const hostPath = text(field(() => d.hostPath));
            if (typeof hostPath === "string") report(`Host device "${hostPath}" is passed into the container.`);
        }
        for (const hostPath of hostPaths) {
            if (isSensitiveHostPath(hostPath, sensitivePaths)) report(`Host path "${hostPath}" is mounted into the container.`);
        }
    }),
};

/** Requires a memory limit on every container. */
export const requireMemoryLimit: ResourceValidationPolicy = {
    name: "require-memory-limit",
    description: "Every container has a hard memory limit, so one workload cannot starve the host.",
    remediationSteps: "Set `memory` (MiB) on the container, from `resources.<workload>.memoryMiB` in the stack config.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, _args, report) => {
        const memory = c.memory;
        if (memory === undefined || memory === null || !(Number(memory) > 0)) report("The container has no memory limit (`memory`).");
    }),
};

/** Requires a healthcheck with a test command. */
export const requireHealthcheck: ResourceValidationPolicy = {
    name: "require-healthcheck",
    description: "Every container has a healthcheck with a test, so Docker and the dependency order see real health.",
    remediationSteps: "Set `healthcheck.tests` (`[\"CMD\", …]` or `[\"CMD-SHELL\", \"…\"]`) with interval, timeout, retries and start period.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, args, report) => {
        skipNeverStarted(c, args);
        const healthcheck = c.healthcheck;
        if (healthcheck === undefined || healthcheck === null) {
            report("The container has no healthcheck.");
            return;
        }
        const tests = readable(items(() => healthcheck.tests)).map(String);
        if (known(() => healthcheck.tests) === UNREADABLE) return;
        if (tests.length === 0 || tests[0] === "NONE" || (tests.length === 1 && /^CMD(-SHELL)?$/.test(tests[0] ?? ""))) {
            report(`The healthcheck has no test command (${JSON.stringify(tests)}).`);
        }
    }),
};

const RESTART_DEFAULTS = { allowedPolicies: ["unless-stopped", "on-failure"] };

/**
 * Requires a restart policy that recovers from crashes but respects an operator's stop: `unless-stopped`, or
 * `on-failure` with a retry limit. `always` restarts a container an operator stopped whenever the daemon restarts;
 * `no` leaves a crashed service down.
 */
export const requireBoundedRestartPolicy: ResourceValidationPolicy = {
    name: "require-bounded-restart-policy",
    description: "Containers restart `unless-stopped` or `on-failure` with a retry limit; never `always` (overrides an operator's stop) or `no` (a crash stays down).",
    remediationSteps: "Set `restart: \"unless-stopped\"`, or `restart: \"on-failure\"` with `maxRetryCount` ≥ 1.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedPolicies: { type: "array", items: { type: "string", enum: ["unless-stopped", "on-failure", "always", "no"] }, default: RESTART_DEFAULTS.allowedPolicies } } },
    validateResource: onContainers((c, args, report) => {
        skipNeverStarted(c, args);
        const { allowedPolicies } = configOf(args, RESTART_DEFAULTS);
        const restart = text(c.restart) ?? "no";
        if (restart === UNREADABLE) return;
        if (!allowedPolicies.includes(restart)) {
            report(`Restart policy "${restart}" is not allowed; use one of ${allowedPolicies.join(", ")}.`);
            return;
        }
        if (restart === "on-failure" && !(Number(c.maxRetryCount) >= 1)) report("Restart policy \"on-failure\" has no `maxRetryCount`: it would retry forever.");
    }),
};

const LOG_DEFAULTS = { allowedDrivers: ["json-file", "local"] };

/** Requires log rotation: json-file with max-size and max-file, or the self-rotating `local` driver. */
export const requireLogRotation: ResourceValidationPolicy = {
    name: "require-log-rotation",
    description: "Container logs are rotated (json-file with `max-size` and `max-file`, or the `local` driver), so logs cannot fill the disk.",
    remediationSteps: "Set `logDriver: \"json-file\"` and `logOpts: { \"max-size\": \"10m\", \"max-file\": \"3\" }`.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedDrivers: { type: "array", items: { type: "string" }, default: LOG_DEFAULTS.allowedDrivers } } },
    validateResource: onContainers((c, args, report) => {
        const { allowedDrivers } = configOf(args, LOG_DEFAULTS);
        const driver = text(c.logDriver) ?? "json-file";
        if (driver === UNREADABLE) return;
        if (!allowedDrivers.includes(driver)) {
            report(`Log driver "${driver}" is not allowed; use one of ${allowedDrivers.join(", ")}.`);
            return;
        }
        if (driver !== "json-file") return;
        const opts = known(() => c.logOpts);
        if (opts === UNREADABLE) return;
        for (const option of ["max-size", "max-file"]) {
            const value = opts ? text(field(() => opts[option])) : undefined;
            if (value === undefined || value === "") report(`json-file logging has no "${option}": the log grows without bound.`);
        }
    }),
};

/** Requires a read-only root filesystem (writable paths as volumes or tmpfs). */
export const requireReadOnlyRootFilesystem: ResourceValidationPolicy = {
    name: "require-read-only-root-filesystem",
    description: "Containers run with a read-only root filesystem; state goes to volumes, scratch space to tmpfs.",
    remediationSteps: "Set `readOnly: true` and give the paths the process writes a named volume or a `tmpfs` entry; exempt by name with a reason only when the image cannot run read-only.",
    enforcementLevel: "advisory",
    configSchema: schemaWithExemptions(),
    validateResource: onContainers((c, args, report) => {
        skipNeverStarted(c, args);
        applyExemptions("require-read-only-root-filesystem", args, c);
        if (c.readOnly !== true) report("The root filesystem is writable (`readOnly` is not true).");
    }),
};

/** Requires a non-root user. */
export const requireNonRootUser: ResourceValidationPolicy = {
    name: "require-non-root-user",
    description: "Containers run as a non-root user set explicitly (`user: \"uid:gid\"`).",
    remediationSteps: "Set `user` to the image's unprivileged `uid:gid`; when an image must run as root, drop all capabilities and add a named exemption with the reason.",
    enforcementLevel: "advisory",
    configSchema: schemaWithExemptions(),
    validateResource: onContainers((c: ContainerProps, args, report) => {
        skipNeverStarted(c, args);
        applyExemptions("require-non-root-user", args, c);
        const user = text(c.user);
        if (user === UNREADABLE) return;
        if (isRootUser(user)) report(user ? `The container runs as root (\`user: "${user}"\`).` : "The container sets no `user`, so it runs as the image's default user (usually root).");
    }),
};

/** Every container policy, in the order the pack lists them. */
export const containerPolicies: readonly ResourceValidationPolicy[] = [
    requirePinnedImage,
    restrictImageRegistries,
    disallowPrivileged,
    requireDropAllCapabilities,
    requireNoNewPrivileges,
    disallowHostNamespaces,
    disallowSensitiveHostMounts,
    requireMemoryLimit,
    requireHealthcheck,
    requireBoundedRestartPolicy,
    requireLogRotation,
    requireReadOnlyRootFilesystem,
    requireNonRootUser,
];

