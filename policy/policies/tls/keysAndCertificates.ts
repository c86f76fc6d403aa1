import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { onTypes } from "../../lib/validations";

export const TLS = {
    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
} as const;

/** Requires private keys of adequate strength: RSA ≥ minRsaBits, ECDSA on an allowed curve, or Ed25519. */
export const requireStrongPrivateKeys: ResourceValidationPolicy = {
    name: "require-strong-private-keys",
    description: "TLS private keys are RSA of at least 2048 bits, ECDSA on P-256 or stronger, or Ed25519.",
    remediationSteps: "Create the tls.PrivateKey with `algorithm: \"ECDSA\", ecdsaCurve: \"P256\"` (or P384), or RSA with `rsaBits` ≥ the minimum.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minRsaBits: { type: "integer", minimum: 2048, default: 2048 },
            allowedCurves: { type: "array", items: { type: "string", enum: ["P224", "P256", "P384", "P521"] }, default: ["P256", "P384", "P521"] },
        },
    },
    validateResource: onTypes<{ algorithm?: string; rsaBits?: number; ecdsaCurve?: string }>([TLS.privateKey], (props, args, report) => {
        const { minRsaBits, allowedCurves } = configOf(args, { minRsaBits: 2048, allowedCurves: ["P256", "P384", "P521"] });
        const algorithm = String(props.algorithm ?? "").toUpperCase();
        if (algorithm === "RSA") {
            // The provider's default is 2048 bits.
            const bits = props.rsaBits ?? 2048;
            if (Number(bits) < minRsaBits) report(`RSA key of ${bits} bits; at least ${minRsaBits} required.`);
        } else if (algorithm === "ECDSA") {
            // The provider's default curve is P224, which is too weak: the curve must be explicit.
            const curve = props.ecdsaCurve ?? "P224";
            if (!allowedCurves.includes(String(curve))) report(`ECDSA key on curve ${curve}${props.ecdsaCurve ? "" : " (the provider default)"}; use one of ${allowedCurves.join(", ")}.`);
        } else if (algorithm !== "ED25519") {
            report(`Unknown key algorithm "${props.algorithm ?? ""}".`);
        }
    }),
};

const HOURS_PER_DAY = 24;
const CERT_DEFAULTS = { maxValidityHours: 825 * HOURS_PER_DAY, maxCaValidityHours: 3650 * HOURS_PER_DAY };

/** Requires bounded certificate lifetimes and early renewal on `pulumi up`. */
export const requireBoundedCertificateValidity: ResourceValidationPolicy = {
    name: "require-bounded-certificate-validity",
    description: "Certificates expire within the configured maximum (CA certificates within their own) and renew early (`earlyRenewalHours` > 0, below the validity).",
    remediationSteps: "Lower `tls.certValidityDays` / `tls.caValidityDays` in the stack config and keep `tls.earlyRenewalDays` ≥ 1, so `pulumi up` re-issues before expiry.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxValidityHours: { type: "integer", minimum: 1, default: CERT_DEFAULTS.maxValidityHours },
            maxCaValidityHours: { type: "integer", minimum: 1, default: CERT_DEFAULTS.maxCaValidityHours },
        },
    },
    validateResource: onTypes<{ validityPeriodHours?: number; earlyRenewalHours?: number; isCaCertificate?: boolean }>([TLS.selfSignedCert, TLS.locallySignedCert], (props, args, report) => {
        const { maxValidityHours, maxCaValidityHours } = configOf(args, CERT_DEFAULTS);
        const isCa = props.isCaCertificate === true;
        const max = isCa ? maxCaValidityHours : maxValidityHours;
        const validity = Number(props.validityPeriodHours);
        if (!(validity > 0)) report("`validityPeriodHours` is not set.");
        else if (validity > max) report(`${isCa ? "CA certificate" : "Certificate"} valid for ${validity} hours (${Math.round(validity / HOURS_PER_DAY)} days); at most ${max} hours (${Math.round(max / HOURS_PER_DAY)} days) allowed.`);
        const early = Number(props.earlyRenewalHours ?? 0);
        if (!(early > 0)) report("`earlyRenewalHours` is not set: the certificate is only replaced after it has expired.");
        else if (validity > 0 && early >= validity) report(`\`earlyRenewalHours\` (${early}) is not below the validity (${validity}): every update would re-issue it.`);
    }),
};
