import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { onTypes } from "../../lib/validations";

/** Requires symmetric KMS keys to rotate automatically. */
export const requireKmsKeyRotation: ResourceValidationPolicy = {
    name: "require-kms-key-rotation",
    description: "Symmetric KMS keys rotate automatically.",
    remediationSteps: "Set `enableKeyRotation: true` on the key (yearly rotation; old versions still decrypt).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ enableKeyRotation?: boolean; customerMasterKeySpec?: string; keySpec?: string }>([AWS.kmsKey], (key, args, report) => {
        const spec = key.keySpec ?? key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable("asymmetric and HMAC keys cannot rotate");
        if (key.enableKeyRotation !== true) report("Automatic key rotation is off.");
    }),
};
