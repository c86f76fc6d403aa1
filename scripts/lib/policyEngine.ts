import type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { schemaErrors } from "./configSchema";

/**
 * A policy engine for the offline check and the tests, with the semantics of @pulumi/policy's analyzer server:
 * enforcement level from config (then the policy, then advisory); resource policies see inputs and stack policies
 * outputs, both through `unknownCheckingProxy` with secrets unwrapped; an unknown value makes the policy an advisory
 * "can't run during preview"; `notApplicable` is recorded; any other error is an error.
 */

/** One resource as the engine knows it, from a mocked program run or from `pulumi stack export`. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** False for component resources. */
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly parent?: string;
    readonly protect: boolean;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly provider?: { readonly type: string; readonly name: string; readonly urn: string; readonly props: Record<string, unknown> };
    readonly ignoreChanges?: readonly string[];
    readonly aliases?: readonly string[];
    readonly deleteBeforeReplace?: boolean;
    /** `retainOnDelete`: Pulumi forgets the resource instead of deleting it (not part of the policy SDK's options). */
    readonly retainOnDelete?: boolean;
    readonly additionalSecretOutputs?: readonly string[];
    readonly customTimeouts?: { readonly createSeconds: number; readonly updateSeconds: number; readonly deleteSeconds: number };
}

/** `exempt`: a named exemption applied; `error`: the policy threw (the CLI would fail the preview). */
export type FindingLevel = "mandatory" | "advisory" | "exempt" | "error";

export interface Finding {
    readonly policy: string;
    readonly level: FindingLevel;
    /** Resource name, or empty for a stack-wide finding. */
    readonly resource: string;
    readonly type: string;
    readonly urn: string;
    readonly message: string;
}

export interface NotApplicable {
    readonly policy: string;
    readonly urn: string;
    readonly reason: string;
}

export interface Evaluation {
    readonly findings: Finding[];
    readonly notApplicable: NotApplicable[];
}

/** A policy's effective configuration: enforcement level and parameters (schema defaults, then the config file). */
export interface EffectiveConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Readonly<Record<string, unknown>>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export class PolicyConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`policy config is invalid:\n  ${problems.join("\n  ")}`);
        this.name = "PolicyConfigError";
    }
}

/**
 * Combines schema defaults, the pack's levels and a `--policy-pack-config` file, as the CLI does (`all` first, then
 * per policy), and validates it: unknown policy names and parameters are errors here (stricter than the CLI).
 */
export function reconcileConfig(policies: Policies, file: unknown): Map<string, EffectiveConfig> {
    const problems: string[] = [];
    const result = new Map<string, EffectiveConfig>();
    for (const p of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
            if (typeof schema === "object" && schema.default !== undefined) defaults[key] = schema.default;
        }
        result.set(p.name, { enforcementLevel: p.enforcementLevel ?? "advisory", properties: defaults });
    }
    if (file === undefined || file === null) return result;
    if (typeof file !== "object" || Array.isArray(file)) throw new PolicyConfigError(["the file must be a JSON object of policy name to level or settings"]);

    const entries = Object.entries(file as Record<string, unknown>);
    const parsed = new Map<string, { level?: EnforcementLevel; properties: Record<string, unknown> }>();
    for (const [name, value] of entries) {
        if (typeof value === "string") {
            parsed.set(name, { level: value as EnforcementLevel, properties: {} });
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && typeof enforcementLevel !== "string") problems.push(`${name}: \`enforcementLevel\` must be a string`);
            parsed.set(name, { level: enforcementLevel as EnforcementLevel | undefined, properties });
        } else {
            problems.push(`${name}: must be an enforcement level or an object`);
            continue;
        }
        const level = parsed.get(name)?.level;
        if (level !== undefined && !LEVELS.includes(level)) problems.push(`${name}: "${level}" is not an enforcement level (${LEVELS.join(", ")})`);
        if (name !== "all" && !result.has(name)) problems.push(`${name}: no such policy in the pack`);
    }
    const all = parsed.get("all");
    if (all && Object.keys(all.properties).length > 0) problems.push("all: only `enforcementLevel` can be set for all policies");
    for (const p of policies) {
        const current = result.get(p.name) as EffectiveConfig;
        const given = parsed.get(p.name);
        const level = given?.level ?? all?.level ?? current.enforcementLevel;
        const properties = { ...current.properties, ...(given?.properties ?? {}) };
        if (given && Object.keys(given.properties).length > 0) {
            if (!p.configSchema) problems.push(`${p.name}: takes no parameters, got ${Object.keys(given.properties).join(", ")}`);
            else problems.push(...schemaErrors(properties, { type: "object", properties: p.configSchema.properties, required: p.configSchema.required, additionalProperties: false }, p.name));
        }
        result.set(p.name, { enforcementLevel: level, properties });
    }
    if (problems.length > 0) throw new PolicyConfigError(problems);
    return result;
}

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

