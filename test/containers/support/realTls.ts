import { spawnSync } from "child_process";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Real keys and certificates for the tls provider's resources, shaped as hashicorp/terraform-provider-tls makes
 * them (internal/provider/common_key.go, common_cert.go, resource_*.go): keys in the provider's PEM forms
 * (PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, PKCS#8 for Ed25519), certificates with a random 128-bit serial,
 * NotBefore = now and NotAfter = now + validity_period_hours, the allowed uses as key usage (critical) and extended
 * key usage, basic constraints (critical) always, a subject key id on CA certificates, the issuer's key id on
 * certificates it signs, and the subject alternative names of the request. Signing is done by `openssl`.
 */

export interface Subject {
    readonly commonName?: string;
    readonly organization?: string;
    readonly organizationalUnit?: string;
    readonly streetAddresses?: readonly string[];
    readonly locality?: string;
    readonly province?: string;
    readonly country?: string;
    readonly postalCode?: string;
    readonly serialNumber?: string;
    readonly emailAddress?: string;
}

export interface Names {
    readonly dnsNames?: readonly string[];
    readonly ipAddresses?: readonly string[];
    readonly uris?: readonly string[];
}

export interface CertificateInputs {
    readonly validityPeriodHours: number;
    readonly allowedUses: readonly string[];
    readonly isCaCertificate?: boolean;
    readonly maxPathLength?: number;
    readonly setSubjectKeyId?: boolean;
    readonly setAuthorityKeyId?: boolean;
}

export interface IssuedCertificate {
    readonly certPem: string;
    readonly validityStartTime: string;
    readonly validityEndTime: string;
    /** The serial number in decimal, the provider's `id`. */
    readonly id: string;
}

const CURVES: Readonly<Record<string, string>> = { P224: "secp224r1", P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" };
const KEY_USAGES: Readonly<Record<string, string>> = {
    digital_signature: "digitalSignature", content_commitment: "nonRepudiation", key_encipherment: "keyEncipherment",
    data_encipherment: "dataEncipherment", key_agreement: "keyAgreement", cert_signing: "keyCertSign", crl_signing: "cRLSign",
    encipher_only: "encipherOnly", decipher_only: "decipherOnly",
};
const EXTENDED_USAGES: Readonly<Record<string, string>> = {
    any_extended: "anyExtendedKeyUsage", server_auth: "serverAuth", client_auth: "clientAuth", code_signing: "codeSigning",
    email_protection: "emailProtection", ipsec_end_system: "ipsecEndSystem", ipsec_tunnel: "ipsecTunnel", ipsec_user: "ipsecUser",
    timestamping: "timeStamping", ocsp_signing: "OCSPSigning", microsoft_server_gated_crypto: "msSGC",
    netscape_server_gated_crypto: "nsSGC", microsoft_commercial_code_signing: "msCodeCom", microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};

/** `tls:index/privateKey:PrivateKey`: a fresh key; `ecdsaCurve` defaults to P224 and `rsaBits` to 2048, as the schema. */
export function generatePrivateKey(inputs: { algorithm: string; ecdsaCurve?: string; rsaBits?: number }): { privateKeyPem: string; privateKeyPemPkcs8: string; publicKeyPem: string } {
    let privateKey: KeyObject;
    if (inputs.algorithm === "RSA") {
        privateKey = generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits ?? 2048, publicExponent: 65537 }).privateKey;
    } else if (inputs.algorithm === "ECDSA") {
        const curve = CURVES[inputs.ecdsaCurve ?? "P224"];
        if (!curve) throw new Error(`PrivateKey \`ecdsaCurve\` is "${inputs.ecdsaCurve}": expected one of ${Object.keys(CURVES).join(", ")}`);
        privateKey = generateKeyPairSync("ec", { namedCurve: curve }).privateKey;
    } else if (inputs.algorithm === "ED25519") {
        privateKey = generateKeyPairSync("ed25519").privateKey;
    } else {
        throw new Error(`PrivateKey \`algorithm\` is "${inputs.algorithm}": expected RSA, ECDSA or ED25519`);
    }
    const type = inputs.algorithm === "RSA" ? "pkcs1" : inputs.algorithm === "ECDSA" ? "sec1" : "pkcs8";
    return {
        privateKeyPem: privateKey.export({ type, format: "pem" }) as string,
        privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
        publicKeyPem: createPublicKey(privateKey).export({ type: "spki", format: "pem" }) as string,
    };
}

/** The provider's key algorithm name of a PEM private key. */
export function keyAlgorithm(privateKeyPem: string): "RSA" | "ECDSA" | "ED25519" {
    const type = createPrivateKey(privateKeyPem).asymmetricKeyType;
    if (type === "rsa") return "RSA";
    if (type === "ec") return "ECDSA";
    if (type === "ed25519") return "ED25519";
    throw new Error(`unsupported private key type ${type}`);
}

