import { isSecretWrapper } from "./mocks";
import { AliasSpec, Registration } from "./registrations";

/**
 * Everything a stack declares, as `pulumi up` would hand it to the engine, in a form that can be stored and compared:
 * each resource's identity (URN, type, name, parent), its inputs and the options that decide whether the engine
 * updates, replaces or deletes it. Deterministic: resources sorted by URN, object keys sorted, secrets marked.
 */

/** How a secret input is written down: the engine sees the value wrapped as a secret. */
export const SECRET_KEY = "<secret>";

export interface DeclaredResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent?: string;
    /** `<provider URN>::<id>` for a custom resource with an explicit provider. */
    readonly provider?: string;
    /** Inputs as the engine receives them; a secret value is `{ "<secret>": value }`. */
    readonly inputs: unknown;
    readonly protect: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly customTimeouts: Registration["customTimeouts"];
    /** URNs it depends on (explicit `dependsOn` and the resources its inputs come from), sorted. */
    readonly dependencies: readonly string[];
    readonly aliases: readonly AliasSpec[];
}

/** A value with secret wrappers written as `{ "<secret>": value }` and object keys in order. */
export function normalised(value: unknown): unknown {
    if (isSecretWrapper(value)) return { [SECRET_KEY]: normalised(value.value) };
    if (Array.isArray(value)) return value.map(normalised);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, normalised((value as Record<string, unknown>)[k])]));
    }
    return value;
}

/**
 * The URN the engine gives each registration. Pulumi's mock monitor qualifies a type with its parent's own type only
 * (`Parent$Child`); the engine qualifies it with the parent's whole chain (`Stack$Parent$Child`), and that is the URN in
 * the state, which a refactor must keep or alias.
 */
function engineUrns(resources: readonly Registration[]): Map<string, string> {
    const byMockUrn = new Map(resources.map((r) => [r.urn, r]));
    const urns = new Map<string, string>();
    const urnOf = (mockUrn: string): string => {
        const known = urns.get(mockUrn);
        if (known) return known;
        const r = byMockUrn.get(mockUrn);
        if (!r) return mockUrn;
        const [prefix, project] = mockUrn.split("::");
        const parentType = r.parent ? urnOf(r.parent).split("::")[2] : undefined;
        const urn = `${prefix}::${project}::${parentType ? `${parentType}$` : ""}${r.type}::${r.name}`;
        urns.set(mockUrn, urn);
        return urn;
    };
    for (const r of resources) urnOf(r.urn);
    return urns;
}

/** The declared form of recorded registrations, every URN (own, parent, dependencies, provider, aliases) as the engine's. */
export function declared(resources: readonly Registration[]): DeclaredResource[] {
    const urns = engineUrns(resources);
    const urn = (mock: string) => urns.get(mock) ?? mock;
    const provider = (ref: string) => `${urn(ref.slice(0, ref.lastIndexOf("::")))}${ref.slice(ref.lastIndexOf("::"))}`;
    return resources.map((r): DeclaredResource => ({
        urn: urn(r.urn),
        type: r.type,
        name: r.name,
        custom: r.custom,
        ...(r.parent ? { parent: urn(r.parent) } : {}),
        ...(r.providerRef ? { provider: provider(r.providerRef) } : {}),
        inputs: normalised(r.inputs),
        protect: r.protect,
        deleteBeforeReplace: r.deleteBeforeReplace,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: [...r.ignoreChanges].sort(),
        additionalSecretOutputs: [...r.additionalSecretOutputs].sort(),
        customTimeouts: r.customTimeouts,
        dependencies: [...new Set(r.dependencies.map(urn))].sort(),
        aliases: r.aliasSpecs.map((a) => normalised(a.parentUrn ? { ...a, parentUrn: urn(a.parentUrn) } : a) as AliasSpec),
    })).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}
