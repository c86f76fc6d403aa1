import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, unwrap } from "../../../harness/mocks";
import { EXAMPLE_SECRETS, ProgramRun, runWithMocks } from "../../../harness/runProgram";
import { bcryptHash, PasswordInputs, randomPassword } from "./realRandom";
import { CertificateInputs, generatePrivateKey, keyAlgorithm, Names, OpensslIssuer, Subject } from "./realTls";

/**
 * Mocks whose provider outputs are real material, so containers realised from a run get files real servers accept:
 * random passwords with real bcrypt hashes, real keys and certificates, real local image IDs. Every resource and
 * invoke is still recorded as RecordingMocks records it. Generation is synchronous on purpose: runWithMocks decides
 * the program is done when no resource registers for a few event-loop turns, which an awaited child process would
 * break.
 */

export interface RealisticMocksOptions {
    /** The local image ID (`sha256:…`) the engine holds for a reference such as `postgres:18.1`. */
    readonly imageIdFor: (reference: string) => string;
    /** Path of the `openssl` binary that signs certificates. */
    readonly openssl: string;
}

interface RequestRecord {
    readonly names: Names;
    readonly subjectEmpty: boolean;
    readonly publicKeyOf: string;
}

type State = Record<string, unknown>;

function subjectOf(value: unknown): Subject | undefined {
    if (value === undefined || value === null) return undefined;
    const s = value as Record<string, unknown>;
    const str = (k: string) => (typeof s[k] === "string" ? (s[k] as string) : undefined);
    return {
        commonName: str("commonName"), organization: str("organization"), organizationalUnit: str("organizationalUnit"),
        streetAddresses: Array.isArray(s.streetAddresses) ? (s.streetAddresses as string[]) : undefined,
        locality: str("locality"), province: str("province"), country: str("country"), postalCode: str("postalCode"),
        serialNumber: str("serialNumber"), emailAddress: str("emailAddress"),
    };
}

function isEmptySubject(subject: Subject | undefined): boolean {
    return !subject || Object.values(subject).every((v) => v === undefined || v === "" || (Array.isArray(v) && v.length === 0));
}

function namesOf(inputs: State): Names {
    return { dnsNames: inputs.dnsNames as string[] | undefined, ipAddresses: inputs.ipAddresses as string[] | undefined, uris: inputs.uris as string[] | undefined };
}

function certificateInputs(inputs: State): CertificateInputs {
    return {
        validityPeriodHours: Number(inputs.validityPeriodHours),
        allowedUses: (inputs.allowedUses as string[] | undefined) ?? [],
        isCaCertificate: inputs.isCaCertificate as boolean | undefined,
        maxPathLength: inputs.maxPathLength as number | undefined,
        setSubjectKeyId: inputs.setSubjectKeyId as boolean | undefined,
        setAuthorityKeyId: inputs.setAuthorityKeyId as boolean | undefined,
    };
}

export class RealisticMocks extends RecordingMocks {
    private readonly issuer: OpensslIssuer;
    /** What each certificate request this run made asked for: the provider copies these into the certificate. */
    private readonly requests = new Map<string, RequestRecord>();

    constructor(private readonly options: RealisticMocksOptions) {
        super();
        this.issuer = new OpensslIssuer(options.openssl);
    }

    override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const recorded = super.newResource(args);
        const inputs = unwrap(args.inputs) as State;
        const real = this.realState(args.type, inputs);
        const result = real ? { id: String(real.id ?? recorded.id), state: { ...recorded.state, ...real } } : recorded;
        // The base class recorded the mock state; the program received this one (stateOf reads it).
        this.states.set(`${args.type}::${args.name}`, result.state);
        return result;
    }

    private realState(type: string, inputs: State): State | undefined {
        switch (type) {
            case "random:index/randomPassword:RandomPassword": {
                const result = randomPassword(inputs as unknown as PasswordInputs);
                return { result, bcryptHash: bcryptHash(result), id: "none" };
            }
            case "tls:index/privateKey:PrivateKey":
                return { ...generatePrivateKey(inputs as { algorithm: string; ecdsaCurve?: string; rsaBits?: number }) };
            case "tls:index/certRequest:CertRequest":
                return this.certRequest(inputs);
            case "tls:index/selfSignedCert:SelfSignedCert":
                return this.selfSigned(inputs);
            case "tls:index/locallySignedCert:LocallySignedCert":
                return this.locallySigned(inputs);
            case "docker:index/remoteImage:RemoteImage": {
                const reference = String(inputs.name);
                return { imageId: this.options.imageIdFor(reference) };
            }
            default:
                return undefined;
        }
    }

    private certRequest(inputs: State): State {
        const keyPem = String(inputs.privateKeyPem);
        const subject = subjectOf(Array.isArray(inputs.subject) ? inputs.subject[0] : inputs.subject);
        const names = namesOf(inputs);
        const certRequestPem = this.issuer.certRequest(keyPem, subject, names);
        this.requests.set(certRequestPem, { names, subjectEmpty: isEmptySubject(subject), publicKeyOf: keyPem });
        return { certRequestPem, keyAlgorithm: keyAlgorithm(keyPem) };
    }

    private selfSigned(inputs: State): State {
        const keyPem = String(inputs.privateKeyPem);
        const subject = subjectOf(Array.isArray(inputs.subject) ? inputs.subject[0] : inputs.subject);
        const requestPem = this.issuer.certRequest(keyPem, subject, {});
        const issued = this.issuer.sign(requestPem, keyPem, undefined, certificateInputs(inputs), { names: namesOf(inputs), subjectEmpty: isEmptySubject(subject) });
        return { ...issued, keyAlgorithm: keyAlgorithm(keyPem), readyForRenewal: false };
    }

    private locallySigned(inputs: State): State {
        const requestPem = String(inputs.certRequestPem);
        const request = this.requests.get(requestPem);
        if (!request) throw new Error("LocallySignedCert: its certRequestPem was not made by a CertRequest of this run; RealisticMocks signs only those");
        const caKeyPem = String(inputs.caPrivateKeyPem);
        const issued = this.issuer.sign(requestPem, caKeyPem, String(inputs.caCertPem), certificateInputs(inputs), { names: request.names, subjectEmpty: request.subjectEmpty, subjectKeyPem: request.publicKeyOf });
        return { ...issued, caKeyAlgorithm: keyAlgorithm(caKeyPem), readyForRenewal: false };
    }
}

/** runWithMocks with RealisticMocks: the program's run for `stack`, with real secrets, certificates and image IDs. */
export function runRealistic(stack: string, overrides: Record<string, unknown> = {}, secrets: Readonly<Record<string, string>> = EXAMPLE_SECRETS, options: RealisticMocksOptions): Promise<ProgramRun & { mocks: RealisticMocks }> {
    return runWithMocks(new RealisticMocks(options), stack, overrides, secrets);
}
