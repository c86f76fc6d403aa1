import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedExemptions, configOf, locationExemptionFor, schemaWithExemptions } from "../../lib/config";
import { credentialShapeReason } from "../../lib/credentials";
import { parseMode } from "../../lib/docker";
import { field, isSecretWrapper, known, text, UNREADABLE } from "../../lib/values";

/** A plain string somewhere in a resource's inputs, with where it is (`containerDefinitions[1].environment[0].value`). */
interface PlainString {
    readonly location: string;
    readonly value: string;
}

/** `text` parsed when it is a JSON document (ECS container definitions, IAM policies, dashboards), else undefined. */
function jsonInside(text: string): unknown {
    const trimmed = text.trimStart();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

/**
 * Every plain string in `value`, depth first: secrets (state encrypts them) and values unknown during preview are
 * skipped, and a string holding a JSON document is read as the document, so each field has its own location.
 */
function plainStrings(value: unknown, location: string, out: PlainString[] = []): PlainString[] {
    const plain = known(() => value);
    if (plain === UNREADABLE || isSecretWrapper(plain)) return out;
    if (typeof plain === "string") {
        const document = jsonInside(plain);
        if (document === undefined) out.push({ location, value: plain });
        else plainStrings(document, location, out);
    } else if (Array.isArray(plain)) {
        for (let i = 0; i < plain.length; i++) plainStrings(known(() => plain[i]), `${location}[${i}]`, out);
    } else if (typeof plain === "object" && plain !== null) {
        for (const key of Object.keys(plain)) plainStrings(known(() => (plain as Record<string, unknown>)[key]), location ? `${location}.${key}` : key, out);
    }
    return out;
}

/** A resource input that exists to hold a credential, and why a credential there is where it belongs. */
interface CredentialStore {
    readonly type: string;
    /** The input's location (`secretString`, `uploads[3].content`). */
    readonly location: RegExp;
    /** When set, the store holds a credential only for these props (a SecureString parameter, a private file). */
    readonly when?: (props: Record<string, unknown>, location: string) => boolean;
    readonly why: string;
}

/** True when a Docker upload's mode is 0600 or stricter: the file is its owner's alone (require-private-secret-files). */
function privateUpload(props: Record<string, unknown>, location: string): boolean {
    const index = Number(/^uploads\[(\d+)\]/.exec(location)?.[1]);
    const mode = text(field(() => (props.uploads as { permissions?: string }[])[index]?.permissions));
    return typeof mode === "string" && (parseMode(mode) & ~0o600) === 0;
}

/**
 * Inputs whose purpose is a credential: the engine hands policies secrets in plain text (as it does every input), so a
 * credential in one of these is where it belongs, not a leak. Each is a secret store or a key input its provider
 * keeps secret; a Docker upload only when the file is private to its owner.
 */
export const CREDENTIAL_STORES: readonly CredentialStore[] = [
    { type: "aws:secretsmanager/secretVersion:SecretVersion", location: /^secret(String|Binary)$/, why: "Secrets Manager keeps it encrypted" },
    { type: "aws:ssm/parameter:Parameter", location: /^value$/, when: (props) => props.type === "SecureString", why: "a SecureString parameter is encrypted" },
    { type: "aws:elasticache/replicationGroup:ReplicationGroup", location: /^authToken$/, why: "the cache's AUTH token" },
    { type: "aws:rds/instance:Instance", location: /^password$/, why: "the database administrator's password" },
    { type: "aws:rds/cluster:Cluster", location: /^masterPassword$/, why: "the database administrator's password" },
    { type: "aws:acm/certificate:Certificate", location: /^privateKey$/, why: "an imported certificate's key" },
    { type: "tls:index/certRequest:CertRequest", location: /^privateKeyPem$/, why: "the key the request is signed with" },
    { type: "tls:index/selfSignedCert:SelfSignedCert", location: /^privateKeyPem$/, why: "the key the certificate is signed with" },
    { type: "tls:index/locallySignedCert:LocallySignedCert", location: /^caPrivateKeyPem$/, why: "the CA key the certificate is signed with" },
    { type: "docker:index/container:Container", location: /^uploads\[\d+\]\.content$/, when: privateUpload, why: "a secret file private to its owner (mode 0600 or stricter)" },
];

function isCredentialStore(type: string, props: Record<string, unknown>, location: string): boolean {
    return CREDENTIAL_STORES.some((s) => s.type === type && s.location.test(location) && (s.when?.(props, location) ?? true));
}

/** The line of `text` a credential starts on, for multi-line values (an S3 object's content, a script). */
function lineOf(text: string, reasonFound: (line: string) => boolean): string {
    if (!text.includes("\n")) return "";
    const index = text.split("\n").findIndex(reasonFound);
    return index >= 0 ? ` (line ${index + 1})` : "";
}

/**
 * Forbids credentials in plain inputs of any resource: a value with the shape of a credential — a private key, a
 * cloud access key, an issuer's token, a webhook URL whose path is the secret, a password in a URL or connection
 * string — in any field, including inside ECS container definitions and S3 objects' content, unless the field exists
 * to hold one (CREDENTIAL_STORES). Such values end up unencrypted in the state, `pulumi preview`, the AWS console
 * and `describe-*` output. Secret wrappers (the mocks, a state export) are skipped; the engine unwraps secrets.
 */
export const disallowCredentialsInPlainInputs: ResourceValidationPolicy = {
    name: "disallow-credentials-in-plain-inputs",
    description: "No input of any resource (ECS container definitions and S3 object content included) holds a value shaped like a credential (private key, cloud access key, token, webhook URL, password in a URL) unless the input is a credential store (Secrets Manager, key inputs, private secret files); exemptions name a location with a reason.",
    remediationSteps: "Pass the credential as a Pulumi secret (`pulumi.secret`, `config.requireSecret`) into a secret store (Secrets Manager, a secret file) and reference it (ECS `secrets`, `*_FILE`); if the value is not a credential, add `{ location, resourceName?, reason }` to the policy's `exemptions` after review.",
    enforcementLevel: "mandatory",
    configSchema: schemaWithExemptions(),
    validateResource: (args, report) => {
        const { exemptions } = configOf(args, { exemptions: [] as unknown[] });
        const exempt = checkedExemptions("disallow-credentials-in-plain-inputs", exemptions);
        for (const { location, value } of plainStrings(args.props, "")) {
            const reason = credentialShapeReason(value);
            if (!reason || isCredentialStore(args.type, args.props, location) || locationExemptionFor(exempt, args.name, location)) continue;
            report(`The input \`${location}\`${lineOf(value, (line) => credentialShapeReason(line) !== undefined)} ${reason}.`);
        }
    },
};
