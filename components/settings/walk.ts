import type { RawConfig } from "./buildSettings";
import { ConfigValues, SCHEMA, SECRETS } from "./schema";
import { Children, GroupNode, KeyNode, Node, ReadContext, resolveDefault } from "./schema/nodes";
import type { Environment, Platform } from "./types";
import { ConfigReader } from "./validate";

/**
 * The per-key pass: reads a stack's raw configuration by walking the schema in order, each key by its kind and rules,
 * recording every problem in the reader and keeping a key's default where its value is missing or refused.
 */

/** Where the problems of each key (and group) end in the reader's list, so a check about it can report right after. */
export type Positions = ReadonlyMap<string, number>;

/** The position after every key and secret: checks that need the whole configuration report there. */
export const END = "(end)";

export interface ReadConfig {
    readonly values: ConfigValues;
    readonly ctx: ReadContext;
    readonly positions: Positions;
}

/** What reading one stack needs as it walks. */
interface Walk {
    readonly r: ConfigReader;
    readonly ctx: ReadContext;
    readonly read: Map<string, unknown>;
    readonly positions: Map<string, number>;
}

/** Reads every key of `raw`, recording problems in `r`. */
export function readConfig(raw: RawConfig, r: ConfigReader): ReadConfig {
    const read = new Map<string, unknown>();
    const ctx: ReadContext = {
        project: raw.project,
        stack: raw.stack,
        get environment() { return read.get("environment") as Environment; },
        get platform() { return read.get("platform") as Platform; },
        given: (path) => valueAt(raw.values, path) !== undefined,
        raw: (path) => valueAt(raw.values, path),
        value: (path) => {
            if (!read.has(path)) throw new Error(`settings schema: \`${path}\` is used before it is read`);
            return read.get(path);
        },
    };
    const walk: Walk = { r, ctx, read, positions: new Map() };
    reportUnknownKeys(r, raw);
    const values = readChildren(walk, SCHEMA, raw.values, "");
    reportPlainTextSecrets(r, raw);
    walk.positions.set(END, r.problems.length);
    return { values: values as unknown as ConfigValues, ctx, positions: walk.positions };
}

/** The raw value at a dotted path, through objects only. */
function valueAt(values: Readonly<Record<string, unknown>>, path: string): unknown {
    return path.split(".").reduce<unknown>((node, part) => (typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined), values);
}

/** A top-level key the schema does not have is a typo; its value is not shown when it was stored as a secret. */
function reportUnknownKeys(r: ConfigReader, raw: RawConfig): void {
    const known = new Set([...Object.keys(SCHEMA.children), ...Object.keys(SECRETS)]);
    for (const key of Object.keys(raw.values)) {
        if (!known.has(key)) r.fail(key, raw.values[key], "no such key; see README.md for the keys this project reads", raw.secretKeys.has(key));
    }
}

/** A secret key must be stored encrypted: in plain text it is in the stack file for anyone who reads it. */
function reportPlainTextSecrets(r: ConfigReader, raw: RawConfig): void {
    for (const key of Object.keys(SECRETS)) {
        if (raw.values[key] !== undefined && !raw.secretKeys.has(key)) {
            r.conflict(`\`${raw.project}:${key}\` is stored in plain text: set it with \`pulumi config set --secret ${key} …\`.`);
        }
    }
}

/** A group's keys, read in its read order; the value lists them in the order written, under their settings fields. */
function readChildren(walk: Walk, group: GroupNode<Children, boolean>, given: Readonly<Record<string, unknown>>, prefix: string): Record<string, unknown> {
    const read = new Map<string, unknown>();
    for (const name of group.readOrder ?? Object.keys(group.children)) {
        const node = group.children[name] as Node;
        const path = prefix === "" ? name : `${prefix}.${name}`;
        read.set(name, node.node === "key" ? readKey(walk, node, given[name], path) : readGroup(walk, node, given[name], path));
    }
    return Object.fromEntries(Object.entries(group.children).map(([name, node]) => [node.node === "key" ? node.field ?? name : name, read.get(name)]));
}

function readGroup(walk: Walk, node: GroupNode<Children, boolean>, given: unknown, path: string): Record<string, unknown> | undefined {
    if (node.optional && given === undefined) {
        markUnread(walk, node, path);
        return undefined;
    }
    const fields = walk.r.object(path, given, Object.keys(node.children));
    const value = readChildren(walk, node, fields, path);
    walk.positions.set(path, walk.r.problems.length);
    return value;
}

/** An optional group that is not set: its keys are not read, and a check about one reports where it would have been. */
function markUnread(walk: Walk, node: Node, path: string): void {
    walk.positions.set(path, walk.r.problems.length);
    if (node.node === "group") for (const [name, child] of Object.entries(node.children)) markUnread(walk, child, `${path}.${name}`);
}

/**
 * One key: unset, its default (a required one is refused); set, what its kind reads, and then the first rule the
 * accepted value breaks is reported. A refused value falls back to the default; a value that breaks a rule is kept.
 */
function readKey(walk: Walk, node: KeyNode<unknown, string | undefined>, given: unknown, path: string): unknown {
    const { r, ctx } = walk;
    r.keysRead.add(path);
    const fallback = fresh(resolveDefault(node.default, ctx));
    let value = fallback;
    if ((given === undefined || given === null) && node.required?.missingAs !== undefined) {
        value = node.kind.read(r, path, node.required.missingAs, fallback, ctx);
    } else if (given === undefined && node.required) {
        r.fail(path, undefined, node.kind.expected as string);
    } else if (given !== undefined) {
        const before = r.problems.length;
        value = node.kind.read(r, path, given, fallback, ctx);
        const broken = r.problems.length === before ? node.rules.map((rule) => rule.broken(value, ctx)).find((e) => e !== undefined) : undefined;
        if (broken !== undefined) r.fail(path, given, broken);
    }
    walk.read.set(path, value);
    walk.positions.set(path, r.problems.length);
    return value;
}

/** A copy of a list or object default, so no two stacks' settings share one. */
function fresh(value: unknown): unknown {
    if (Array.isArray(value)) return [...value];
    return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype ? { ...value } : value;
}
