import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { IssuedCertificate } from "../../tls/InternalCa";
import type { FileSource, SharedSecret, WorkloadDescription } from "../../workloads/description";
import type { TaskFile } from "./containerDefinitions";
import { AwsBase, storedSecret } from "./context";
import type { StoredSecretRef } from "./Credentials";

/**
 * How a workload's files reach a Fargate task: configuration as object versions in the config bucket, secrets in
 * Secrets Manager (the task's own, or a shared credential), downloads by URL; the init container writes them all
 * (containerDefinitions.ts, initScript.ts).
 */

/** Where the files of the stack's tasks come from: the config bucket, the shared credentials, the internal CA. */
export interface TaskFileSources {
    /** The config bucket; `versioning` is waited for before any upload, so every object gets a version id. */
    readonly configBucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string>; readonly versioning?: pulumi.Resource };
    readonly shared: (secret: SharedSecret) => StoredSecretRef;
    readonly caCertPem: pulumi.Input<string>;
    readonly certificates: Readonly<Record<string, IssuedCertificate>>;
}

/** What the files of a task need beyond their content: the secrets the execution role may read, the hash of it all. */
export interface ResolvedFiles {
    readonly files: pulumi.Output<TaskFile>[];
    readonly secretArns: pulumi.Input<string>[];
    readonly hashEntries: pulumi.Input<[string, string]>[];
}

function slug(text: string): string {
    return text.replace(/^\/+/, "").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
}

/**
 * The version id of an uploaded configuration object, refused when S3 gave none: an object written before the
 * bucket's versioning took effect has no version (AWS asks to wait up to 15 minutes after enabling it), and a task
 * definition naming version "" could never start. Exported for tests.
 */
export function requireVersionId(key: string, versionId: string | undefined, urn: string): string {
    if (versionId && versionId !== "null") return versionId;
    throw new Error(`FargateService: config object "${key}" was stored without a version id (the bucket's versioning had not taken effect yet); `
        + `a task definition must name object versions. Upload it again: \`pulumi up --replace '${urn}'\`.`);
}

/**
 * ECS `valueFrom` for one version of a secret (`arn:json-key:version-stage:version-id`, the last field set): a task
 * definition then keeps reading the values it was registered with, so a rollback after a rotation (a renewed
 * certificate and its key) gets the old pair, not the old certificate with the new key. Exported for tests.
 */
export function pinnedValueFrom(secretArn: string, versionId: string): string {
    if (!versionId) throw new Error(`FargateService: secret ${secretArn} has no version id to pin.`);
    return `${secretArn}:::${versionId}`;
}

/** pinnedValueFrom over Outputs. */
export function pinnedSecret(secret: StoredSecretRef): pulumi.Output<string> {
    return pulumi.all([secret.arn, secret.versionId]).apply(([arn, versionId]) => pinnedValueFrom(arn, versionId));
}

/** The `valueFrom` of a secret file: its pinned version, or the bare ARN (AWSCURRENT) when it is read current. */
function secretValueFrom(secret: StoredSecretRef, readCurrent: boolean | undefined): pulumi.Output<string> {
    return readCurrent ? pulumi.output(secret.arn) : pinnedSecret(secret);
}

/** Content in the config bucket, a task-local secret, a shared credential, or a download: what each source is on Fargate. */
type TaskSource =
    | { readonly kind: "config"; readonly content: pulumi.Input<string> }
    | { readonly kind: "secret"; readonly content: pulumi.Input<string>; readonly readCurrent?: boolean }
    | { readonly kind: "stored"; readonly secret: StoredSecretRef; readonly readCurrent?: boolean }
    | { readonly kind: "download"; readonly urls: readonly string[] };

