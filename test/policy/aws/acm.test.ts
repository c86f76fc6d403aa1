import { AWS } from "../../../policy/lib/awsTypes";
import { requireAcmDnsValidation } from "../../../policy/policies/aws/acm";
import { changed, resource, secret, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const certificate = resource(AWS.acmCertificate, "stack-cert", { domainName: "example.com", validationMethod: "DNS" });
specifyResourcePolicy(requireAcmDnsValidation, certificate, [
    { when: "the certificate is validated by e-mail", input: withInput(certificate, "validationMethod", "EMAIL"), violations: [/EMAIL; use DNS/] },
    { when: "the certificate is imported", input: changed(certificate, (i) => { delete i.validationMethod; i.privateKey = secret("-----BEGIN PRIVATE KEY-----"); i.certificateBody = "x"; }), notApplicable: /imported/ },
]);
