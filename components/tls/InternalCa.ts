import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** A server certificate issued by the internal CA. */
export interface IssuedCertificate {
    readonly certPem: pulumi.Output<string>;
    /** Secret. */
    readonly privateKeyPem: pulumi.Output<string>;
}

export interface InternalCaArgs {
    /** Certificates to issue: name -> DNS names (the first is the common name). */
    readonly servers: Readonly<Record<string, readonly string[]>>;
    /** Validity of each server certificate, in days. */
    readonly certValidityDays: number;
    /** `pulumi up` re-issues a certificate this many days before it expires. */
    readonly earlyRenewalDays: number;
    /** Validity of the CA certificate, in days. */
    readonly caValidityDays: number;
    /** Organisation named in every subject. */
    readonly organization: string;
}

const HOURS_PER_DAY = 24;

/**
 * A per-stack certificate authority (ECDSA P-384) and an ECDSA P-256 server certificate for each service,
 * usable for both server and client authentication inside the stack.
 */
export class InternalCa extends pulumi.ComponentResource {
    public readonly caCertPem: pulumi.Output<string>;
    public readonly certificates: Readonly<Record<string, IssuedCertificate>>;

    constructor(name: string, args: InternalCaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:tls:InternalCa", name, {}, opts);
        for (const [server, dnsNames] of Object.entries(args.servers)) {
            if (dnsNames.length === 0) throw new Error(`InternalCa \`servers.${server}\` has no DNS names: expected at least one.`);
        }
        if (args.earlyRenewalDays >= args.certValidityDays) {
            throw new Error(`InternalCa \`earlyRenewalDays\` (${args.earlyRenewalDays}) must be less than \`certValidityDays\` (${args.certValidityDays}).`);
        }

        const caKey = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P384" }, { parent: this });
        const caCert = new tls.SelfSignedCert(name, {
            privateKeyPem: caKey.privateKeyPem,
            subject: { commonName: `${args.organization} internal CA`, organization: args.organization },
            isCaCertificate: true,
            validityPeriodHours: args.caValidityDays * HOURS_PER_DAY,
            earlyRenewalHours: Math.min(30, Math.floor(args.caValidityDays / 10)) * HOURS_PER_DAY,
            allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        }, { parent: this });
        this.caCertPem = caCert.certPem;

        const certificates: Record<string, IssuedCertificate> = {};
        for (const [server, dnsNames] of Object.entries(args.servers)) {
            const key = new tls.PrivateKey(`${name}-${server}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
            const request = new tls.CertRequest(`${name}-${server}-csr`, {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: dnsNames[0], organization: args.organization },
                dnsNames: [...dnsNames],
            }, { parent: this });
            const cert = new tls.LocallySignedCert(`${name}-${server}`, {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: caKey.privateKeyPem,
                caCertPem: caCert.certPem,
                validityPeriodHours: args.certValidityDays * HOURS_PER_DAY,
                earlyRenewalHours: args.earlyRenewalDays * HOURS_PER_DAY,
                allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
            }, { parent: this });
            certificates[server] = { certPem: cert.certPem, privateKeyPem: pulumi.secret(key.privateKeyPem) };
        }
        this.certificates = certificates;

        this.registerOutputs({ caCertPem: this.caCertPem });
    }
}
