import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithExemptions } from "../../lib/config";
import { applyExemptions, ContainerProps, isRootUser, onContainers, skipNeverStarted } from "../../lib/docker";
import { items, known, readable, text, UNREADABLE } from "../../lib/values";

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

/** Requires containers to run as a non-root user set explicitly (`user: "uid:gid"`). */
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
