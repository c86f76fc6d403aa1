import type { ResourceValidationPolicy } from "@pulumi/policy";
import { disallowCredentialValues, disallowPlaintextCredentialEnv } from "./credentialsInContainers";
import { disallowCredentialsInPlainInputs } from "./credentialsInInputs";
import { requireGrafanaAdminPasswordFile, requireMinimumPasswordLength } from "./passwords";
import { requirePrivateSecretFiles } from "./secretFiles";

/** Every secrets policy, in the order the pack lists them. */
export const secretPolicies: readonly ResourceValidationPolicy[] = [
    requireMinimumPasswordLength,
    requirePrivateSecretFiles,
    disallowPlaintextCredentialEnv,
    disallowCredentialValues,
    requireGrafanaAdminPasswordFile,
    disallowCredentialsInPlainInputs,
];
