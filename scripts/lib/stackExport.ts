import type { StackResource } from "./policyEngine";

/** A problem with the file given to `audit`: reported as a message, never a stack trace. */
export class StackExportError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackExportError";
    }
}

const EXPECTED = "expected the output of `pulumi stack export`: {\"version\": 3, \"deployment\": {\"manifest\": …, \"resources\": [...]}}";

interface StateResource {
    urn?: unknown;
    type?: unknown;
    custom?: unknown;
    delete?: unknown;
    inputs?: unknown;
    outputs?: unknown;
    parent?: unknown;
    protect?: unknown;
    provider?: unknown;
    dependencies?: unknown;
    propertyDependencies?: unknown;
    ignoreChanges?: unknown;
    aliases?: unknown;
    additionalSecretOutputs?: unknown;
    deleteBeforeReplace?: unknown;
    customTimeouts?: { create?: unknown; update?: unknown; delete?: unknown };
}

function record(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The resource name is the last `::` segment of its URN. */
function nameOf(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** The stack name, from the first URN (`urn:pulumi:<stack>::<project>::…`). */
export function stackOf(resources: readonly StackResource[]): string | undefined {
    const urn = resources[0]?.urn;
    return urn ? /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] : undefined;
}

/** Parses `pulumi stack export` output (deployment version 3) into resources; throws StackExportError on anything else. */
export function parseStackExport(text: string, source = "the file"): StackResource[] {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (error) {
        throw new StackExportError(`${source} is not valid JSON (${(error as Error).message}); ${EXPECTED}`);
    }
    const top = record(doc);
    if (top.deployment === undefined) throw new StackExportError(`${source} has no \`deployment\`; ${EXPECTED}`);
    if (top.version !== 3) throw new StackExportError(`${source} is deployment version ${JSON.stringify(top.version)}; this check reads version 3 (\`pulumi stack export\` of Pulumi 3.x).`);
    const deployment = record(top.deployment);
    if (deployment.resources === undefined) return [];
    if (!Array.isArray(deployment.resources)) throw new StackExportError(`${source}: \`deployment.resources\` is not a list; ${EXPECTED}`);

    const raw = deployment.resources as StateResource[];
    raw.forEach((r, i) => {
        if (typeof r !== "object" || r === null || typeof r.urn !== "string" || typeof r.type !== "string") {
            throw new StackExportError(`${source}: \`deployment.resources[${i}]\` has no \`urn\` and \`type\` strings; ${EXPECTED}`);
        }
        if (!/^urn:pulumi:/.test(r.urn)) throw new StackExportError(`${source}: \`deployment.resources[${i}].urn\` "${r.urn}" is not a Pulumi URN.`);
    });
    const byUrn = new Map(raw.map((r) => [r.urn as string, r]));
    // Resources pending deletion are not part of the stack the policies judge.
    return raw.filter((r) => r.delete !== true).map((r): StackResource => {
        const urn = r.urn as string;
        const providerRef = typeof r.provider === "string" ? r.provider : undefined;
        const providerUrn = providerRef?.split("::").slice(0, -1).join("::");
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        const dependencies: Record<string, string[]> = {};
        for (const [key, urns] of Object.entries(record(r.propertyDependencies))) dependencies[key] = strings(urns);
        return {
            type: r.type as string,
            name: nameOf(urn),
            urn,
            custom: r.custom !== false,
            inputs: record(r.inputs),
            outputs: record(r.outputs),
            parent: typeof r.parent === "string" ? r.parent : undefined,
            protect: r.protect === true,
            dependencies: strings(r.dependencies),
            propertyDependencies: dependencies,
            provider: provider && providerUrn ? { type: provider.type as string, name: nameOf(providerUrn), urn: providerUrn, props: record(provider.outputs) } : undefined,
            ignoreChanges: strings(r.ignoreChanges),
            aliases: strings(r.aliases),
            deleteBeforeReplace: r.deleteBeforeReplace === true,
            additionalSecretOutputs: strings(r.additionalSecretOutputs),
            customTimeouts: {
                createSeconds: Number(r.customTimeouts?.create ?? 0) || 0,
                updateSeconds: Number(r.customTimeouts?.update ?? 0) || 0,
                deleteSeconds: Number(r.customTimeouts?.delete ?? 0) || 0,
            },
        };
    });
}

function hasCiphertext(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasCiphertext);
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (typeof record.ciphertext === "string" && Object.keys(record).length === 2) return true;
        return Object.values(record).some(hasCiphertext);
    }
    return false;
}

/** Names of the resources whose inputs hold encrypted values, which no policy can read from a state file. */
export function resourcesWithEncryptedInputs(resources: readonly StackResource[]): string[] {
    return resources.filter((r) => hasCiphertext(r.inputs)).map((r) => r.name);
}
