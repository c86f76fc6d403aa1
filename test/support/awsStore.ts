import type { StackResource } from "../../scripts/lib/policyEngine";
import { unwrapSecrets } from "../../scripts/lib/validationArgs";

/**
 * A model of what S3 and Secrets Manager hold after `pulumi up` runs the program's declarations, as the AWS provider
 * and the services behave (read from terraform-provider-aws and the AWS API references):
 * - a BucketObjectv2 upload adds a version and makes the previous one noncurrent; deleting the resource deletes every
 *   version of a versioned object (`deleteAllObjectVersions`); a new `key` or `bucket` replaces the resource;
 * - a SecretVersion with a new `secretString` is replaced: PutSecretValue moves AWSCURRENT to the new version,
 *   AWSPREVIOUS to the old one and strips it from the one before (which is then "deprecated", and Secrets Manager may
 *   delete it); deleting the resource removes the labels its state holds, except AWSCURRENT;
 * - a deleted Secret is scheduled for deletion and cannot be read;
 * - `retainOnDelete` resources are only forgotten;
 * - the bucket's lifecycle rule expires a noncurrent version after `noncurrentDays`, unless it is among the
 *   `newerNoncurrentVersions` newest noncurrent versions.
 * Pulumi replaces create-before-delete and deletes last, which is the order applied here.
 */

const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

interface ObjectVersion {
    readonly id: string;
    /** Day it stopped being current (undefined while current). */
    noncurrentSince?: number;
}

interface StoredSecret {
    deleted: boolean;
    readonly versions: Map<string, Set<string>>;
}

type Props = Record<string, any>;

function props(r: StackResource, which: "inputs" | "outputs"): Props {
    return unwrapSecrets(r[which]) as Props;
}

/** What a task definition names: an object version, or a secret (a version of it, or its AWSCURRENT). */
export type Reference =
    | { readonly kind: "object"; readonly bucket: string; readonly key: string; readonly versionId: string }
    | { readonly kind: "secret"; readonly arn: string; readonly versionId?: string };

export class AwsStore {
    private readonly objects = new Map<string, ObjectVersion[]>();
    private readonly secrets = new Map<string, StoredSecret>();
    /** A Secret's id, as a SecretVersion's `secretId` names it (the ARN; under the mocks `<name>-id`), to its ARN. */
    private readonly secretIds = new Map<string, string>();
    /** The labels each version's Pulumi state holds: those read when it was created. */
    private readonly stagesInState = new Map<string, readonly string[]>();
    /** Days since the first deployment (for the lifecycle rule). */
    private today = 0;
    private lifecycle?: { noncurrentDays: number; newerNoncurrentVersions?: number };

    /** The store after a first `pulumi up` of `resources`. */
    static deploy(resources: readonly StackResource[]): AwsStore {
        const store = new AwsStore();
        store.update([], resources);
        return store;
    }

    /** Applies the update from the declarations `before` to `after`, as `pulumi up` would. */
    update(before: readonly StackResource[], after: readonly StackResource[]): void {
        const old = new Map(before.map((r) => [r.urn, r]));
        const current = new Map(after.map((r) => [r.urn, r]));
        const deletes: StackResource[] = [];
        for (const r of after.filter((x) => x.type === SECRET)) this.createSecret(r, old.get(r.urn));
        for (const r of after) {
            const previous = old.get(r.urn);
            if (r.type === OBJECT) {
                const replaced = previous && (props(previous, "inputs").key !== props(r, "inputs").key || props(previous, "inputs").bucket !== props(r, "inputs").bucket);
                if (!previous || replaced || props(previous, "outputs").versionId !== props(r, "outputs").versionId) this.putObject(r);
                if (replaced) deletes.push(previous);
            } else if (r.type === SECRET_VERSION) {
                const replaced = previous && props(previous, "inputs").secretString !== props(r, "inputs").secretString;
                if (!previous || replaced) this.putSecretValue(r);
                if (replaced) deletes.push(previous);
            } else if (r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" && r.name.endsWith("-config")) {
                this.lifecycle = props(r, "inputs").rules[0].noncurrentVersionExpiration;
            }
        }
        for (const r of before) if (!current.has(r.urn)) deletes.push(r);
        for (const r of deletes) if (!r.retainOnDelete) this.delete(r);
    }

