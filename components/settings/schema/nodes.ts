import type { Environment, Platform } from "../types";
import type { ConfigReader } from "../validate";

/**
 * The shapes the settings schema is made of: keys (a kind, a default, rules, docs), groups of keys, and secret keys.
 * The schema is data: components/settings/walk.ts reads a stack's configuration by walking it, docs.ts writes the
 * README's configuration table from it.
 */

/** What a key's default, kind and rules may depend on: where the stack runs, and the keys read before it. */
export interface ReadContext {
    readonly project: string;
    readonly stack: string;
    readonly environment: Environment;
    readonly platform: Platform;
    /** Whether the stack's configuration sets `path` (dotted, without namespace), valid or not. */
    given(path: string): boolean;
    /** What the stack's configuration sets at `path`, as given (a message about it shows this). */
    raw(path: string): unknown;
    /** The value of `path`, a key read before this one: what was read, or its default when unset or refused. */
    value(path: string): unknown;
}

/**
 * How a key reads a value the stack sets: its type and grammar, with the message a wrong value gets. Refusing one, it
 * records the problem and returns `fallback` (the key's default).
 */
export interface Kind<T> {
    read(r: ConfigReader, path: string, given: unknown, fallback: T, ctx: ReadContext): T;
    /** The README's type text, when the kind says it in a few words (`integer 30–86400`). */
    readonly type?: string;
    /** What the value should be, as a refusal says it (a required key that is missing is told this). */
    readonly expected?: string;
    /** Inclusive bounds of a numeric kind; the docs test holds written type texts to them. */
    readonly bounds?: { readonly min: number | ((ctx: ReadContext) => number); readonly max: number };
    /** The values of an enumeration. */
    readonly values?: readonly string[];
    /** How the README writes a value of this kind, when not as it is (`2048` MiB is `2GiB`). */
    show?(value: T): string;
}

/** One default per environment (the README's `local / staging / production`). */
export class ByEnvironment<const T> {
    constructor(readonly values: Readonly<Record<Environment, T>>) {}
}

/** A key's default: one value, one per environment, or computed from keys read before it (documented in words). */
export type Default<T> = T | ByEnvironment<T> | ((ctx: ReadContext) => T);

/**
 * A constraint beyond the kind's grammar, checked on a value the kind accepted: the expectation the value breaks, or
 * undefined. The value is reported and kept (later checks see what was given).
 */
export interface Rule<T> {
    broken(value: T, ctx: ReadContext): string | undefined;
    /** Said after the default in the README (`min 3 in production`). */
    readonly defaultNote?: string;
}

/** A README row several sibling keys share (`aws.api.desiredCount` / `minCount` / `maxCount`): its text is written. */
export interface SharedRow {
    readonly type: string;
    readonly default: string;
    readonly meaning: string;
    /** Name the keys after the first by their last segment (`/ `minCount``) rather than in full. */
    readonly shortSiblings?: boolean;
}

/** A key's line in the README's configuration table. `type` and `default` are generated from the schema when omitted. */
export interface KeyDoc {
    readonly meaning: string;
    readonly type?: string;
    readonly default?: string;
    /** Documented in a row it shares with its siblings instead of its own. */
    readonly row?: SharedRow;
}

export interface KeyNode<T, F extends string | undefined = undefined> {
    readonly node: "key";
    readonly kind: Kind<T>;
    readonly default: Default<T>;
    readonly rules: readonly Rule<T>[];
    readonly doc: KeyDoc;
    /**
     * When the group is given, the key must be: missing, it is refused as its kind says, shown as `undefined`, or read as
     * `missingAs` (which the kind refuses) when that is given; with `missingAs`, `null` counts as missing too.
     */
    readonly required?: { readonly missingAs?: string };
    /** The settings field the value lands in, when it is not the key's name (`sharedBuffers` → `sharedBuffersMiB`). */
    readonly field: F;
}

/** A group documented as one README row, its keys named in the type text (`{to, from, smarthost, username?}`). */
export interface GroupRow {
    readonly type: string;
    readonly default: string;
    readonly meaning: string;
}

export interface GroupOptions<C extends Children> {
    readonly row?: GroupRow;
    /** Documented once, as rows of its first child with this in place of the child's name (`<workload>`). */
    readonly pattern?: string;
    /**
     * The order its keys are read in and their problems listed, when it is not the order written (which is the README's
     * and the one "no such key; `x` takes …" names them in): kept as it was before the schema, so problem lists stayed
     * the same.
     */
    readonly readOrder?: readonly (keyof C & string)[];
}

export interface GroupNode<C extends Children, O extends boolean = false> extends Omit<GroupOptions<C>, "readOrder"> {
    readonly node: "group";
    readonly readOrder?: readonly string[];
    readonly children: C;
    /** Read only when the stack sets it (`alerting.slack`): absent, it is undefined and its keys are not read. */
    readonly optional: O;
}

export type Node = KeyNode<unknown, string | undefined> | GroupNode<Children, boolean>;
export interface Children { readonly [name: string]: Node }

/** A secret key: set with `pulumi config set --secret`, read by readSettings as a Pulumi secret, never shown. */
export interface SecretNode {
    readonly node: "secret";
    /** The key whose setting needs it, as the README's Secrets section says. */
    readonly neededBy: string;
}

type FieldOf<N, K> = N extends KeyNode<unknown, infer F> ? (F extends string ? F : K) : K;
type Flatten<T> = { readonly [K in keyof T]: T[K] };

/** The value a group reads: each key under its settings field, keys that may be undefined as optional fields. */
export type GroupValue<C extends Children> = Flatten<
    { readonly [K in keyof C as undefined extends ValueOf<C[K]> ? never : FieldOf<C[K], K>]: ValueOf<C[K]> } &
    { readonly [K in keyof C as undefined extends ValueOf<C[K]> ? FieldOf<C[K], K> : never]?: ValueOf<C[K]> }
>;

/** The value a node reads. */
export type ValueOf<N> =
    N extends KeyNode<infer T, string | undefined> ? T
        : N extends GroupNode<infer C, infer O> ? (O extends true ? GroupValue<C> | undefined : GroupValue<C>)
            : never;

/** A group of keys, read in the order written (the README's) unless `readOrder` says otherwise. */
export function group<C extends Children>(children: C, options: GroupOptions<C> = {}): GroupNode<C, false> {
    return { node: "group", children, optional: false, ...options };
}

/** A group read only when the stack sets it (a receiver, the off-host copy). */
export function optionalGroup<C extends Children>(children: C, options: GroupOptions<C> = {}): GroupNode<C, true> {
    return { node: "group", children, optional: true, ...options };
}

/** A group with the same keys for each name (`images.<workload>`), documented once as a pattern. */
export function eachOf<Name extends string, N extends Node>(names: readonly Name[], pattern: string, template: (name: Name) => N): GroupNode<Record<Name, N>, false> {
    return group(Object.fromEntries(names.map((name) => [name, template(name)])) as Record<Name, N>, { pattern });
}

/** The value of a default for `ctx`. */
export function resolveDefault<T>(given: Default<T>, ctx: ReadContext): T {
    if (given instanceof ByEnvironment) return given.values[ctx.environment];
    return typeof given === "function" ? (given as (ctx: ReadContext) => T)(ctx) : given;
}
