import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { onTypes } from "../../lib/validations";
import { field } from "../../lib/values";

/** Requires Secrets Manager secrets encrypted with the stack's KMS key, not the account default. */
export const requireSecretsManagerKms: ResourceValidationPolicy = {
    name: "require-secrets-manager-kms",
    description: "Secrets Manager secrets are encrypted with the stack's KMS key, not the account default.",
    remediationSteps: "Set `kmsKeyId` on the secret to the stack's customer-managed KMS key (with rotation on), so access is governed by its key policy.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ kmsKeyId?: string }>([AWS.secret], (secret, _args, report) => {
        if (!field(() => secret.kmsKeyId)) report("The secret uses the account's default key (`kmsKeyId` unset).");
    }),
};
