import * as pulumi from "@pulumi/pulumi";
import { skipUnusedPromiseDebugStacks } from "../components/runtime/promiseDebugStacks";
import { PROJECT, stackConfig } from "./stackConfig";
import { RecordingMocks } from "./mocks";

/** Secret config values a stack's receivers need, as `pulumi config set --secret` would store them. */
export const EXAMPLE_SECRETS: Readonly<Record<string, string>> = {
    slackWebhookUrl: "https://hooks.slack.example/services/T000/B000/EXAMPLE",
    pagerdutyRoutingKey: "example-routing-key-0123456789abcdef",
    watchdogUrl: "https://deadman.example/ping/EXAMPLE",
    webhookUrl: "https://hooks.example/alerts",
    smtpPassword: "example-smtp-password",
    dockerHubAccessToken: "dckr_pat_EXAMPLE0123456789",
    teamRegistryPassword: "example-registry-password",
};

export interface ProgramRun {
    readonly mocks: RecordingMocks;
    /** The program's exports. */
    readonly outputs: import("../components/program").StackOutputs;
}

/** Waits until no resource has been registered for a few event-loop turns. */
async function settled(mocks: RecordingMocks): Promise<void> {
    let seen = -1;
    let quiet = 0;
    while (quiet < 3) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        quiet = mocks.resources.length === seen ? quiet + 1 : 0;
        seen = mocks.resources.length;
    }
}

/**
 * Runs the program under `mocks` with a stack's configuration (stack files plus `overrides`) and returns every
 * resource it registered. `secrets` are set as secret config (defaults: EXAMPLE_SECRETS).
 */
export async function runWithMocks<M extends RecordingMocks>(mocks: M, stack: string, overrides: Record<string, unknown> = {}, secrets: Readonly<Record<string, string>> = EXAMPLE_SECRETS): Promise<ProgramRun & { mocks: M }> {
    // As index.ts does first: without it, source-mapping the SDK's per-promise stacks is most of a mocked run's time.
    skipUnusedPromiseDebugStacks();
    await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
    const config = stackConfig(stack, overrides);
    for (const [key, value] of Object.entries(secrets)) config[`${PROJECT}:${key}`] = value;
    pulumi.runtime.setAllConfig(config, Object.keys(secrets).map((k) => `${PROJECT}:${k}`));
    // Required after the mocks are in place: modules that read config at load time must see this stack's.
    const { createStack } = await import("../components/program");
    const outputs = createStack();
    await settled(mocks);
    return { mocks, outputs };
}

/** runWithMocks with mocks that record every resource and invoke. */
export function runProgram(stack: string, overrides: Record<string, unknown> = {}, secrets: Readonly<Record<string, string>> = EXAMPLE_SECRETS): Promise<ProgramRun> {
    return runWithMocks(new RecordingMocks(), stack, overrides, secrets);
}

/** Resolves an Output's value (tests only). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}
