import type { ResourceValidationPolicy } from "@pulumi/policy";
import { requirePostgresTlsAndScram, requireRedisTlsAndAuth } from "./dataStores";
import { requireBoundedCertificateValidity, requireStrongPrivateKeys } from "./keysAndCertificates";
import { requireTlsScrapeTargets, requireWebConfigTlsAndAuth } from "./monitoring";

/** Every TLS policy, in the order the pack lists them. */
export const tlsPolicies: readonly ResourceValidationPolicy[] = [
    requireStrongPrivateKeys,
    requireBoundedCertificateValidity,
    requirePostgresTlsAndScram,
    requireRedisTlsAndAuth,
    requireWebConfigTlsAndAuth,
    requireTlsScrapeTargets,
];
