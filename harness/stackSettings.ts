import { buildSettings } from "../components/settings/buildSettings";
import { REGISTRY_SECRET_KEYS, RegistrySecretKey, SECRET_KEYS, SecretKey, StackSettings } from "../components/settings/types";
import { ConfigError } from "../components/settings/validate";
import { EXAMPLE_SECRETS } from "./runProgram";
import { PROJECT, stackConfig } from "./stackConfig";

/** A secret config key the program reads: a receiver's credential or a registry's. */
export type StackSecretKey = SecretKey | RegistrySecretKey;

/** Registry keys first: the order the offline check has always listed the dummy secrets in. */
const ALL_SECRET_KEYS: readonly StackSecretKey[] = [...REGISTRY_SECRET_KEYS, ...SECRET_KEYS];

/**
 * The project's configuration of a stack (stack files plus `overrides`) as the Pulumi runtime hands it to the program:
 * namespace stripped, JSON decoded where it is JSON (objects, arrays, numbers), plain strings as they are.
 */
export function stackValues(stack: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(stackConfig(stack, overrides))) {
        if (!fullKey.startsWith(`${PROJECT}:`)) continue;
        values[fullKey.slice(PROJECT.length + 1)] = decode(text);
    }
    return values;
}

// The same decoding as components/settings/readSettings.ts applies to what the runtime hands over.
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * The validated settings of a stack, with `secrets` set as secret config (`pulumi config set --secret`). Throws the
 * program's ConfigError when the configuration is invalid.
 */
export function stackSettings(stack: string, overrides: Record<string, unknown> = {}, secrets: Readonly<Record<string, string>> = EXAMPLE_SECRETS): StackSettings {
    const values = { ...stackValues(stack, overrides), ...secrets };
    return buildSettings({ project: PROJECT, stack, values, secretKeys: new Set(Object.keys(secrets)) });
}

/**
 * The secret config keys a stack cannot do without (what `pulumi config set --secret` must provide): each key whose
 * absence alone makes the configuration invalid. Asked of the settings validation itself, so which receiver or
 * registry needs which secret is written once, in components/settings. Throws ConfigError when the configuration
 * is invalid even with every secret present.
 */
export function requiredSecrets(stack: string, overrides: Record<string, unknown> = {}): StackSecretKey[] {
    stackSettings(stack, overrides);
    return ALL_SECRET_KEYS.filter((key) => {
        const { [key]: _left, ...others } = EXAMPLE_SECRETS;
        try {
            stackSettings(stack, overrides, others);
            return false;
        } catch (error) {
            if (error instanceof ConfigError) return true;
            throw error;
        }
    });
}
