import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../../settings/types";
import { accountContext, AccountOutputs, awsName } from "./context";
import { kmsKeyPolicy } from "./iamDocuments";
import { cacheReadsCredentials } from "./Registries";

export interface EncryptionArgs {
    readonly settings: StackSettings;
    readonly account: AccountOutputs;
}

/**
 * The stack's customer-managed KMS key (symmetric, yearly rotation): RDS storage and Performance Insights,
 * ElastiCache, EFS, S3, Secrets Manager and CloudWatch Logs all encrypt with it. Protected in production.
 */
export class Encryption extends pulumi.ComponentResource {
    public readonly key: aws.kms.Key;
    public readonly alias: aws.kms.Alias;

    constructor(name: string, args: EncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Encryption", name, {}, opts);
        this.key = new aws.kms.Key(name, {
            description: `${args.settings.namePrefix}: data at rest (RDS, ElastiCache, EFS, S3, Secrets Manager, CloudWatch Logs)`,
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            enableKeyRotation: true,
            // The longest window: a scheduled deletion can be cancelled for a month.
            deletionWindowInDays: 30,
            policy: accountContext(args.account).apply((account) => kmsKeyPolicy(account, { ecrReadsUpstreamCredentials: cacheReadsCredentials(args) })),
        }, { parent: this, protect: args.settings.protectStateful });
        this.alias = new aws.kms.Alias(name, { name: `alias/${awsName(args.settings, "data")}`, targetKeyId: this.key.keyId }, { parent: this });
        this.registerOutputs({ key: this.key, alias: this.alias });
    }
}
