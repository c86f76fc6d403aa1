import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { checkedExemptions, ConfigSource, exemptionFor, exemptionNotice } from "./config";
import { onTypes } from "./validations";
import { field, items, known, readable, text, Unreadable, UNREADABLE } from "./values";

/** Type tokens of the Docker provider resources the pack checks. */
export const DOCKER = {
    container: "docker:index/container:Container",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    volume: "docker:index/volume:Volume",
    network: "docker:index/network:Network",
} as const;

export interface ContainerPort {
    readonly internal: number;
    readonly external?: number;
    readonly ip?: string;
    readonly protocol?: string;
}

export interface ContainerUpload {
    readonly file: string;
    readonly content?: unknown;
    readonly contentBase64?: unknown;
    readonly permissions?: string;
    readonly owner?: string;
    readonly group?: string;
}

/** The `docker.Container` inputs the pack reads (the provider's names; secrets may be wrapped). */
export interface ContainerProps {
    readonly name?: string;
    readonly image?: string;
    readonly user?: string;
    readonly privileged?: boolean;
    readonly capabilities?: { readonly adds?: readonly string[]; readonly drops?: readonly string[] };
    readonly securityOpts?: readonly string[];
    readonly networkMode?: string;
    readonly pidMode?: string;
    readonly ipcMode?: string;
    readonly usernsMode?: string;
    readonly cgroupnsMode?: string;
    readonly volumes?: readonly { readonly hostPath?: string; readonly containerPath?: string; readonly volumeName?: string; readonly readOnly?: boolean }[];
    readonly mounts?: readonly { readonly type: string; readonly source?: string; readonly target: string; readonly readOnly?: boolean }[];
    readonly devices?: readonly { readonly hostPath: string; readonly containerPath?: string }[];
    readonly memory?: number;
    readonly healthcheck?: { readonly tests?: readonly string[]; readonly interval?: string; readonly retries?: number };
    readonly restart?: string;
    readonly maxRetryCount?: number;
    readonly logDriver?: string;
    readonly logOpts?: Readonly<Record<string, string>>;
    readonly readOnly?: boolean;
    readonly ports?: readonly ContainerPort[];
    readonly publishAllPorts?: boolean;
    readonly envs?: readonly unknown[];
    readonly labels?: readonly { readonly label: string; readonly value: unknown }[];
    readonly uploads?: readonly ContainerUpload[];
    readonly command?: readonly unknown[];
    readonly entrypoints?: readonly unknown[];
    readonly start?: boolean;
    readonly networksAdvanced?: readonly { readonly name?: string; readonly aliases?: readonly string[] }[];
}

/** Label on a never-started carrier naming the container whose files it delivers (components/platforms/docker/fileDelivery.ts). */
export const FILES_FOR_LABEL = "com.service-stack.files-for";

/**
 * True for a container the provider only creates (`start: false`): it runs no process, so runtime rules
 * (healthcheck, restart, user, read-only root) do not apply to it; `require-inert-file-carriers` checks it instead.
 */
export function neverStarted(container: ContainerProps): boolean {
    return known(() => container.start) === false;
}

/** Marks a runtime policy not applicable to a never-started container. */
export function skipNeverStarted(container: ContainerProps, args: ResourceValidationArgs): void {
    if (neverStarted(container)) args.notApplicable("the container is never started (`start: false`): it runs no process; require-inert-file-carriers checks it");
}

/** The value of a container label, when readable. */
export function labelValue(container: ContainerProps, label: string): string | undefined {
    for (const entry of readable(items(() => container.labels))) {
        if (text(field(() => entry.label)) !== label) continue;
        const value = text(field(() => entry.value));
        return typeof value === "string" ? value : undefined;
    }
    return undefined;
}

/** A validation that runs only on Docker containers. */
export function onContainers(check: (container: ContainerProps, args: ResourceValidationArgs, report: ReportViolation) => void): ResourceValidation {
    return onTypes<ContainerProps>([DOCKER.container], check);
}

/** The container's `name` input, when readable. */
export function containerName(container: ContainerProps): string | undefined {
    const name = text(known(() => container.name));
    return name === UNREADABLE ? undefined : name;
}

/** True when a Docker `user` value names root (uid 0 or `root`), or is empty (the image default, usually root). */
export function isRootUser(user: string | undefined): boolean {
    if (user === undefined || user.trim() === "") return true;
    const name = user.split(":")[0]?.trim() ?? "";
    return name === "0" || name === "root" || name === "";
}

