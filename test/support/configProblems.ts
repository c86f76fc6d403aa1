import { expect } from "chai";
import { buildSettings, RawConfig } from "../../components/settings/buildSettings";
import { ConfigError } from "../../components/settings/validate";

/** Raw configuration of the project `service-stack`, stack `test`, with `secretKeys` stored as secrets. */
export function raw(values: Record<string, unknown>, secretKeys: string[] = []): RawConfig {
    return { project: "service-stack", stack: "test", values, secretKeys: new Set(secretKeys) };
}

/** The problems buildSettings reports for `values`; fails the test unless it throws a ConfigError. */
export function problems(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
    try {
        buildSettings(raw(values, secretKeys));
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return [...(e as ConfigError).problems];
    }
    throw new Error(`expected a ConfigError for ${JSON.stringify(values)}`);
}
