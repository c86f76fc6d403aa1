import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { onTypes } from "../../lib/validations";
import { field } from "../../lib/values";

/** Requires ACM certificates validated by DNS, so renewal needs no human. */
export const requireAcmDnsValidation: ResourceValidationPolicy = {
    name: "require-acm-dns-validation",
    description: "ACM certificates are validated by DNS (renewed automatically), not by e-mail.",
    remediationSteps: "Set `validationMethod: \"DNS\"` and declare the validation records in Route53 with a CertificateValidation.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ validationMethod?: string; privateKey?: unknown; certificateAuthorityArn?: string }>([AWS.acmCertificate], (cert, args, report) => {
        if (cert.certificateAuthorityArn || field(() => cert.privateKey) !== undefined) args.notApplicable("private-CA or imported certificate");
        if (String(cert.validationMethod ?? "") !== "DNS") report(`Validation method is ${cert.validationMethod ?? "not set"}; use DNS.`);
    }),
};
