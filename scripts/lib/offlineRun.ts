import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import type { StackSettings } from "../../components/settings/types";
import { EXAMPLE_SECRETS, runProgram } from "../../harness/runProgram";
import { requiredSecrets, StackSecretKey, stackSettings } from "../../harness/stackSettings";
import type { StackResource } from "./policyEngine";

/**
 * The program run offline: `createStack()` under Pulumi's mocks with a stack's configuration (harness/runProgram.ts,
 * the runner the tests use too), each registration recorded with the options the engine would see.
 */

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getIgnorechangesList(): string[];
    getAliasurnsList(): string[];
    getDeletebeforereplace(): boolean;
    getRetainondelete(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getObject(): unknown;
}

interface RegisterResponse {
    getUrn(): string;
    getObject(): unknown;
}

type Callback = (error: unknown, response?: RegisterResponse) => void;

function seconds(duration: string | undefined): number {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration ?? "");
    if (!m) return 0;
    return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
}

/** Records what the mock monitor receives while `run` executes; the monitor is restored afterwards. */
export async function recordingRegistrations<T>(run: () => Promise<T>): Promise<{ result: T; resources: StackResource[] }> {
    const monitor = MockMonitor.prototype as unknown as { registerResource(req: RegisterRequest, cb: Callback): Promise<void> };
    const original = monitor.registerResource;
    const resources: StackResource[] = [];
    monitor.registerResource = function (this: unknown, req: RegisterRequest, callback: Callback) {
        return original.call(this, req, (error, response) => {
            if (!error && response) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((value, key) => { propertyDependencies[key] = value.getUrnsList(); });
                const timeouts = req.getCustomtimeouts();
                resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: response.getUrn(),
                    custom: req.getCustom(),
                    inputs: deserializeProperties(req.getObject() as never) as Record<string, unknown>,
                    outputs: deserializeProperties(response.getObject() as never) as Record<string, unknown>,
                    parent: req.getParent() || undefined,
                    protect: req.getProtect() === true,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    ignoreChanges: req.getIgnorechangesList(),
                    aliases: req.getAliasurnsList(),
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    retainOnDelete: req.getRetainondelete() === true,
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    customTimeouts: { createSeconds: seconds(timeouts?.getCreate()), updateSeconds: seconds(timeouts?.getUpdate()), deleteSeconds: seconds(timeouts?.getDelete()) },
                });
            }
            callback(error, response);
        });
    };
    try {
        const result = await run();
        return { result, resources };
    } finally {
        monitor.registerResource = original;
    }
}

export interface OfflineRun {
    readonly settings: StackSettings;
    readonly resources: StackResource[];
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
