import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { schemaErrors } from "./parameterSchema";

/** A policy's effective configuration: enforcement level and parameters (schema defaults, then the config file). */
export interface EffectiveConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Readonly<Record<string, unknown>>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A policy config the pack cannot use, with every problem in it. */
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
