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
            // At most 72 bytes, as the generated passwords are: bcrypt (basic-auth hashes) refuses longer ones.
            return { result: `${SECRET_MARKER}-${name}`.slice(0, 72), bcryptHash: `$2a$10$${SECRET_MARKER}${digest(name).slice(0, 20)}-${name}` };
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
            return type.startsWith("aws:") ? awsComputedState(type, name, inputs) : {};
    }
}

/** What the AWS provider appends to a `namePrefix` (26 characters; a fixed stand-in for its timestamp and counter). */
export const PROVIDER_UNIQUE_SUFFIX = "20250101000000000000000001";

/** The account, region and partition the AWS mocks answer with. */
export const MOCK_AWS = { accountId: "123456789012", region: "eu-west-1", partition: "aws", zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d", "eu-west-1e", "eu-west-1f"] } as const;

function arn(service: string, resource: string, regional = true): string {
    return `arn:aws:${service}:${regional ? MOCK_AWS.region : ""}:${MOCK_AWS.accountId}:${resource}`;
}

/** Outputs the AWS provider computes, faked deterministically from the inputs (ids, ARNs, endpoints, versions). */
function awsComputedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const short = digest(name).slice(0, 12);
    switch (type) {
        case "aws:s3/bucket:Bucket": {
            // The mock id is `<name>-id`; a real bucket's id is its name.
            const bucket = String(inputs.bucket ?? `${name}-id`);
            return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${MOCK_AWS.region}.amazonaws.com` };
        }
        case "aws:s3/bucketObjectv2:BucketObjectv2":
            // S3 gives each upload a new version; the same content gets the same fake version here.
            return { versionId: digest(JSON.stringify(inputs.content ?? "")).slice(0, 32), arn: `arn:aws:s3:::${String(inputs.bucket)}/${String(inputs.key)}` };
        case "aws:secretsmanager/secret:Secret": {
            // With `namePrefix` the provider appends a 26-character unique suffix (timestamp and counter).
            const secretName = String(inputs.name ?? (inputs.namePrefix !== undefined ? `${String(inputs.namePrefix)}${PROVIDER_UNIQUE_SUFFIX}` : name));
            return { name: secretName, arn: arn("secretsmanager", `secret:${secretName}-${short.slice(0, 6)}`) };
        }
        case "aws:secretsmanager/secretVersion:SecretVersion":
            return { versionId: digest(JSON.stringify(inputs.secretString ?? "")).slice(0, 36), arn: String(inputs.secretId) };
        case "aws:kms/key:Key":
            return { arn: arn("kms", `key/${name}`), keyId: name };
        case "aws:rds/instance:Instance": {
            const address = `${String(inputs.identifier ?? name)}.c${short}.${MOCK_AWS.region}.rds.amazonaws.com`;
            return {
                address,
                endpoint: `${address}:${String(inputs.port ?? 5432)}`,
                arn: arn("rds", `db:${String(inputs.identifier ?? name)}`),
                masterUserSecrets: inputs.manageMasterUserPassword ? [{ secretArn: arn("secretsmanager", `secret:rds!db-${short}-AbCdEf`), kmsKeyId: inputs.masterUserSecretKmsKeyId, secretStatus: "active" }] : [],
            };
        }
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return { primaryEndpointAddress: `master.${String(inputs.replicationGroupId ?? name)}.${short.slice(0, 6)}.euw1.cache.amazonaws.com`, arn: arn("elasticache", `replicationgroup:${String(inputs.replicationGroupId ?? name)}`) };
        case "aws:lb/loadBalancer:LoadBalancer":
            return { arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/${short}`), arnSuffix: `app/${name}/${short}`, dnsName: `${name}-${short}.${MOCK_AWS.region}.elb.amazonaws.com`, zoneId: "Z32O12XQLNTSW2" };
        case "aws:lb/targetGroup:TargetGroup":
            return { arn: arn("elasticloadbalancing", `targetgroup/${name}/${short}`), arnSuffix: `targetgroup/${name}/${short}` };
        case "aws:acm/certificate:Certificate": {
            const names = [String(inputs.domainName), ...((inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
            return {
                arn: arn("acm", `certificate/${short}`),
                domainValidationOptions: names.map((domainName) => ({
                    domainName,
                    resourceRecordName: `_${digest(domainName).slice(0, 16)}.${domainName}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: `_${digest(domainName).slice(16, 32)}.acm-validations.aws.`,
                })),
            };
        }
        case "aws:route53/record:Record":
            return { fqdn: String(inputs.name).replace(/\.$/, "") };
        case "aws:ecs/taskDefinition:TaskDefinition": {
            // A new revision whenever the definition changes, as ECS registers one.
            const revision = parseInt(digest(JSON.stringify(inputs)).slice(0, 6), 16);
            const family = String(inputs.family ?? name);
            return { arn: arn("ecs", `task-definition/${family}:${revision}`), arnWithoutRevision: arn("ecs", `task-definition/${family}`), revision };
        }
        case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            return { arn: arn("servicediscovery", `namespace/ns-${short}`), hostedZone: `Z0PRIVATE${short.toUpperCase()}` };
        case "aws:iam/role:Role":
            return { arn: arn("iam", `role/${name}`, false), name };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: arn("logs", `log-group:${String(inputs.name ?? name)}`) };
        default:
            return { arn: arn(type.split(":")[1]!.split("/")[0]!, `${type.split(":").pop()}/${name}`) };
    }
}

/**
 * The ID a provider would give: Docker containers get a 64-hex ID as the engine does (values derived from it, such
 * as a label, must survive the credential heuristics); everything else `<name>-id`.
 */
export function mockId(type: string, name: string): string {
    return type === "docker:index/container:Container" ? digest(`container:${name}`) : `${name}-id`;
}

/** Records resources and invokes; answers with fake provider state. */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly calls: RecordedCall[] = [];
    /** The state each resource was given (inputs plus computed outputs), by `type::name`. */
    readonly states = new Map<string, Record<string, unknown>>();

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
        this.states.set(`${args.type}::${args.name}`, state);
        return { id: mockId(args.type, args.name), state };
    }

    /** The state a resource was given; throws when there is none. */
    stateOf(type: string, name: string): Record<string, unknown> {
        const state = this.states.get(`${type}::${name}`);
        if (!state) throw new Error(`no state for ${type} ${name}`);
        return state;
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.calls.push({ token: args.token, inputs: args.inputs });
        if (args.token === "aws:route53/getZone:getZone") {
            return { zoneId: "Z0123456789EXAMPLE", name: args.inputs.name, id: "Z0123456789EXAMPLE" };
        }
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { names: [...MOCK_AWS.zones], zoneIds: MOCK_AWS.zones.map((_, i) => `euw1-az${i + 1}`), id: MOCK_AWS.region };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: MOCK_AWS.accountId, arn: `arn:aws:iam::${MOCK_AWS.accountId}:user/deployer`, userId: "AIDAMOCK", id: MOCK_AWS.accountId };
            case "aws:index/getPartition:getPartition":
                return { partition: MOCK_AWS.partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: MOCK_AWS.partition };
            case "aws:elb/getServiceAccount:getServiceAccount":
                return { arn: "arn:aws:iam::156460612806:root", id: "156460612806" };
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
