import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { ContainerProps, DOCKER, neverStarted } from "../../lib/docker";
import { field, items, readable, text } from "../../lib/values";

/** Resource types that hold data a `pulumi destroy` or replacement would lose. */
export const DEFAULT_STATEFUL_TYPES: readonly string[] = [
    "docker:index/volume:Volume",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:efs/fileSystem:FileSystem",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:dynamodb/table:Table",
    "aws:kms/key:Key",
];

/** The volumes a container mounts, by name, each with whether the container may write it. */
function mountedVolumes(c: ContainerProps): { name: string; writable: boolean }[] {
    const found: { name: string; writable: boolean }[] = [];
    for (const m of readable(items(() => c.mounts))) {
        const source = text(field(() => m.source));
        if (text(field(() => m.type)) === "volume" && typeof source === "string") found.push({ name: source, writable: field(() => m.readOnly) !== true });
    }
    for (const v of readable(items(() => c.volumes))) {
        const name = text(field(() => v.volumeName));
        if (typeof name === "string") found.push({ name, writable: field(() => v.readOnly) !== true });
    }
    return found;
}

/**
 * Volumes that hold delivered files, not state: filled by a never-started carrier and mounted read-only by every
 * container that runs, so no process ever writes them and `pulumi up` re-creates their content from the program.
 */
function deliveredFileVolumes(resources: readonly PolicyResource[]): Set<string> {
    const carried = new Set<string>();
    const written = new Set<string>();
    for (const r of resources.filter((x) => x.type === DOCKER.container)) {
        const c = r.props as ContainerProps;
        for (const v of mountedVolumes(c)) {
            if (neverStarted(c)) carried.add(v.name);
            else if (v.writable) written.add(v.name);
        }
    }
    return new Set([...carried].filter((name) => !written.has(name)));
}

/**
 * A Docker volume whose local driver mounts a tmpfs (`driverOpts.type: tmpfs`): its content lives in memory and is gone
 * when the last container using it stops or the host reboots, so `protect` would keep nothing (the backup job's
 * metrics for node_exporter live there, and the job rewrites them when it starts).
 */
function inMemoryVolume(r: PolicyResource): boolean {
    if (r.type !== DOCKER.volume) return false;
    const driver = text(field(() => r.props.driver));
    // Another driver (a plugin) decides for itself what `type` means and what it keeps.
    return (driver === undefined || driver === "local") && text(field(() => r.props.driverOpts?.type)) === "tmpfs";
}

/** Requires `protect` on every stateful resource where the environment says so (production). */
export const requireProtectedStatefulResources: StackValidationPolicy = {
    name: "require-protected-stateful-resources",
    description: "Where `requireProtection` is true (production), every stateful resource (volumes, databases, caches, file systems, buckets) has `protect: true`; a volume only a never-started carrier writes (delivered files, mounted read-only by every running container) holds no state, nor does a volume the local driver keeps in memory (tmpfs).",
    remediationSteps: "Declare the resource with `{ protect: settings.protectStateful }` (true in production); to delete it on purpose, unprotect it in a reviewed change first.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireProtection: { type: "boolean", default: false },
            statefulTypes: { type: "array", items: { type: "string" }, default: [...DEFAULT_STATEFUL_TYPES] },
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, { requireProtection: false, statefulTypes: [...DEFAULT_STATEFUL_TYPES] });
        if (!config.requireProtection) args.notApplicable("`requireProtection` is false in this environment");
        const delivered = deliveredFileVolumes(args.resources);
        for (const r of args.resources) {
            if (!config.statefulTypes.includes(r.type) || r.opts.protect === true) continue;
            if (r.type === DOCKER.volume && delivered.has(String(text(field(() => r.props.name))))) continue;
            if (inMemoryVolume(r)) continue;
            report(`${r.type.split(":").pop()} ${r.name} holds state but is not protected.`, r.urn);
        }
    },
};