function taskSource(description: WorkloadDescription, path: string, source: FileSource, sources: TaskFileSources): TaskSource {
    switch (source.kind) {
        case "config":
        case "secret":
        case "download":
            return source;
        case "shared":
            return { kind: "stored", secret: sources.shared(source.secret), readCurrent: source.readCurrent };
        case "tls": {
            if (source.part === "ca") return { kind: "config", content: sources.caCertPem };
            const material = description.certificate ? sources.certificates[description.certificate] : undefined;
            if (!material) throw new Error(`FargateService container "${description.name}": ${path} is a TLS ${source.part}, but it has no certificate.`);
            // The key is the task's own secret; a rollback reads the key of its own certificate.
            return source.part === "key" ? { kind: "secret", content: material.privateKeyPem } : { kind: "config", content: material.certPem };
        }
    }
}

/** Naming and placement of what a task's files create: `<name>-<container><path>` in the state, `<service>/…` in the stores. */
export interface TaskFileScope {
    readonly name: string;
    readonly serviceName: string;
    readonly base: AwsBase;
    readonly parent: pulumi.Resource;
    /** Aliases of every resource created (their old parent, before the task definition was a component of its own). */
    readonly aliases: pulumi.Input<pulumi.Alias>[];
}

/** The files of one container: objects and secrets created, secret ARNs and hash entries collected. */
export function resolveFiles(container: string, description: WorkloadDescription, sources: TaskFileSources, scope: TaskFileScope): ResolvedFiles {
    const { name, serviceName, base, parent, aliases } = scope;
    const secretArns: pulumi.Input<string>[] = [];
    const hashEntries: pulumi.Input<[string, string]>[] = [];
    const files = description.files.map((f): pulumi.Output<TaskFile> => {
        const id = `${container}${f.path}`;
        const source = taskSource(description, f.path, f.source, sources);
        switch (source.kind) {
            case "config": {
                const object = new aws.s3.BucketObjectv2(`${name}-${slug(id)}`, {
                    bucket: sources.configBucket.name,
                    key: `${serviceName}/${id.replace(/^\/+/, "")}`,
                    content: source.content,
                    contentType: "text/plain; charset=utf-8",
                    serverSideEncryption: "aws:kms",
                    kmsKeyId: base.keyArn,
                }, {
                    parent,
                    aliases,
                    dependsOn: sources.configBucket.versioning ? [sources.configBucket.versioning] : [],
                    // Deleting a versioned object through the provider deletes every version of it: a file dropped or
                    // renamed here stays in the bucket, so earlier task definitions still find it.
                    retainOnDelete: true,
                });
                hashEntries.push(pulumi.output(source.content).apply((content) => [id, content] as [string, string]));
                return pulumi.all([object.key, object.versionId, object.urn]).apply(([key, versionId, urn]) => ({ path: f.path, source: { kind: "object" as const, key, versionId: requireVersionId(key, versionId, urn) } }));
            }
            case "secret": {
                const { secret, version } = storedSecret(`${name}-${slug(id)}`, `${base.settings.namePrefix}/${serviceName}/${id.replace(/^\/+/, "")}`, source.content, base, parent, aliases);
                secretArns.push(secret.arn);
                hashEntries.push(pulumi.all([version.versionId]).apply(([v]) => [id, `secret:${v}`] as [string, string]));
                return secretValueFrom({ arn: secret.arn, versionId: version.versionId }, source.readCurrent).apply((valueFrom) => ({ path: f.path, source: { kind: "secret" as const, valueFrom } }));
            }
            case "stored":
                secretArns.push(source.secret.arn);
                hashEntries.push(pulumi.output(source.secret.versionId).apply((v) => [id, `secret:${v}`] as [string, string]));
                return secretValueFrom(source.secret, source.readCurrent).apply((valueFrom) => ({ path: f.path, source: { kind: "secret" as const, valueFrom } }));
            case "download":
                hashEntries.push([id, `download:${source.urls.join(" ")}`]);
                return pulumi.output({ path: f.path, source: { kind: "download" as const, urls: [...source.urls] } });
        }
    });
    return { files, secretArns, hashEntries };
}

/** SHA-256 over the task's files: configuration by content, secrets by version, downloads by URL. Exported for tests. */
export function configHash(entries: readonly (readonly [string, string])[]): string {
    const sorted = [...entries].sort(([a], [b]) => a.localeCompare(b));
    return createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}
