import { assemble } from "./assemble";
import { runChecks } from "./checks";
import { SCHEMA, SECRETS } from "./schema";
import type { StackSettings } from "./types";
import { ConfigError, ConfigReader } from "./validate";
import { readConfig } from "./walk";

// Kept where other components and tests import them from.
export { API_STAND_IN_CONFIG } from "./schema/api";
export { MAX_PASSWORD_LENGTH } from "./schema/security";
export { MIN_CONTAINER_MEMORY_MIB } from "./schema/workloads";

/** Raw stack configuration: the project's keys (namespace stripped), JSON-decoded where they were JSON. */
export interface RawConfig {
    readonly project: string;
    readonly stack: string;
    readonly values: Readonly<Record<string, unknown>>;
    /** Keys whose value is stored encrypted (set with `--secret`). */
    readonly secretKeys: ReadonlySet<string>;
}

/** Every top-level key this program reads; anything else in the project namespace is a typo. */
export const CONFIG_KEYS: readonly string[] = [...Object.keys(SCHEMA.children), ...Object.keys(SECRETS)];

/**
 * Validates raw configuration and builds the typed settings of one stack. Pure: no Pulumi runtime. Reads every key as
 * the schema says (components/settings/schema), then checks the rules across keys, and throws one ConfigError listing
 * every problem. `r` collects them (a test may pass one to see the keys read).
 */
export function buildSettings(raw: RawConfig, r: ConfigReader = new ConfigReader(raw.project)): StackSettings {
    const { values, ctx, positions } = readConfig(raw, r);
    const settings = assemble(values, raw);
    runChecks(r, { values, settings, ctx }, positions);
    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return settings;
}