class NotApplicableSignal extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableSignal(reason ?? "");
}

function isUnknownValueError(error: unknown): error is Error {
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

function levelOf(config: EffectiveConfig): "mandatory" | "advisory" | undefined {
    if (config.enforcementLevel === "disabled") return undefined;
    return config.enforcementLevel === "advisory" ? "advisory" : "mandatory";
}

function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

/** Runs every enabled policy over the resources (resource policies on each, stack policies once). */
export async function evaluate(policies: Policies, resources: readonly StackResource[], configs: Map<string, EffectiveConfig>): Promise<Evaluation> {
    const findings: Finding[] = [];
    const notApplicable: NotApplicable[] = [];
    const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";

    const record = (policy: string, level: FindingLevel, r: StackResource | undefined, message: string) => {
        findings.push({ policy, level, resource: r?.name ?? "", type: r ? shortType(r.type) : "", urn: r?.urn ?? stackUrn, message });
    };
    const failure = (policy: string, r: StackResource | undefined, error: unknown) => {
        if (error instanceof NotApplicableSignal) {
            notApplicable.push({ policy, urn: r?.urn ?? stackUrn, reason: error.reason });
            if (error.reason.startsWith("exempt")) record(policy, "exempt", r, error.reason);
        } else if (isUnknownValueError(error)) {
            record(policy, "advisory", r, `can't run policy '${policy}' during preview: ${error.message}`);
        } else {
            record(policy, "error", r, `policy threw: ${error instanceof Error ? error.message : String(error)}`);
        }
    };

    for (const p of policies) {
        const config = configs.get(p.name);
        if (!config) throw new Error(`no configuration for policy ${p.name}: reconcile the config with the same policy list`);
        const level = levelOf(config);
        if (level === undefined) continue;
        if ("validateResource" in p && p.validateResource) {
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            for (const r of resources) {
                for (const validate of validations) {
                    try {
                        await validate(resourceValidationArgs(r, config), (message) => record(p.name, level, r, message));
                    } catch (error) {
                        failure(p.name, r, error);
                    }
                }
            }
        }
        if ("validateStack" in p) {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            try {
                await p.validateStack(stackValidationArgs(resources, config), (message, urn) => record(p.name, level, urn ? byUrn.get(urn) : undefined, message));
            } catch (error) {
                failure(p.name, undefined, error);
            }
        }
    }
    return { findings, notApplicable };
}

/** Result of one resource policy on one resource: violations, or why it did not apply. */
export interface SingleCheck {
    readonly violations: string[];
    readonly notApplicable?: string;
    /** Set when the policy could not run because a value was unknown (the engine's advisory). */
    readonly unknown?: string;
}

/** Runs one resource policy on one resource with the given parameters (for fixture tests). */
export async function checkResource(policy: ResourceValidationPolicy, resource: StackResource, properties: Record<string, unknown> = {}): Promise<SingleCheck> {
    const config = reconcileConfig([policy], { [policy.name]: { enforcementLevel: "mandatory", ...properties } }).get(policy.name) as EffectiveConfig;
    const violations: string[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    try {
        for (const validate of validations) await validate(resourceValidationArgs(resource, config), (message) => violations.push(message));
    } catch (error) {
        if (error instanceof NotApplicableSignal) return { violations, notApplicable: error.reason };
        if (isUnknownValueError(error)) return { violations, unknown: error.message };
        throw error;
    }
    return { violations };
}

/** Runs one stack policy over resources with the given parameters (for fixture tests). */
export async function checkStack(policy: StackValidationPolicy, resources: readonly StackResource[], properties: Record<string, unknown> = {}): Promise<SingleCheck & { urns: (string | undefined)[] }> {
    const config = reconcileConfig([policy], { [policy.name]: { enforcementLevel: "mandatory", ...properties } }).get(policy.name) as EffectiveConfig;
    const violations: string[] = [];
    const urns: (string | undefined)[] = [];
    try {
        await policy.validateStack(stackValidationArgs(resources, config), (message, urn) => {
            violations.push(message);
            urns.push(urn);
        });
    } catch (error) {
        if (error instanceof NotApplicableSignal) return { violations, urns, notApplicable: error.reason };
        if (isUnknownValueError(error)) return { violations, urns, unknown: error.message };
        throw error;
    }
    return { violations, urns };
}

/** True when any finding blocks an update (mandatory violations and policy errors). */
export function blocks(evaluation: Evaluation): boolean {
    return evaluation.findings.some((f) => f.level === "mandatory" || f.level === "error");
}
