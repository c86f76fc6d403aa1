import * as pulumi from "@pulumi/pulumi";
import type { EcsContainerDefinition } from "../../components/platforms/aws/containerDefinitions";
import { RecordedResource, RecordingMocks, unwrap } from "../../harness/mocks";
import { ProgramRun, runWithMocks } from "../../harness/runProgram";

/**
 * What a stack needs to run on AWS on top of its stack file: the region the mocks answer for, the Docker Hub account
 * of the pull-through cache, and the user of the team registry the stack files' `images.api` names.
 */
export const ON_AWS = { platform: "aws", aws: { region: "eu-west-1", dockerHubUsername: "examplebot", teamRegistryUsername: "deploy" } } as const;

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

/** The generated values a rotation renews, by resource type. */
const ROTATED_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
    "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
    "tls:index/privateKey:PrivateKey": ["privateKeyPem"],
    "tls:index/locallySignedCert:LocallySignedCert": ["certPem"],
};

/**
 * Mocks whose generated passwords, keys and certificates named in `rotated` come out different, as a
 * `pulumi up --replace` of them (or a certificate's early renewal) would.
 */
export class RotatingMocks extends ProviderRecordingMocks {
    constructor(private readonly rotated: readonly string[]) {
        super();
    }

    override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const answer = super.newResource(args);
        const fields = ROTATED_OUTPUTS[args.type];
        if (!fields || !this.rotated.includes(args.name)) return answer;
        const state = { ...answer.state, ...Object.fromEntries(fields.map((f) => [f, `${String(answer.state[f])}-rotated`])) };
        this.states.set(`${args.type}::${args.name}`, state);
        return { id: answer.id, state };
    }
}
