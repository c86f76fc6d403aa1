import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
export const PROJECT = "service-stack";

/**
 * The configuration Pulumi would hand the program for a stack: the project-level defaults of Pulumi.yaml,
 * overridden by Pulumi.<stack>.yaml when it exists, then by `overrides` (keys without namespace).
 * Values are encoded as Pulumi encodes them: strings raw, everything else JSON.
 */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const value = typeof declaration === "object" && declaration !== null
            ? ((declaration as { value?: unknown; default?: unknown }).value ?? (declaration as { default?: unknown }).default)
            : declaration;
        if (value !== undefined) config[`${PROJECT}:${key}`] = encode(value);
    }
    const stackFile = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(stackFile)) {
        const stackDoc = parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> };
        for (const [key, value] of Object.entries(stackDoc.config ?? {})) config[key] = encode(value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[`${PROJECT}:${key}`];
        else config[`${PROJECT}:${key}`] = encode(value);
    }
    return config;
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}
