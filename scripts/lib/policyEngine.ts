import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { EngineResource } from "../../harness/registrations";
import { EffectiveConfig, reconcileConfig } from "./packConfig";
import { isUnknownValueError, NotApplicableSignal, resourceValidationArgs, stackValidationArgs } from "./validationArgs";

/**
 * A policy engine for the offline check and the tests, with the semantics of @pulumi/policy's analyzer server:
 * enforcement level from config (then the policy, then advisory); resource policies see inputs and stack policies
 * outputs, both through `unknownCheckingProxy` with secrets unwrapped; an unknown value makes the policy an advisory
 * "can't run during preview"; `notApplicable` is recorded; any other error is an error.
 */

/** One resource as the engine knows it, from a mocked program run or from `pulumi stack export`. */
export interface StackResource extends EngineResource {
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