/** The SHA-1 subject key id Go's provider computes: over the EC point, the PKCS#1 RSA key, or the DER Ed25519 key. */
export function subjectKeyId(privateKeyPem: string): string {
    const key = createPrivateKey(privateKeyPem);
    const jwk = key.export({ format: "jwk" }) as { x?: string; y?: string };
    let material: Buffer;
    if (key.asymmetricKeyType === "ec") material = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    else if (key.asymmetricKeyType === "rsa") material = createPublicKey(key).export({ type: "pkcs1", format: "der" });
    else material = Buffer.concat([Buffer.from([4, 32]), Buffer.from(jwk.x!, "base64url")]);
    return createHash("sha1").update(material).digest("hex").match(/../g)!.join(":").toUpperCase();
}

/** The digest Go's x509 signs with for a key: by curve for ECDSA, SHA-256 for RSA, none for Ed25519. */
function digestFor(privateKeyPem: string): string {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType === "ed25519") return "default";
    if (key.asymmetricKeyType === "rsa") return "sha256";
    const curve = (key.asymmetricKeyDetails as { namedCurve?: string }).namedCurve;
    return curve === "secp384r1" ? "sha384" : curve === "secp521r1" ? "sha512" : "sha256";
}

/** `-subj` in Go's RDN order (C, ST, L, street, postalCode, O, OU, CN, serialNumber, then emailAddress). */
function subjectArg(subject: Subject | undefined): string {
    const escape = (v: string) => v.replace(/[\\/]/g, (c) => `\\${c}`);
    const parts: [string, string | undefined][] = [
        ["C", subject?.country], ["ST", subject?.province], ["L", subject?.locality],
        ...(subject?.streetAddresses ?? []).map((s): [string, string] => ["street", s]),
        ["postalCode", subject?.postalCode], ["O", subject?.organization], ["OU", subject?.organizationalUnit],
        ["CN", subject?.commonName], ["serialNumber", subject?.serialNumber], ["emailAddress", subject?.emailAddress],
    ];
    return parts.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => `/${k}=${escape(v!)}`).join("") || "/";
}

function sanLine(names: Names, subjectEmpty: boolean): string | undefined {
    const entries = [
        ...(names.dnsNames ?? []).map((n) => `DNS:${n}`),
        ...(names.ipAddresses ?? []).map((n) => `IP:${n}`),
        ...(names.uris ?? []).map((n) => `URI:${n}`),
    ];
    if (entries.length === 0) return undefined;
    // Go marks the extension critical exactly when the subject is empty (RFC 5280 §4.2.1.6).
    return `subjectAltName = ${subjectEmpty ? "critical," : ""}${entries.join(",")}`;
}

/** The provider's extensions of a certificate, as an openssl extension section. */
function extensionSection(inputs: CertificateInputs, names: Names, subjectEmpty: boolean, keys: { subjectKeyPem: string; issuerHasKeyId: boolean; selfSigned: boolean }): string {
    const lines = ["[ext]"];
    const isCa = inputs.isCaCertificate === true;
    // max_path_length 0 is indistinguishable from unset in Go's template (MaxPathLenZero is never set).
    const pathLen = isCa && inputs.maxPathLength !== undefined && inputs.maxPathLength > 0 ? `,pathlen:${inputs.maxPathLength}` : "";
    lines.push(`basicConstraints = critical,CA:${isCa ? "TRUE" : "FALSE"}${pathLen}`);
    const usages = inputs.allowedUses.filter((u) => KEY_USAGES[u]).map((u) => KEY_USAGES[u]!);
    if (usages.length > 0) lines.push(`keyUsage = critical,${[...new Set(usages)].join(",")}`);
    const extended = inputs.allowedUses.filter((u) => EXTENDED_USAGES[u]).map((u) => EXTENDED_USAGES[u]!);
    if (extended.length > 0) lines.push(`extendedKeyUsage = ${extended.join(",")}`);
    // Explicit `none`: OpenSSL 3 adds both key ids by default, where Go adds them only as described above.
    lines.push(`subjectKeyIdentifier = ${isCa || inputs.setSubjectKeyId ? subjectKeyId(keys.subjectKeyPem) : "none"}`);
    const wantAuthority = keys.selfSigned ? inputs.setAuthorityKeyId === true : keys.issuerHasKeyId;
    if (inputs.setAuthorityKeyId && !keys.selfSigned && !keys.issuerHasKeyId) throw new Error("LocallySignedCert: Could not determine Authority Key Identifier (the CA certificate has no subject key id)");
    lines.push(`authorityKeyIdentifier = ${wantAuthority ? "keyid:always" : "none"}`);
    const san = sanLine(names, subjectEmpty);
    if (san) lines.push(san);
    return `${lines.join("\n")}\n`;
}

