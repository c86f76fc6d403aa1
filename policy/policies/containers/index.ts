import type { ResourceValidationPolicy } from "@pulumi/policy";
import { disallowHostNamespaces, disallowSensitiveHostMounts } from "./hostIsolation";
import { requirePinnedImage, restrictImageRegistries } from "./imageProvenance";
import { disallowPrivileged, requireDropAllCapabilities, requireNoNewPrivileges, requireNonRootUser, requireReadOnlyRootFilesystem } from "./leastPrivilege";
import { requireBoundedRestartPolicy, requireHealthcheck, requireLogRotation, requireMemoryLimit } from "./operations";

/** Every container policy, in the order the pack lists them. */
export const containerPolicies: readonly ResourceValidationPolicy[] = [
    requirePinnedImage,
    restrictImageRegistries,
    disallowPrivileged,
    requireDropAllCapabilities,
    requireNoNewPrivileges,
    disallowHostNamespaces,
    disallowSensitiveHostMounts,
    requireMemoryLimit,
    requireHealthcheck,
    requireBoundedRestartPolicy,
    requireLogRotation,
    requireReadOnlyRootFilesystem,
    requireNonRootUser,
];
