import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/** A validation that runs only on resources of the given types, with their props typed. */
export function onTypes<P>(types: readonly string[], check: (props: P, args: ResourceValidationArgs, report: ReportViolation) => void): ResourceValidation {
    return (args, report) => {
        if (!types.includes(args.type)) return;
        check(args.props as P, args, report);
    };
}
