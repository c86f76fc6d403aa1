import type { PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { EffectiveConfig } from "./packConfig";
import type { StackResource } from "./policyEngine";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Unwraps secrets that carry their value, as the analyzer does; ciphertext-only secrets (state files) stay wrapped. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG_KEY] === SECRET_SIG && "value" in record) return unwrapSecrets(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** What `args.notApplicable()` throws, so the engine can tell it from a failure. */
export class NotApplicableSignal extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableSignal(reason ?? "");
}

/** True for the error @pulumi/policy's proxy throws when a policy reads a value unknown during preview. */
export function isUnknownValueError(error: unknown): error is Error {
    return error instanceof Error && "unknownTypeSentinel" in error;
}

function options(r: StackResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: [...(r.ignoreChanges ?? [])],
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: [...(r.aliases ?? [])],
        customTimeouts: r.customTimeouts ?? { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(r.additionalSecretOutputs ?? [])],
        parent: r.parent,
    };
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const t = (resourceClass as { __pulumiType?: string }).__pulumiType;
    return typeof t === "string" && t === type;
}

const EMPTY_TAGS: ReadonlyMap<string, string> = new Map();

/** The arguments a resource validation receives, built as the analyzer builds them. */
export function resourceValidationArgs(r: StackResource, config: EffectiveConfig): ResourceValidationArgs {
    const props = unknownCheckingProxy(unwrapSecrets(r.inputs) as Record<string, unknown>) as Record<string, unknown>;
    const args: ResourceValidationArgs = {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: options(r),
        stackTags: EMPTY_TAGS,
        isType: (resourceClass) => isTypeOf(r.type, resourceClass),
        asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...config.properties }) as T,
        notApplicable: throwNotApplicable,
    };
    if (r.provider) args.provider = { ...r.provider };
    return args;
}

/** The arguments a stack validation receives: every resource with its outputs, parent and dependencies linked. */
export function stackValidationArgs(resources: readonly StackResource[], config: EffectiveConfig): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    const policyResources = resources.map((r) => {
        const props = unknownCheckingProxy(unwrapSecrets(r.outputs) as Record<string, unknown>) as Record<string, unknown>;
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: options(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => isTypeOf(r.type, resourceClass),
            asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
        };
        if (r.provider) resource.provider = { ...r.provider };
        byUrn.set(r.urn, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const resource = policyResources[i] as PolicyResource;
        if (r.parent) resource.parent = byUrn.get(r.parent);
        resource.dependencies = r.dependencies.flatMap((d) => byUrn.get(d) ?? []);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) resource.propertyDependencies[key] = urns.flatMap((d) => byUrn.get(d) ?? []);
    });
    return {
        resources: policyResources,
        stackTags: EMPTY_TAGS,
        getConfig: <T extends object>() => ({ ...config.properties }) as T,
        notApplicable: throwNotApplicable,
    };
}
