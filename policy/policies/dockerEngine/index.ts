import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { requireExporterTlsVersionSpelling } from "./exporterSettings";
import { disallowUploadsIntoReadOnlyRoot, requireInertFileCarriers } from "./fileDelivery";
import { requireImageFileCapabilities } from "./imageFileCapabilities";

/*
 * What a real Docker engine (or the program in the image) refuses at create or start, which no mock ever sees:
 * each of these was found by running the stack on an engine.
 */

/** Every Docker-engine policy, in the order the pack lists them. */
export const dockerEnginePolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    disallowUploadsIntoReadOnlyRoot,
    requireInertFileCarriers,
    requireImageFileCapabilities,
    requireExporterTlsVersionSpelling,
];