/** Parses an upload's octal mode string (`0400`, `400`, `0o600`); NaN when it is not one. */
export function parseMode(permissions: string): number {
    const digits = permissions.trim().replace(/^0o/i, "");
    return /^[0-7]{3,4}$/.test(digits) ? parseInt(digits, 8) : NaN;
}

/** Marks the policy not applicable to this container when the policy config exempts it (reason reported). */
export function applyExemptions(policy: string, args: ResourceValidationArgs & ConfigSource, container?: ContainerProps): void {
    const exemptions = checkedExemptions(policy, args.getConfig<{ exemptions?: unknown }>().exemptions);
    const match = exemptionFor(exemptions, { resourceName: args.name, containerName: container ? containerName(container) : undefined });
    if (match) args.notApplicable(exemptionNotice(match));
}

export interface EnvEntry {
    readonly name: string;
    /** UNREADABLE when the value is unknown or an encrypted secret. */
    readonly value: string | Unreadable;
}

/** The container's environment as name/value pairs; entries that cannot be read at all are skipped. */
export function envEntries(container: ContainerProps): EnvEntry[] {
    const entries: EnvEntry[] = [];
    for (const raw of items(() => container.envs)) {
        if (raw === UNREADABLE || typeof raw !== "string") continue;
        const eq = raw.indexOf("=");
        entries.push(eq < 0 ? { name: raw, value: "" } : { name: raw.slice(0, eq), value: raw.slice(eq + 1) });
    }
    return entries;
}

/** True when some of the environment cannot be read (unknown during preview, or encrypted): absence proves nothing. */
export function envPartlyUnreadable(container: ContainerProps): boolean {
    if (known(() => container.envs) === UNREADABLE) return true;
    return items(() => container.envs).some((e) => e === UNREADABLE || typeof e !== "string");
}

export interface UploadFile {
    readonly file: string;
    /** Text content; undefined when none was given, UNREADABLE when unknown or encrypted. */
    readonly content: string | undefined | Unreadable;
    readonly permissions: string | undefined | Unreadable;
}

/** The files uploaded into the container, with readable content where possible. */
export function uploadFiles(container: ContainerProps): UploadFile[] {
    const files: UploadFile[] = [];
    for (const upload of readable(items(() => container.uploads))) {
        const file = text(field(() => upload.file));
        if (file === UNREADABLE || file === undefined) continue;
        let content = text(field(() => upload.content));
        if (content === undefined) {
            const base64 = text(field(() => upload.contentBase64));
            content = base64 === UNREADABLE || base64 === undefined ? base64 : Buffer.from(base64, "base64").toString("utf8");
        }
        files.push({ file, content, permissions: text(field(() => upload.permissions)) });
    }
    return files;
}

/** Uploads whose path ends with `suffix`, with readable content. */
export function uploadsEndingWith(container: ContainerProps, suffix: string): { file: string; content: string }[] {
    return uploadFiles(container)
        .filter((u) => u.file.endsWith(suffix))
        .flatMap((u) => (typeof u.content === "string" ? [{ file: u.file, content: u.content }] : []));
}

/**
 * The containers that hold the files `consumer` reads: itself (uploads into its own root) and every carrier labelled
 * as delivering to it. Stack policies read a service's files through this, wherever they are delivered.
 */
export function fileHolders<R extends { type: string; props: Record<string, unknown> }>(resources: readonly R[], consumer: ContainerProps): ContainerProps[] {
    const name = containerName(consumer);
    const carriers = resources
        .filter((r) => r.type === DOCKER.container)
        .map((r) => r.props as ContainerProps)
        .filter((c) => name !== undefined && labelValue(c, FILES_FOR_LABEL) === name);
    return [consumer, ...carriers];
}

/** The published ports, skipping entries that are unknown during preview. */
export function publishedPorts(container: ContainerProps): ContainerPort[] {
    return readable(items(() => container.ports)).flatMap((p) => {
        const internal = field(() => p.internal);
        const external = field(() => p.external);
        const ip = field(() => p.ip);
        if (internal === UNREADABLE || external === UNREADABLE || ip === UNREADABLE) return [];
        return [{ internal: Number(internal), external: external === undefined || external === null ? undefined : Number(external), ip: ip ?? undefined }];
    });
}
