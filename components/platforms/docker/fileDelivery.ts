import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as path from "path";

/** A file placed in a container before it starts. */
export interface ContainerFile {
    /** Absolute path inside the container. */
    readonly path: string;
    readonly content: pulumi.Input<string>;
    /** Secret files are wrapped in `pulumi.secret`, owned by the process user and mode 0400. */
    readonly secret: boolean;
}

/** What the consumer of delivered files needs: the read-only mounts and a value that changes with every delivery. */
export interface DeliveredFiles {
    /** The never-started container that carries the uploads into the volumes. */
    readonly carrier: docker.Container;
    readonly volumes: readonly docker.Volume[];
    /** Read-only volume mounts, one per root directory, for the consuming container. */
    readonly mounts: docker.types.input.ContainerMount[];
}

export interface FileDeliveryArgs {
    /** Host-level name of the consuming container; the carrier is `<name>-files`, the volumes `<name>-files-<dir>-<digest>`. */
    readonly consumer: string;
    /** The consumer's image: the carrier is only ever created, never started, so it needs nothing from the image. */
    readonly image: pulumi.Input<string>;
    /** Numeric `uid:gid` of the consuming process: owner of its secret files. */
    readonly user: string;
    readonly files: readonly ContainerFile[];
    readonly labels: readonly { readonly label: string; readonly value: string }[];
}

const SECRET_MODE = "0400";
const CONFIG_MODE = "0444";

/** Label on a carrier naming the container it delivers files to (policies find a service's files through it). */
export const FILES_FOR_LABEL = "com.service-stack.files-for";
/** Label on a consumer holding its carrier's ID, so new files re-create the consumer and it reads them at start. */
export const FILES_REVISION_LABEL = "com.service-stack.files-revision";

/**
 * The directories to mount for a set of files: each file's directory, minus those inside another one (a volume at
 * `/etc/prometheus` already holds `/etc/prometheus/rules/…`).
 */
export function fileRoots(paths: readonly string[]): string[] {
    const dirs = [...new Set(paths.map((p) => path.posix.dirname(p)))].sort();
    for (const dir of dirs) {
        if (!path.posix.isAbsolute(dir) || dir === "/") throw new Error(`file delivery: "${dir}" cannot be a mount point; put files in a directory of their own`);
    }
    return dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(`${other}/`)));
}

/** `/etc/postgresql` -> `etc-postgresql`: a directory as a Docker volume name part. */
export function directorySlug(dir: string): string {
    return dir.replace(/^\/+/, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "");
}

/**
 * A short digest of the file paths under `root`: part of the volume's name, so a different set of files gets a fresh
 * volume and a file dropped from the set cannot linger in the old one. Content is not hashed: new content overwrites
 * the same paths, and hashing secrets into a name would publish a fingerprint of them.
 */
export function pathsDigest(root: string, paths: readonly string[]): string {
    const under = paths.filter((p) => p.startsWith(`${root}/`)).sort();
    return createHash("sha256").update(JSON.stringify(under)).digest("hex").slice(0, 8);
}

/** The upload of one file: secrets wrapped and owned by the process user (0400), configuration root-owned (0444). */
export function upload(file: ContainerFile, user: string): docker.types.input.ContainerUpload {
    const [uid, gid] = user.split(":");
    return {
        file: file.path,
        content: file.secret ? pulumi.secret(file.content) : file.content,
        owner: file.secret ? uid : "0",
        group: file.secret ? (gid ?? uid) : "0",
        permissions: file.secret ? SECRET_MODE : CONFIG_MODE,
    };
}

/**
 * Delivers files to a container whose root filesystem is read-only. The Docker provider extracts `uploads` at `/`
 * through the engine's archive API before start, which the engine refuses on a read-only root. So the files go to a
 * carrier container that is created and never started: its uploads land in named volumes mounted at the files'
 * directories, which the consumer mounts read-only. The carrier runs no code, so it can use the consumer's own image
 * (a distroless API image included), and the consumer keeps every hardening flag.
 */
export function deliverFiles(name: string, args: FileDeliveryArgs, parent: pulumi.Resource): DeliveredFiles | undefined {
    if (args.files.length === 0) return undefined;
    const paths = args.files.map((f) => f.path);
    const roots = fileRoots(paths);
    const labels = [...args.labels, { label: FILES_FOR_LABEL, value: args.consumer }];
    const volumes = roots.map((root) => new docker.Volume(`${name}-files-${directorySlug(root)}`, {
        name: `${args.consumer}-files-${directorySlug(root)}-${pathsDigest(root, paths)}`,
        labels: [...labels, { label: "com.service-stack.stateful", value: "false" }],
    }, { parent }));
    const carrier = new docker.Container(`${name}-files`, {
        name: `${args.consumer}-files`,
        image: args.image,
        user: args.user,
        // Created to receive the uploads, never started: nothing runs, so nothing needs a network, a healthcheck or
        // a restart policy, and the daemon never starts it on its own.
        start: false,
        mustRun: false,
        restart: "no",
        networkMode: "none",
        // The engine refuses uploads into a read-only root, even for files that land in volumes.
        readOnly: false,
        privileged: false,
        capabilities: { drops: ["ALL"], adds: [] },
        securityOpts: ["no-new-privileges:true"],
        memory: 16,
        memorySwap: 16,
        logDriver: "json-file",
        logOpts: { "max-size": "1m", "max-file": "1" },
        labels,
        // noCopy: the volume holds exactly the declared files, not whatever the image keeps at that path.
        mounts: roots.map((root, i) => ({ type: "volume", source: volumes[i]!.name, target: root, volumeOptions: { noCopy: true } })),
        uploads: args.files.map((f) => upload(f, args.user)),
    }, { parent });
    const mounts = roots.map((root, i) => ({ type: "volume", source: volumes[i]!.name, target: root, readOnly: true }));
    return { carrier, volumes, mounts };
}