    /** Lets `days` pass (the lifecycle rule runs). */
    advance(days: number): void {
        this.today += days;
    }

    /** Why a reference cannot be read now, or undefined when it can. */
    unreadable(ref: Reference): string | undefined {
        if (ref.kind === "object") {
            const versions = this.objects.get(`${ref.bucket}/${ref.key}`) ?? [];
            const version = versions.find((v) => v.id === ref.versionId);
            if (!version) return `object ${ref.key} has no version ${ref.versionId}`;
            if (this.expired(versions, version)) return `object ${ref.key} version ${ref.versionId} expired under the lifecycle rule`;
            return undefined;
        }
        const secret = this.secrets.get(ref.arn);
        if (!secret) return `secret ${ref.arn} does not exist`;
        if (secret.deleted) return `secret ${ref.arn} is scheduled for deletion`;
        if (ref.versionId === undefined) return undefined;
        const stages = secret.versions.get(ref.versionId);
        if (!stages) return `secret ${ref.arn} has no version ${ref.versionId}`;
        if (stages.size === 0) return `secret ${ref.arn} version ${ref.versionId} has no staging label (deprecated: Secrets Manager may delete it)`;
        return undefined;
    }

    private expired(versions: readonly ObjectVersion[], version: ObjectVersion): boolean {
        if (version.noncurrentSince === undefined || !this.lifecycle) return false;
        const newer = versions.filter((v) => v.noncurrentSince !== undefined && v.noncurrentSince > version.noncurrentSince! && v !== version).length;
        return this.today - version.noncurrentSince > this.lifecycle.noncurrentDays && newer >= (this.lifecycle.newerNoncurrentVersions ?? 0);
    }

    private putObject(r: StackResource): void {
        const { bucket, key } = props(r, "inputs");
        const versions = this.objects.get(`${bucket}/${key}`) ?? [];
        for (const v of versions) if (v.noncurrentSince === undefined) v.noncurrentSince = this.today;
        versions.push({ id: String(props(r, "outputs").versionId) });
        this.objects.set(`${bucket}/${key}`, versions);
    }

    private createSecret(r: StackResource, previous: StackResource | undefined): void {
        const arn = String(props(r, "outputs").arn);
        this.secretIds.set(arn, arn);
        this.secretIds.set(`${r.name}-id`, arn);
        if (previous && String(props(previous, "outputs").arn) === arn) return;
        this.secrets.set(arn, { deleted: false, versions: new Map() });
    }

    private secretOf(version: StackResource): StoredSecret {
        const id = String(props(version, "inputs").secretId);
        const secret = this.secrets.get(this.secretIds.get(id) ?? id);
        if (!secret) throw new Error(`AwsStore: no secret ${id} for ${version.name}`);
        return secret;
    }

    private putSecretValue(r: StackResource): void {
        const secret = this.secretOf(r);
        for (const stages of secret.versions.values()) {
            if (stages.has("AWSPREVIOUS")) stages.delete("AWSPREVIOUS");
        }
        for (const stages of secret.versions.values()) {
            if (stages.has("AWSCURRENT")) {
                stages.delete("AWSCURRENT");
                stages.add("AWSPREVIOUS");
            }
        }
        const versionId = String(props(r, "outputs").versionId);
        secret.versions.set(versionId, new Set(["AWSCURRENT"]));
        this.stagesInState.set(versionId, ["AWSCURRENT"]);
    }

    private delete(r: StackResource): void {
        if (r.type === OBJECT) {
            const { bucket, key } = props(r, "inputs");
            this.objects.delete(`${bucket}/${key}`);
        } else if (r.type === SECRET) {
            const secret = this.secrets.get(String(props(r, "outputs").arn));
            if (secret) secret.deleted = true;
        } else if (r.type === SECRET_VERSION) {
            // The provider removes the labels its state holds but AWSCURRENT (which can only be moved).
            const versionId = String(props(r, "outputs").versionId);
            const stages = this.secretOf(r).versions.get(versionId);
            for (const stage of this.stagesInState.get(versionId) ?? []) if (stage !== "AWSCURRENT") stages?.delete(stage);
        }
    }
}
