import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * Validates `value` against the JSON-schema subset policy configs use (type, enum, minimum/maximum, minLength,
 * pattern, items, minItems, properties, required, additionalProperties). Returns one message per problem.
 */
export function schemaErrors(value: unknown, schema: PolicyConfigJSONSchema, path: string): string[] {
    const errors: string[] = [];
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some((t) => hasType(value, t))) {
        return [`${path}: expected ${types.join(" or ")}, got ${describe(value)}`];
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: "${value}" does not match ${schema.pattern}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
        const items = schema.items;
        if (items !== undefined && typeof items === "object" && !Array.isArray(items)) {
            value.forEach((v, i) => errors.push(...schemaErrors(v, items, `${path}[${i}]`)));
        }
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${path}: \`${key}\` is required`);
        for (const [key, v] of Object.entries(record)) {
            const property = schema.properties?.[key];
            if (property !== undefined && typeof property === "object") errors.push(...schemaErrors(v, property, `${path}.${key}`));
            else if (property === undefined && schema.additionalProperties === false) errors.push(`${path}: unknown property \`${key}\``);
        }
    }
    return errors;
}

function hasType(value: unknown, type: string): boolean {
    switch (type) {
        case "string": return typeof value === "string";
        case "number": return typeof value === "number" && Number.isFinite(value);
        case "integer": return typeof value === "number" && Number.isInteger(value);
        case "boolean": return typeof value === "boolean";
        case "array": return Array.isArray(value);
        case "object": return typeof value === "object" && value !== null && !Array.isArray(value);
        case "null": return value === null;
        default: return false;
    }
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    return typeof value;
}
