import * as pulumi from "@pulumi/pulumi";
import { buildSettings, RawConfig } from "./buildSettings";
import { BACKUP_SECRET_KEYS, REGISTRY_SECRET_KEYS, SECRET_KEYS, StackSecrets, StackSettings } from "./types";

// `isConfigSecret` is exported by the SDK runtime but not in its typings; without it every key counts as secret,
// which only switches off the "secret stored in plain text" check.
const runtimeWithSecrets = pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean };

/** Reads the project's raw configuration from the Pulumi runtime (stack file, project defaults). */
export function readRawConfig(): RawConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    // No prototype: a key named `__proto__` must stay a key (reported as unknown), not become the object's prototype.
    const values: Record<string, unknown> = Object.create(null);
    const secretKeys = new Set<string>();
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        values[key] = decode(text);
        if (runtimeWithSecrets.isConfigSecret?.(fullKey) ?? true) secretKeys.add(key);
    }
    return { project, stack: pulumi.getStack(), values, secretKeys };
}

/** Objects, arrays and numbers arrive as JSON text; plain strings do not. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Validated settings plus the secret config values, as Pulumi secrets. Throws ConfigError before any resource exists. */
export function readSettings(): { settings: StackSettings; secrets: StackSecrets } {
    const settings = buildSettings(readRawConfig());
    const config = new pulumi.Config();
    const secrets: { -readonly [K in keyof StackSecrets]: StackSecrets[K] } = {};
    for (const key of [...SECRET_KEYS, ...REGISTRY_SECRET_KEYS, ...BACKUP_SECRET_KEYS]) {
        if (config.get(key) !== undefined) secrets[key] = config.requireSecret(key);
    }
    return { settings, secrets };
}
