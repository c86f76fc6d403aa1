import * as pulumi from "@pulumi/pulumi";
import type { EcsContainerDefinition } from "../../components/aws/containerDefinitions";
import { RecordedResource, RecordingMocks, unwrap } from "./mocks";
import { EXAMPLE_SECRETS, ProgramRun } from "./runProgram";
import { PROJECT, stackConfig } from "./stackConfig";

/** What a stack needs to run on AWS on top of its stack file (the region the mocks answer for). */
export const ON_AWS = { platform: "aws", aws: { region: "eu-west-1" } } as const;

/** Records, beside each resource and invoke, the provider reference it went through. */
export class ProviderRecordingMocks extends RecordingMocks {
    readonly providerOf = new Map<string, string>();
    readonly invokeProviders: { token: string; provider: string }[] = [];

    override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        this.providerOf.set(`${args.type}::${args.name}`, args.provider ?? "");
        return super.newResource(args);
    }

    override call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokeProviders.push({ token: args.token, provider: args.provider ?? "" });
        return super.call(args);
    }
}

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
 * Runs the program under `mocks` with a stack's configuration plus `overrides` (as test/support/runProgram.ts does,
 * with mocks of the caller's choosing). Stack traces are cut to one frame while it runs: Pulumi records one per
 * promise, and source-mapping them under ts-node is most of a mocked run's time.
 */
export async function runWithMocks<M extends RecordingMocks>(mocks: M, stack: string, overrides: Record<string, unknown> = {}, secrets: Readonly<Record<string, string>> = EXAMPLE_SECRETS): Promise<ProgramRun & { mocks: M }> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
        await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
        const config = stackConfig(stack, overrides);
        for (const [key, value] of Object.entries(secrets)) config[`${PROJECT}:${key}`] = value;
        pulumi.runtime.setAllConfig(config, Object.keys(secrets).map((k) => `${PROJECT}:${k}`));
        const { createStack } = await import("../../components/program");
        const outputs = createStack();
        await settled(mocks);
        return { mocks, outputs };
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/** Runs `stack` on the AWS platform (plus `overrides`), recording providers. */
export function runOnAws(stack: string, overrides: Record<string, unknown> = {}): Promise<ProgramRun & { mocks: ProviderRecordingMocks }> {
    const aws = { ...ON_AWS.aws, ...((overrides.aws as Record<string, unknown> | undefined) ?? {}) };
    return runWithMocks(new ProviderRecordingMocks(), stack, { ...ON_AWS, ...overrides, aws });
}

/** A task definition's container definitions, parsed (secret wrappers removed). */
export function containerDefinitionsOf(taskDefinition: RecordedResource): EcsContainerDefinition[] {
    return JSON.parse(String(unwrap(taskDefinition.inputs.containerDefinitions))) as EcsContainerDefinition[];
}

/** `type name` of every resource whose declared inputs differ between two runs, or that only one run declares. */
export function changedResources(before: readonly RecordedResource[], after: readonly RecordedResource[]): string[] {
    const key = (r: RecordedResource) => `${r.type} ${r.name}`;
    const index = (rs: readonly RecordedResource[]) => new Map(rs.map((r) => [key(r), JSON.stringify(r.inputs)]));
    const a = index(before);
    const b = index(after);
    return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

const runs = new Map<string, Promise<ProgramRun & { mocks: ProviderRecordingMocks }>>();

/** runOnAws without overrides, once per stack for the whole test run (the recorded resources are not mutated). */
export function sharedRunOnAws(stack: string): Promise<ProgramRun & { mocks: ProviderRecordingMocks }> {
    if (!runs.has(stack)) runs.set(stack, runOnAws(stack));
    return runs.get(stack)!;
}

/** Mocks whose generated passwords named in `rotated` come out different, as a `pulumi up --replace` of them would. */
export class RotatingMocks extends ProviderRecordingMocks {
    constructor(private readonly rotated: readonly string[]) {
        super();
    }

    override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const answer = super.newResource(args);
        if (args.type === "random:index/randomPassword:RandomPassword" && this.rotated.includes(args.name)) {
            return { id: answer.id, state: { ...answer.state, result: `${String(answer.state.result)}-rotated`, bcryptHash: `${String(answer.state.bcryptHash)}-rotated` } };
        }
        return answer;
    }
}
