import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { buildSettings } from "../../components/settings/buildSettings";
import { cacheReadsCredentials } from "../../components/aws/Registries";
import { REGISTRY_SECRET_KEYS, RegistrySecretKey, SECRET_KEYS, SecretKey, StackSettings } from "../../components/settings/types";
import { EXAMPLE_SECRETS, runProgram } from "../../harness/runProgram";
import { PROJECT, stackConfig } from "../../harness/stackConfig";
import type { StackResource } from "./policyEngine";

/**
 * The program run offline: `createStack()` under Pulumi's mocks with a stack's configuration (harness/runProgram.ts,
 * the runner the tests use too), each registration recorded with the options the engine would see.
 */

/** The validated settings of a stack (stack files plus `overrides`), with every receiver secret present. */
export function settingsFor(stack: string, overrides: Record<string, unknown> = {}): StackSettings {
    const values: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(stackConfig(stack, overrides))) {
        if (!fullKey.startsWith(`${PROJECT}:`)) continue;
        const key = fullKey.slice(PROJECT.length + 1);
        try {
            values[key] = JSON.parse(text);
        } catch {
            values[key] = text;
        }
    }
    const secretKeys = [...SECRET_KEYS, ...REGISTRY_SECRET_KEYS];
    for (const key of secretKeys) values[key] = EXAMPLE_SECRETS[key];
    return buildSettings({ project: PROJECT, stack, values, secretKeys: new Set(secretKeys) });
}

/** The secret config keys a stack's enabled receivers and image pulls need (what `pulumi config set --secret` must provide). */
export function secretsNeeded(settings: StackSettings): (SecretKey | RegistrySecretKey)[] {
    const a = settings.alerting;
    const needed: (SecretKey | RegistrySecretKey)[] = [];
    if (settings.aws && cacheReadsCredentials({ settings })) needed.push("dockerHubAccessToken");
    if (settings.aws?.teamRegistryUsername) needed.push("teamRegistryPassword");
    if (a.slack) needed.push("slackWebhookUrl");
    if (a.email?.username) needed.push("smtpPassword");
    if (a.pagerduty) needed.push("pagerdutyRoutingKey");
    if (a.webhook) needed.push("webhookUrl");
    if (a.watchdog) needed.push("watchdogUrl");
    return needed;
}

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
    readonly secrets: (SecretKey | RegistrySecretKey)[];
}

/**
 * Runs the program for `stack` under mocks (config from Pulumi.yaml, Pulumi.<stack>.yaml and `overrides`; dummy
 * values for the secrets its receivers need) and returns every resource it registers. Throws the program's
 * ConfigError when the configuration is invalid.
 */
export async function recordStack(stack: string, overrides: Record<string, unknown> = {}): Promise<OfflineRun> {
    const settings = settingsFor(stack, overrides);
    const needed = secretsNeeded(settings);
    const secrets = Object.fromEntries(needed.map((key) => [key, EXAMPLE_SECRETS[key] as string]));
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
