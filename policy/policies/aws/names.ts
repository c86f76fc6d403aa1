import type { ResourceValidationPolicy } from "@pulumi/policy";
import { NAME_RULES, nameProblems } from "../../lib/awsNames";
import { onTypes } from "../../lib/validations";
import { plainProps } from "../../lib/values";

/** Requires every AWS name, explicit, prefixed or auto-generated, to fit the service's length and character rules. */
export const requireValidAwsNames: ResourceValidationPolicy = {
    name: "require-valid-aws-names",
    description: "AWS resource names fit the service's length limit and character set, whether explicit, a `namePrefix` plus the provider's suffix, or Pulumi's auto-name (the resource name plus 8 characters).",
    remediationSteps: "Give the resource an explicit name within the limit (e.g. the stack prefix shortened with a hash), or a shorter resource name; a `namePrefix` leaves 26 characters fewer than the limit.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<Record<string, unknown>>(Object.keys(NAME_RULES), (props, args, report) => {
        const fields = NAME_RULES[args.type]!.flatMap((r) => [r.property, ...(r.prefixProperty ? [r.prefixProperty] : [])]);
        for (const problem of nameProblems(args.type, args.name, plainProps(props, fields))) report(problem);
    }),
};
