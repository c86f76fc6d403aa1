import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerProps, FILES_FOR_LABEL, labelValue, neverStarted, onContainers } from "../../lib/docker";
import { field, items, known, readable, text, UNREADABLE } from "../../lib/values";

/** Forbids uploads into a container whose root filesystem is read-only: the engine refuses them. */
export const disallowUploadsIntoReadOnlyRoot: ResourceValidationPolicy = {
    name: "disallow-uploads-into-read-only-root",
    description: "No container with a read-only root filesystem has `uploads`: the provider extracts them at `/` through the engine's archive API before start, which the engine refuses (`container rootfs is marked read-only`), so the container is never created.",
    remediationSteps: "Deliver the files through a never-started carrier container whose uploads land in named volumes, mounted read-only by the service (components/platforms/docker/fileDelivery.ts).",
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
    remediationSteps: "Declare carriers through components/platforms/docker/fileDelivery.ts: `restart: \"no\"`, `mustRun: false`, `networkMode: \"none\"`, volume mounts at the files' directories, and the consumer's name in the label.",
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
