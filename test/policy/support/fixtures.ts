import type { StackResource } from "../../../scripts/lib/policyEngine";

// The analyzer's unknown-value sentinels are internal to @pulumi/policy (absent from its typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels = require("@pulumi/policy/proxy") as { unknownStringValue: string; unknownNumberValue: string; unknownBooleanValue: string; unknownArrayValue: string; unknownObjectValue: string };

/** Values as the engine sends them during preview when they depend on resources not yet created. */
export const UNKNOWN = {
    string: sentinels.unknownStringValue,
    number: sentinels.unknownNumberValue,
    boolean: sentinels.unknownBooleanValue,
    array: sentinels.unknownArrayValue,
    object: sentinels.unknownObjectValue,
} as const;

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A secret as Pulumi's mocks pass it (value inside). */
export function secret(value: unknown): Record<string, unknown> {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** A secret as `pulumi stack export` writes it (ciphertext only). */
export function encrypted(ciphertext = "v1:Q2lwaGVydGV4dA==:AAAA"): Record<string, unknown> {
    return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext };
}

/** A resource with every field the engine fills in; `inputs` double as outputs unless given. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<StackResource> = {}): StackResource {
    const shortType = type.split(":").pop() ?? type;
    return {
        type,
        name,
        urn: `urn:pulumi:test::service-stack::${type}::${name}`,
        custom: !type.startsWith("service-stack:"),
        inputs,
        outputs: inputs,
        protect: false,
        dependencies: [],
        propertyDependencies: {},
        provider: { type: `pulumi:providers:${type.split(":")[0]}`, name: "default", urn: `urn:pulumi:test::service-stack::pulumi:providers:${type.split(":")[0]}::default`, props: {} },
        ignoreChanges: [],
        aliases: [],
        deleteBeforeReplace: false,
        additionalSecretOutputs: shortType === "RandomPassword" ? ["result"] : [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        ...extra,
    };
}

/** A deep copy of `r` with its inputs (and outputs) changed by `mutate`. */
export function changed(r: StackResource, mutate: (inputs: Record<string, any>) => void, extra: Partial<StackResource> = {}): StackResource {
    const inputs = structuredClone(r.inputs) as Record<string, any>;
    mutate(inputs);
    return { ...r, inputs, outputs: inputs, ...extra };
}

/** A copy of `r` with one input set, or removed when `value` is undefined. */
export function withInput(r: StackResource, key: string, value: unknown): StackResource {
    return changed(r, (i) => { if (value === undefined) delete i[key]; else i[key] = value; });
}

export const CONTAINER = "docker:index/container:Container";

/** A container as the program's baseline declares it (components/platforms/docker/containerBaseline.ts), for `name`. */
export function compliantContainer(name = "service-stack-test-postgres", extraInputs: Record<string, unknown> = {}): StackResource {
    return resource(CONTAINER, name.replace(/^service-stack-test-/, "stack-"), {
        name,
        image: "sha256:0f5c5b35f1ad9f2d2c4b3ad8c0c7a5f0b1e3d1f7b6e5a4c3b2a1908f7e6d5c4b",
        user: "999:999",
        command: ["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"],
        envs: ["POSTGRES_USER=postgres", "POSTGRES_PASSWORD_FILE=/run/secrets/postgres-superuser-password", "POSTGRES_DB=app"],
        memory: 512,
        memorySwap: 512,
        cpuShares: 1024,
        restart: "unless-stopped",
        mustRun: true,
        privileged: false,
        readOnly: true,
        capabilities: { drops: ["ALL"], adds: [] },
        securityOpts: ["no-new-privileges:true"],
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
        healthcheck: { tests: ["CMD", "pg_isready", "-h", "/var/run/postgresql"], interval: "15s", timeout: "5s", retries: 5, startPeriod: "60s" },
        networksAdvanced: [{ name: "service-stack-test-data", aliases: ["postgres"] }],
        volumes: [{ volumeName: "service-stack-test-postgres-data", containerPath: "/var/lib/postgresql" }],
        tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
        labels: [{ label: "com.service-stack.stack", value: "test" }],
        uploads: [
            { file: "/etc/postgresql/tls/tls.crt", content: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", owner: "0", group: "0", permissions: "0444" },
            { file: "/etc/postgresql/tls/tls.key", content: secret("-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"), owner: "999", group: "999", permissions: "0400" },
            { file: "/run/secrets/postgres-superuser-password", content: secret("Zq3vX9pL2mR7tY4wK8nB6cD1"), owner: "999", group: "999", permissions: "0400" },
        ],
        ...extraInputs,
    });
}

/** An upload entry as the baseline writes it: config world-readable and root-owned, secrets 0400 for the process user. */
export function upload(file: string, content: unknown, isSecret = false): Record<string, unknown> {
    return isSecret
        ? { file, content: secret(content), owner: "999", group: "999", permissions: "0400" }
        : { file, content, owner: "0", group: "0", permissions: "0444" };
}
