import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/** Marks every generated secret value so a test can find it wherever it travels. */
export const SECRET_MARKER = "GENERATED-SECRET";
export const KEY_MARKER = "-----BEGIN PRIVATE KEY-----";

/** One resource the program registered, with the inputs the engine would have received. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly parent?: string;
}

export interface RecordedCall {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when `value` is a serialised Pulumi secret as the mock monitor passes it. */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Removes secret wrappers, for assertions on values. */
export function unwrap(value: unknown): unknown {
    if (isSecretWrapper(value)) return unwrap(value.value);
    if (Array.isArray(value)) return value.map(unwrap);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    }
    return value;
}

function digest(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** Outputs the real providers would compute, faked with recognisable markers. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
            return { result: `${SECRET_MARKER}-${name}-${digest(name).slice(0, 16)}`, bcryptHash: `$2a$10$${SECRET_MARKER}${digest(name).slice(0, 40)}` };
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: `${KEY_MARKER}\n${name}\n-----END PRIVATE KEY-----\n`, publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${name}\n-----END PUBLIC KEY-----\n` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n` };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n${name}\n-----END CERTIFICATE REQUEST-----\n` };
        case "docker:index/remoteImage:RemoteImage":
            return { imageId: `sha256:${digest(String(inputs.name))}`, repoDigest: `${String(inputs.name)}@sha256:${digest(String(inputs.name))}` };
        default:
            return {};
    }
}

/** Records resources and invokes; answers with fake provider state. */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly calls: RecordedCall[] = [];

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs) } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.calls.push({ token: args.token, inputs: args.inputs });
        if (args.token === "aws:route53/getZone:getZone") {
            return { zoneId: "Z0123456789EXAMPLE", name: args.inputs.name, id: "Z0123456789EXAMPLE" };
        }
        throw new Error(`unexpected invoke ${args.token}`);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    named(type: string, name: string): RecordedResource {
        const found = this.resources.find((r) => r.type === type && r.name === name);
        if (!found) throw new Error(`no ${type} named ${name}; have ${this.ofType(type).map((r) => r.name).join(", ")}`);
        return found;
    }
}