function asn1Time(date: Date): string {
    return date.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
}

const CA_CONFIG = (dir: string) => `[ca]
default_ca = ca_section
[ca_section]
database = ${dir}/index.txt
new_certs_dir = ${dir}
serial = ${dir}/serial
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = optional
[req]
distinguished_name = dn
utf8 = yes
# PrintableString when it fits, else UTF8String: Go's choice for subject strings.
string_mask = MASK:0x2002
[dn]
`;

/** Runs openssl in a fresh directory (removed afterwards: it holds private keys). */
export class OpensslIssuer {
    constructor(private readonly openssl: string) {}

    private withDir<T>(work: (dir: string, run: (args: string[]) => string) => T): T {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "realtls-"));
        fs.writeFileSync(path.join(dir, "openssl.cnf"), CA_CONFIG(dir));
        fs.writeFileSync(path.join(dir, "index.txt"), "");
        const run = (args: string[]) => {
            const result = spawnSync(this.openssl, args, { cwd: dir, encoding: "utf8", env: { ...process.env, OPENSSL_CONF: path.join(dir, "openssl.cnf") } });
            if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr || result.error?.message}`);
            return result.stdout;
        };
        try {
            return work(dir, run);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    /** `tls:index/certRequest:CertRequest`. */
    certRequest(privateKeyPem: string, subject: Subject | undefined, names: Names): string {
        return this.withDir((dir, run) => {
            fs.writeFileSync(path.join(dir, "key.pem"), privateKeyPem, { mode: 0o600 });
            const san = sanLine(names, !subject || subjectArg(subject) === "/");
            const digest = digestFor(privateKeyPem);
            run(["req", "-new", "-config", "openssl.cnf", "-utf8", "-key", "key.pem", "-subj", subjectArg(subject), ...(san ? ["-addext", san.replace(/^subjectAltName = /, "subjectAltName=")] : []), ...(digest === "default" ? [] : [`-${digest}`]), "-out", "req.pem"]);
            return fs.readFileSync(path.join(dir, "req.pem"), "utf8");
        });
    }

    /**
     * Signs `requestPem` with `caKeyPem` (self-signed when `caCertPem` is undefined) under the provider's rules.
     * `names` and `subjectEmpty` are the request's, which the provider copies into the certificate.
     */
    sign(requestPem: string, caKeyPem: string, caCertPem: string | undefined, inputs: CertificateInputs, request: { names: Names; subjectEmpty: boolean; subjectKeyPem?: string }): IssuedCertificate {
        return this.withDir((dir, run) => {
            // Whole seconds: what the certificate can hold, so the reported times are the certificate's own.
            const start = new Date(Math.floor(Date.now() / 1000) * 1000);
            const end = new Date(start.getTime() + inputs.validityPeriodHours * 3600 * 1000);
            // Uniform below 2^128, as the provider draws it.
            const serial = randomBytes(16);
            fs.writeFileSync(path.join(dir, "serial"), `${serial.toString("hex")}\n`);
            fs.writeFileSync(path.join(dir, "ca.key"), caKeyPem, { mode: 0o600 });
            fs.writeFileSync(path.join(dir, "req.pem"), requestPem);
            const issuerHasKeyId = caCertPem !== undefined && /Subject Key Identifier/.test(this.textOf(run, dir, caCertPem));
            const subjectKeyPem = request.subjectKeyPem ?? caKeyPem;
            fs.writeFileSync(path.join(dir, "ext.cnf"), extensionSection(inputs, request.names, request.subjectEmpty, { subjectKeyPem, issuerHasKeyId, selfSigned: caCertPem === undefined }));
            const issuer = caCertPem === undefined ? ["-selfsign"] : ["-cert", "ca.pem"];
            run(["ca", "-config", "openssl.cnf", "-batch", "-notext", "-preserveDN", ...issuer, "-keyfile", "ca.key", "-in", "req.pem", "-out", "cert.pem",
                "-startdate", asn1Time(start), "-enddate", asn1Time(end), "-md", digestFor(caKeyPem), "-extfile", "ext.cnf", "-extensions", "ext"]);
            return {
                certPem: fs.readFileSync(path.join(dir, "cert.pem"), "utf8").replace(/^[\s\S]*?(-----BEGIN CERTIFICATE-----)/, "$1"),
                validityStartTime: start.toISOString(),
                validityEndTime: end.toISOString(),
                id: BigInt(`0x${serial.toString("hex")}`).toString(10),
            };
        });
    }

    private textOf(run: (args: string[]) => string, dir: string, certPem: string): string {
        fs.writeFileSync(path.join(dir, "ca.pem"), certPem);
        return run(["x509", "-in", "ca.pem", "-noout", "-text"]);
    }
}
