import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { configOf } from "../../lib/config";
import { onTypes } from "../../lib/validations";
import { field } from "../../lib/values";

/** Requires log groups with bounded retention and KMS encryption. */
export const requireLogGroupRetentionAndKms: ResourceValidationPolicy = {
    name: "require-log-group-retention-and-kms",
    description: "CloudWatch log groups have a retention period (between `minRetentionDays` and `maxRetentionDays`) and a KMS key.",
    remediationSteps: "Set `retentionInDays` within the bounds and `kmsKeyId` to the stack's KMS key ARN.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, default: 14 }, maxRetentionDays: { type: "integer", minimum: 1, default: 400 } } },
    validateResource: onTypes<{ retentionInDays?: number; kmsKeyId?: string }>([AWS.logGroup], (group, args, report) => {
        const { minRetentionDays, maxRetentionDays } = configOf(args, { minRetentionDays: 14, maxRetentionDays: 400 });
        const days = Number(group.retentionInDays ?? 0);
        if (days === 0) report("Logs never expire (`retentionInDays` unset or 0).");
        else if (days < minRetentionDays || days > maxRetentionDays) report(`Retention of ${days} days is outside ${minRetentionDays}–${maxRetentionDays}.`);
        if (!field(() => group.kmsKeyId)) report("Logs are not encrypted with a KMS key (`kmsKeyId`).");
    }),
};
