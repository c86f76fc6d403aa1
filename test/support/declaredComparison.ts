import type { DeclaredResource } from "../../harness/declaredResources";

/**
 * Compares what a stack declares now with a recorded baseline the way the Pulumi engine matches a program's resources
 * to its state: by URN, or else through aliases — the resource's own (`aliases` option) and those it inherits from a
 * parent that was itself found under an old URN (pkg/resource/deploy/step_generator.go: generateAliases,
 * collapseAliasToUrn, inheritedChildAlias). A resource the engine would not find in the old state is a create, and
 * an old one nothing claims a delete: for a custom resource either is a replacement, which a refactor must not cause.
 */

/** An old URN now known by a new one (a type token or a parent moved, carried by an alias). */
export interface Moved {
    readonly from: string;
    readonly to: string;
    readonly custom: boolean;
}

export interface Comparison {
    /** Every difference the engine would act on, one line each. */
    readonly problems: string[];
    readonly moved: Moved[];
    /** New component resources (no cloud resource behind them; creating one changes nothing outside the state). */
    readonly addedComponents: string[];
}

interface Urn {
    readonly stack: string;
    readonly project: string;
    readonly qualifiedType: string;
    readonly type: string;
    readonly name: string;
}

function parseUrn(urn: string): Urn {
    const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/.exec(urn);
    if (!m) throw new Error(`not a URN: ${urn}`);
    const qualifiedType = m[3]!;
    return { stack: m[1]!, project: m[2]!, qualifiedType, type: qualifiedType.split("$").pop()!, name: m[4]! };
}

function createUrn(stack: string, project: string, parent: string | undefined, type: string, name: string): string {
    const qualified = parent ? `${parseUrn(parent).qualifiedType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The engine's candidates for a resource's old URN, in its order, given the old URNs its parents were found under. */
function engineAliases(r: DeclaredResource, oldUrnOf: ReadonlyMap<string, string>): string[] {
    const self = parseUrn(r.urn);
    const collapse = (a: DeclaredResource["aliases"][number]): string => {
        if (a.urn) return a.urn;
        let parent = a.parentUrn ?? r.parent;
        if (a.parentUrn && oldUrnOf.has(a.parentUrn)) parent = oldUrnOf.get(a.parentUrn);
        if (a.noParent) parent = undefined;
        return createUrn(a.stack ?? self.stack, a.project ?? self.project, parent, a.type ?? r.type, a.name ?? r.name);
    };
    const own = r.aliases.map(collapse);
    const parentOld = r.parent ? oldUrnOf.get(r.parent) : undefined;
    if (!r.parent || !parentOld) return own;
    const parentName = parseUrn(r.parent).name;
    const inherited = (type: string, name: string) => {
        const old = parseUrn(parentOld);
        const aliasName = name.startsWith(parentName) ? old.name + name.slice(parentName.length) : name;
        return createUrn(self.stack, self.project, parentOld, type, aliasName);
    };
    return [...own, inherited(r.type, r.name), ...own.map((urn) => inherited(parseUrn(urn).type, parseUrn(urn).name))];
}

function depth(r: DeclaredResource): number {
    return parseUrn(r.urn).qualifiedType.split("$").length;
}

function clip(value: unknown): string {
    const text = JSON.stringify(value) ?? "undefined";
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Where two strings first differ, with some context on each side. */
function stringDifference(a: string, b: string): string {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    const from = Math.max(0, i - 40);
    return `first difference at character ${i}: ${clip(a.slice(from, i + 80))} -> ${clip(b.slice(from, i + 80))}`;
}

/** Every leaf path at which `a` and `b` differ, with both values. */
export function differences(a: unknown, b: unknown, at = ""): string[] {
    if (typeof a === "string" && typeof b === "string") return a === b ? [] : [`${at || "(value)"}: ${stringDifference(a, b)}`];
    if (Array.isArray(a) && Array.isArray(b)) {
        const out: string[] = [];
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
            if (i >= a.length) out.push(`${at}[${i}]: added ${clip(b[i])}`);
            else if (i >= b.length) out.push(`${at}[${i}]: removed ${clip(a[i])}`);
            else out.push(...differences(a[i], b[i], `${at}[${i}]`));
        }
        return out;
    }
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => {
            const path = at ? `${at}.${k}` : k;
            if (!(k in a)) return [`${path}: added ${clip(b[k])}`];
            if (!(k in b)) return [`${path}: removed ${clip(a[k])}`];
            return differences(a[k], b[k], path);
        });
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at || "(value)"}: ${clip(a)} -> ${clip(b)}`];
}

/** The option and input differences of a resource the engine matched to its old self. */
function pairDifferences(old: DeclaredResource, now: DeclaredResource, oldUrnOf: ReadonlyMap<string, string>): string[] {
    const asOld = (urn: string) => oldUrnOf.get(urn) ?? urn;
    const provider = (ref: string | undefined) => {
        if (!ref) return undefined;
        const i = ref.lastIndexOf("::");
        return `${asOld(ref.slice(0, i))}::${ref.slice(i + 2)}`;
    };
    const view = (r: DeclaredResource, map: (urn: string) => string) => ({
        type: r.custom ? r.type : undefined,
        name: r.name,
        inputs: r.inputs,
        protect: r.protect,
        deleteBeforeReplace: r.deleteBeforeReplace,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: r.ignoreChanges,
        additionalSecretOutputs: r.additionalSecretOutputs,
        customTimeouts: r.customTimeouts,
        provider: r === now ? provider(r.provider) : r.provider,
        dependencies: [...new Set(r.dependencies.map(map))].sort(),
    });
    return differences(view(old, (u) => u), view(now, asOld));
}

/** Compares `now` (what the program declares) with `before` (the recorded baseline), as the engine would match them. */
export function compareDeclared(before: readonly DeclaredResource[], now: readonly DeclaredResource[]): Comparison {
    const old = new Map(before.map((r) => [r.urn, r]));
    const claimed = new Map<string, string>();
    const oldUrnOf = new Map<string, string>();
    const problems: string[] = [];
    const moved: Moved[] = [];
    const addedComponents: string[] = [];
    const ordered = [...now].sort((a, b) => depth(a) - depth(b));
    const matches: [DeclaredResource, DeclaredResource][] = [];

    for (const r of ordered) {
        const candidates = [r.urn, ...engineAliases(r, oldUrnOf)];
        const found = candidates.find((urn) => old.has(urn) && !claimed.has(urn));
        if (!found) {
            if (r.custom) problems.push(`${r.urn}: would be created (no old URN matches it, nor any alias)`);
            else addedComponents.push(r.urn);
            continue;
        }
        claimed.set(found, r.urn);
        if (found !== r.urn) {
            oldUrnOf.set(r.urn, found);
            moved.push({ from: found, to: r.urn, custom: r.custom });
        }
        matches.push([old.get(found)!, r]);
    }
    for (const r of before) {
        if (!claimed.has(r.urn)) problems.push(`${r.urn}: would be deleted (nothing declared now claims it)`);
    }
    for (const [was, is] of matches) {
        for (const line of pairDifferences(was, is, oldUrnOf)) problems.push(`${is.urn}: ${line}`);
    }
    return { problems, moved, addedComponents };
}
