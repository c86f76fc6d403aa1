import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { WorkloadSpec, WorkloadSpecs } from "../../workloads/catalogue";
import type { AwsSettings, StackSettings } from "../../settings/types";
import type { AccountContext } from "./iamDocuments";

/**
 * The AWS CLI image the init containers run (pinned). Not a workload setting: it only copies files and exits, and
 * the same image serves every task.
 */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.27.0";

/** File name of the AWS trust bundle (RDS regional CA bundle + Amazon Root CAs) beside a workload's CA file. */
export const AWS_TRUST_BUNDLE = "aws-ca.pem";

/** Amazon Trust Services roots: ElastiCache's in-transit certificates chain to them. */
const AMAZON_ROOT_CAS = ["https://www.amazontrust.com/repository/AmazonRootCA1.pem", "https://www.amazontrust.com/repository/AmazonRootCA3.pem"];

/** The public URLs of the certificates that verify RDS (regional bundle) and ElastiCache (Amazon roots) endpoints. */
export function awsTrustBundleUrls(region: string): string[] {
    return [`https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`, ...AMAZON_ROOT_CAS];
}

/** Where a workload's AWS trust bundle lives: beside its internal CA file. */
export function awsTrustBundlePath(spec: WorkloadSpec): string {
    return `${spec.tls.ca.slice(0, spec.tls.ca.lastIndexOf("/"))}/${AWS_TRUST_BUNDLE}`;
}

/** The account, partition and region ARNs are built from, as Outputs (from the provider's invokes). */
export interface AccountOutputs {
    readonly partition: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    readonly region: string;
}

/** Resolves the account context, for building policy documents inside `apply`. */
export function accountContext(account: AccountOutputs): pulumi.Output<AccountContext> {
    return pulumi.all([account.partition, account.accountId]).apply(([partition, accountId]) => ({ partition, accountId, region: account.region }));
}

/** What every AWS component needs: validated settings (with the AWS part), the catalogue, the account. */
export interface AwsBase {
    readonly settings: StackSettings;
    readonly aws: AwsSettings;
    readonly specs: WorkloadSpecs;
    readonly account: AccountOutputs;
    /** ARN of the stack's customer-managed KMS key. */
    readonly keyArn: pulumi.Output<string>;
}

/** A physical AWS name: `<project>-<stack>-<suffix>`. */
export function awsName(settings: StackSettings, suffix: string): string {
    return `${settings.namePrefix}-${suffix}`;
}

/** Characters of the hash that keeps a shortened name unique per stack. */
const NAME_HASH_LENGTH = 6;

/**
 * A physical name of at most `max` characters for services with short limits (load balancers and target groups
 * allow 32): `<project>-<stack>-<suffix>` when it fits; otherwise the prefix is cut short and a hash of the full name
 * keeps two stacks (or projects) sharing a cut prefix apart, e.g. `service-stack-pr-1a2b3c-api`.
 */
export function boundedAwsName(settings: Pick<StackSettings, "namePrefix">, suffix: string, max: number): string {
    const full = `${settings.namePrefix}-${suffix}`;
    if (full.length <= max) return full;
    const hash = createHash("sha256").update(full).digest("hex").slice(0, NAME_HASH_LENGTH);
    const room = max - suffix.length - hash.length - 2;
    const head = settings.namePrefix.slice(0, Math.max(room, 0)).replace(/-+$/, "");
    if (head.length === 0) throw new Error(`boundedAwsName: suffix "${suffix}" leaves no room for the stack prefix within ${max} characters.`);
    return `${head}-${hash}-${suffix}`;
}

/** A short hash of the inputs that force a resource's replacement, for names that must change when it is replaced. */
export function replacementKey(inputs: Readonly<Record<string, unknown>>): string {
    return createHash("sha256").update(JSON.stringify(Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b)))).digest("hex").slice(0, 4);
}

/** A CloudWatch log group encrypted with the stack key and kept for the configured retention. */
export function encryptedLogGroup(name: string, logGroupName: string, base: Pick<AwsBase, "aws" | "keyArn">, parent: pulumi.Resource, aliases?: pulumi.Input<pulumi.Alias>[]): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(name, {
        name: logGroupName,
        retentionInDays: base.aws.logRetentionDays,
        kmsKeyId: base.keyArn,
    }, { parent, ...(aliases ? { aliases } : {}) });
}

/**
 * A Secrets Manager secret (stack key, recovery window) holding `value`; the value stays a Pulumi secret. The name is
 * a prefix: a deleted secret's name stays taken for its whole recovery window, so a secret created again (a receiver
 * switched off and on, a file renamed back) gets a new name instead of failing for up to 30 days.
 */
export function storedSecret(
    name: string,
    secretName: string,
    value: pulumi.Input<string>,
    base: Pick<AwsBase, "keyArn" | "settings">,
    parent: pulumi.Resource,
    aliases?: pulumi.Input<pulumi.Alias>[],
): { secret: aws.secretsmanager.Secret; version: aws.secretsmanager.SecretVersion } {
    const secret = new aws.secretsmanager.Secret(name, {
        namePrefix: `${secretName}-`,
        kmsKeyId: base.keyArn,
        // A deleted secret can be restored for this long; production keeps the maximum.
        recoveryWindowInDays: base.settings.protectStateful ? 30 : 7,
    }, { parent, ...(aliases ? { aliases } : {}) });
    const version = new aws.secretsmanager.SecretVersion(name, {
        secretId: secret.id,
        secretString: pulumi.secret(value),
    }, {
        parent,
        ...(aliases ? { aliases } : {}),
        // A new value replaces the version: the old one keeps AWSPREVIOUS for task definitions that pin it (a
        // rollback), and Pulumi only forgets it instead of asking to strip its labels.
        retainOnDelete: true,
    });
    return { secret, version };
}
