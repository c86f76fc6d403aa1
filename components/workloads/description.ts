import * as pulumi from "@pulumi/pulumi";
import type { GeneratedSecretName, GeneratedSecrets } from "../secrets/GeneratedSecrets";
import type { ResourceLimits, SecretKey, StackSecrets, StackSettings } from "../settings/types";
import { SECRET_FILES, TlsFiles, WorkloadSpec, WorkloadSpecs } from "./catalogue";

/**
 * What a workload is, whatever runs it: its image, command, user, environment, the files it reads (with their
 * content, mode and consumer), the directories it keeps, its healthcheck and resources. A platform adapter turns a
 * description into its own resources (components/platforms/docker/dockerWorkload.ts: a hardened container, its
 * volumes and the file carrier; components/platforms/aws/taskContainers.ts: a container of a Fargate task, its
 * objects and secrets, the init container's work). One file per workload in this folder builds its description.
 */

/** A credential the stack shares between workloads: a generated one, or a receiver's from secret stack config. */
export type SharedSecret = Extract<keyof typeof SECRET_FILES, GeneratedSecretName | SecretKey>;

/** Where a file's content comes from, which also decides its owner and mode. */
export type FileSource =
    /** Configuration: root's, mode 0444. */
    | { readonly kind: "config"; readonly content: pulumi.Input<string> }
    /** A secret rendered for this workload alone (a web config with bcrypt hashes, a password map): its user's, 0400. */
    | { readonly kind: "secret"; readonly content: pulumi.Input<string>; readonly readCurrent?: boolean }
    /** A credential the stack shares (SECRET_FILES names its file): its user's, 0400. */
    | { readonly kind: "shared"; readonly secret: SharedSecret; readonly readCurrent?: boolean }
    /** The workload's TLS material from the internal CA: its certificate and the CA's (configuration), its key (a secret). */
    | { readonly kind: "tls"; readonly part: "certificate" | "key" | "ca" }
    /** Public certificates fetched when the workload starts (the AWS trust bundle); configuration. */
    | { readonly kind: "download"; readonly urls: readonly string[] };
// `readCurrent`: whoever checks this credential is not rolled back with this workload (another workload, or AWS
// itself), so a revision rolled back must read its current value, not the one it was deployed with. Only a platform
// that keeps revisions of secrets (Fargate task definitions pin secret versions) acts on it.

export interface WorkloadFile {
    /** Absolute path inside the container. */
    readonly path: string;
    readonly source: FileSource;
}

/** A named volume mounted into the workload. */
export interface VolumeMount {
    /** The stack's name for it, e.g. `prometheus-data`; the platform names its resource from it. */
    readonly volume: string;
    readonly path: string;
    /** The workload owns it: `state` outlives every container (protected in production); `memory` is rewritten at start. */
    readonly owns?: "state" | "memory";
    /** Mounted read-only (a volume another workload writes). */
    readonly readOnly?: boolean;
}

export interface Healthcheck {
    /** In Docker's form: `["CMD", program, args…]` or `["CMD-SHELL", command]`. */
    readonly test: readonly string[];
    /** Time the process gets to start before failed checks count. */
    readonly startPeriodSeconds: number;
}

export interface WorkloadDescription {
    /** Its short name: the container's name in a task, the Docker network alias, e.g. `postgres-exporter`. */
    readonly name: string;
    /** The internal CA's certificate its `tls` files are (InternalCa `servers` key); none for a pure client. */
    readonly certificate?: string;
    /** The configured image reference (pinned). */
    readonly image: string;
    /** Numeric `uid:gid` the process runs as; the owner of its secret files. */
    readonly user: string;
    readonly limits: ResourceLimits;
    /** Replaces the image's entry point. Defaults to the image's. */
    readonly entrypoint?: readonly string[];
    /** The image's command, replaced. Defaults to the image's. */
    readonly command?: readonly string[];
    /** Plain, non-secret environment, in the order the container gets it; credentials are files (`*_FILE`). */
    readonly env?: pulumi.Input<Readonly<Record<string, pulumi.Input<string>>>>;
    /** Ports it serves on, the main one first. Defaults to none. */
    readonly ports?: readonly number[];
    /**
     * The flag that sets its listen address, when its command leaves it to the default: a platform whose containers
     * share one network namespace (a Fargate task) pins it to the first port.
     */
    readonly listenFlag?: string;
    readonly files: readonly WorkloadFile[];
    readonly volumes?: readonly VolumeMount[];
    /** Writable in-memory directories on its read-only root: path -> tmpfs options. */
    readonly scratch?: Readonly<Record<string, string>>;
    /** Read-only mounts of the host (node_exporter, cAdvisor): only a platform with a host can give them. */
    readonly hostMounts?: readonly { readonly hostPath: string; readonly path: string }[];
    readonly healthcheck?: Healthcheck;
    /** How it stops cleanly: its signal when not the image's, and how long it may take (the platform's default otherwise). */
    readonly stop?: { readonly signal?: string; readonly graceSeconds?: number };
}

/** The data tier as the platform realises it: PostgreSQL and Redis hosts, and what verifies their certificates. */
export interface DataTier {
    readonly postgresHost: pulumi.Input<string>;
    readonly redisHost: pulumi.Input<string>;
    /** The CA file a workload verifies PostgreSQL and Redis with, and the files that put it there (beyond its own TLS files). */
    trust(workload: keyof WorkloadSpecs): { readonly caFile: string; readonly files: readonly WorkloadFile[] };
}

/** What descriptions are built from: the settings, the catalogue's specs, the stack's secrets and the platform's data tier. */
export interface WorkloadContext {
    readonly settings: StackSettings;
    readonly specs: WorkloadSpecs;
    /** Generated secret values, for files rendered from them (a bcrypt hash in a web config, a password in a map). */
    readonly generated: GeneratedSecrets;
    /** Receiver and backup credentials from secret stack config. */
    readonly configSecrets: StackSecrets;
    readonly data: DataTier;
    /** The host a workload's own healthcheck reaches it at (its name on Docker; loopback in a Fargate task). */
    readonly selfHost: (spec: WorkloadSpec) => string;
}

/** The three TLS files of a workload with a certificate: certificate, key and CA certificate at its catalogue paths. */
export function tlsFiles(tls: TlsFiles): WorkloadFile[] {
    return [
        { path: tls.cert, source: { kind: "tls", part: "certificate" } },
        { path: tls.key, source: { kind: "tls", part: "key" } },
        { path: tls.ca, source: { kind: "tls", part: "ca" } },
    ];
}

/** A shared credential at its SECRET_FILES path. */
export function sharedFile(secret: SharedSecret, options: { readonly readCurrent?: boolean } = {}): WorkloadFile {
    return { path: SECRET_FILES[secret], source: { kind: "shared", secret, ...(options.readCurrent ? { readCurrent: true } : {}) } };
}

/** A text built from inputs: a plain string when every input is one, an Output otherwise (a host the platform resolves later). */
export function text(strings: TemplateStringsArray, ...values: pulumi.Input<string | number>[]): pulumi.Input<string> {
    if (values.every((v) => typeof v === "string" || typeof v === "number")) {
        return strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
    }
    return pulumi.interpolate(strings, ...values);
}

/** `fn` of a value the platform may only know later: applied at once to a plain string, on resolution to an Output. */
export function mapInput<T>(value: pulumi.Input<string>, fn: (resolved: string) => T): pulumi.Input<T> {
    return typeof value === "string" ? fn(value) : pulumi.output(value).apply(fn);
}
