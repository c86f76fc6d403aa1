import { requireBoundedCertificateValidity, requireStrongPrivateKeys, TLS } from "../../../policy/policies/tls/keysAndCertificates";
import { resource, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const key = (inputs: Record<string, unknown>) => resource(TLS.privateKey, "stack-ca-postgres-key", inputs);
specifyResourcePolicy(requireStrongPrivateKeys, key({ algorithm: "ECDSA", ecdsaCurve: "P256" }), [
    { when: "an ECDSA key relies on the provider's P224 default", input: key({ algorithm: "ECDSA" }), violations: [/curve P224 \(the provider default\)/] },
    { when: "an ECDSA key uses P224 explicitly", input: key({ algorithm: "ECDSA", ecdsaCurve: "P224" }), violations: [/P224/] },
    { when: "an RSA key has 1024 bits", input: key({ algorithm: "RSA", rsaBits: 1024 }), violations: [/1024 bits/] },
    { when: "an RSA key uses the provider's 2048-bit default", input: key({ algorithm: "RSA" }) },
    { when: "an RSA key of 2048 bits is below a 3072-bit floor", input: key({ algorithm: "RSA", rsaBits: 2048 }), config: { minRsaBits: 3072 }, violations: [/at least 3072/] },
    { when: "the key is Ed25519", input: key({ algorithm: "ED25519" }) },
]);

const cert = (inputs: Record<string, unknown>, type: string = TLS.locallySignedCert) => resource(type, "stack-ca-postgres", { certRequestPem: UNKNOWN.string, ...inputs });
const leaf = cert({ validityPeriodHours: 365 * 24, earlyRenewalHours: 30 * 24 });
specifyResourcePolicy(requireBoundedCertificateValidity, leaf, [
    { when: "a leaf certificate outlives the maximum", input: cert({ validityPeriodHours: 800 * 24, earlyRenewalHours: 720 }), config: { maxValidityHours: 398 * 24 }, violations: [/valid for 19200 hours \(800 days\); at most 9552/] },
    { when: "a certificate never renews early", input: cert({ validityPeriodHours: 8760 }), violations: [/`earlyRenewalHours` is not set/] },
    { when: "early renewal is not below the validity", input: cert({ validityPeriodHours: 100, earlyRenewalHours: 100 }), violations: [/every update would re-issue/] },
    { when: "no validity is set", input: cert({ earlyRenewalHours: 10 }), violations: [/`validityPeriodHours` is not set/] },
    { when: "a ten-year CA certificate is judged by the CA maximum", input: cert({ validityPeriodHours: 3650 * 24, earlyRenewalHours: 30 * 24, isCaCertificate: true }, TLS.selfSignedCert) },
    { when: "a twenty-year CA certificate exceeds the CA maximum", input: cert({ validityPeriodHours: 7300 * 24, earlyRenewalHours: 30 * 24, isCaCertificate: true }, TLS.selfSignedCert), violations: [/CA certificate valid for .*7300 days/] },
    { when: "the certificate request is unknown during preview (not read)", input: leaf },
]);
