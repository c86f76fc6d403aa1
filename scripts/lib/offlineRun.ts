import type { StackSettings } from "../../components/settings/types";
import { EXAMPLE_SECRETS, runProgram } from "../../harness/runProgram";
import { Registration, recordingRegistrations } from "../../harness/registrations";
import { requiredSecrets, StackSecretKey, stackSettings } from "../../harness/stackSettings";

/**
 * The program run offline: `createStack()` under Pulumi's mocks with a stack's configuration (harness/runProgram.ts,
 * the runner the tests use too), each registration recorded with the options the engine would see
 * (harness/registrations.ts).
 */

export { recordingRegistrations } from "../../harness/registrations";

export interface OfflineRun {
    readonly settings: StackSettings;
    /** Every registration, in order; each is a policy engine `StackResource` too. */
    readonly resources: Registration[];
    /** Secret config keys given dummy values for the run. */
    readonly secrets: StackSecretKey[];
}

/**
 * Runs the program for `stack` under mocks (config from Pulumi.yaml, Pulumi.<stack>.yaml and `overrides`; dummy
 * values for the secrets its receivers and registries need) and returns every resource it registers. Throws the program's
 * ConfigError when the configuration is invalid.
 */
export async function recordStack(stack: string, overrides: Record<string, unknown> = {}): Promise<OfflineRun> {
    const needed = requiredSecrets(stack, overrides);
    const secrets = Object.fromEntries(needed.map((key) => [key, EXAMPLE_SECRETS[key] as string]));
    const settings = stackSettings(stack, overrides, secrets);
    // Pulumi records a stack trace for every promise it creates (runtime/debuggable.ts); under ts-node each trace is
    // source-mapped, which made a run take ~2 s. One frame (where an error was thrown) keeps runs near 0.4 s.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
        const { resources } = await recordingRegistrations(() => runProgram(stack, overrides, secrets));
        return { settings, resources, secrets: needed };
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}
