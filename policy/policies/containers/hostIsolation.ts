import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithExemptions } from "../../lib/config";
import { applyExemptions, onContainers } from "../../lib/docker";
import { field, items, readable, text } from "../../lib/values";

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
