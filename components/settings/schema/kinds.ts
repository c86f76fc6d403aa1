import { ConfigReader, DURATION_EXPECTED, EMAIL_EXPECTED, PLAIN_TEXT } from "../validate";
import { Default, Kind, KeyNode, ReadContext, Rule, SharedRow } from "./nodes";

/**
 * The kinds a key can be, each reading through ConfigReader (whose messages users see) and naming itself for the
 * README's type column, and `key()`, which makes a schema key of a kind, a default, rules and docs.
 */

type Accepts = RegExp | ((text: string) => boolean);

/** Text without unsafe characters (grammars.ts), matching `accepts` when given. */
export function text(grammar: { accepts?: Accepts; expected?: string; type?: string } = {}): Kind<string> {
    const { accepts, expected = PLAIN_TEXT, type = "text" } = grammar;
    return { read: (r, path, given, fallback) => r.string(path, given, fallback, accepts, expected), type, expected };
}

/** An integer from `min` (which may differ by environment) to `max`. */
export function integer(min: number | ((ctx: ReadContext) => number), max: number): Kind<number> {
    return {
        read: (r, path, given, fallback, ctx) => r.number(path, given, fallback, typeof min === "function" ? min(ctx) : min, max),
        ...(typeof min === "number" ? { type: `integer ${min}–${max}` } : {}),
        bounds: { min, max },
    };
}

/** A number from `min` to `max`, fractions allowed. */
export function decimal(min: number, max: number): Kind<number> {
    return { read: (r, path, given, fallback) => r.number(path, given, fallback, min, max, false), type: `number ${min}–${max}`, bounds: { min, max } };
}

export const flag: Kind<boolean> = { read: (r, path, given, fallback) => r.boolean(path, given, fallback), type: "boolean" };

/** One of `values`. */
export function oneOf<const V extends string>(values: readonly V[]): Kind<V> {
    return { read: (r, path, given, fallback) => r.oneOf(path, given, values, fallback), type: values.map((v) => `\`${v}\``).join(" \\| "), values };
}

/** A memory size (`512MiB`, `2GiB`, `768m`) read as whole MiB, from `minMiB` to 1 TiB. */
export function memorySize(minMiB = 1): Kind<number> {
    return {
        read: (r, path, given, fallback) => r.memoryMiB(path, given, fallback, minMiB),
        type: `size ${minMiB}MiB–1TiB`,
        show: (mib) => (mib % 1024 === 0 ? `${mib / 1024}GiB` : `${mib}MiB`),
    };
}

export const image: Kind<string> = { read: (r, path, given, fallback) => r.image(path, given, fallback) };
// Without a default, `fallback` is undefined: a refused value is then undefined, as an unset one is.
export const dnsName: Kind<string> = { read: (r, path, given, fallback) => r.domain(path, given) ?? fallback, type: "lower-case DNS name" };
export const duration: Kind<string> = { read: (r, path, given, fallback) => r.duration(path, given, fallback), type: "duration", expected: DURATION_EXPECTED };
export const ipv4: Kind<string> = { read: (r, path, given, fallback) => r.ipv4(path, given) ?? fallback, type: "IPv4" };
export const email: Kind<string> = { read: (r, path, given, fallback) => r.email(path, given) ?? fallback, expected: EMAIL_EXPECTED };
export const textList: Kind<readonly string[]> = { read: (r, path, given, fallback) => r.stringList(path, given, fallback), type: "list of text" };

/** An object of text values whose names match `names` (described as `namesExpected` when one does not). */
export function textMap(names: RegExp, namesExpected: string): Kind<Readonly<Record<string, string>>> {
    return { read: (r, path, given) => r.stringMap(path, given, names, namesExpected) };
}

/** A kind of its own: a grammar the reader's methods do not state alone. */
export function custom<T>(read: (r: ConfigReader, path: string, given: unknown, fallback: T, ctx: ReadContext) => T, about: { type?: string; expected?: string } = {}): Kind<T> {
    return { read, ...about };
}

/** What a key says besides its kind: its default, rules, docs, and where its value lands. */
export interface KeyOptions<T> {
    /** The default when the stack does not set the key, and the value a refused one falls back to. None: undefined. */
    readonly default?: Default<T>;
    readonly rules?: readonly Rule<T>[];
    /** One line: what the key does (a key documented in its group's row has none of its own). */
    readonly meaning?: string;
    /** The README's type text, when the kind's own would not say enough. */
    readonly type?: string;
    /** The README's default text, when the default is computed or needs words. */
    readonly defaultText?: string;
    readonly row?: SharedRow;
    readonly required?: { readonly missingAs?: string };
    readonly field?: string;
}

type KeyValue<T, O> = O extends { readonly default: unknown } ? T : T | undefined;
type KeyField<O> = O extends { readonly field: infer F extends string } ? F : undefined;

/** A schema key: read as `kind`, defaulting to `options.default` (without one, undefined when unset). */
export function key<T, const O extends KeyOptions<T>>(kind: Kind<T>, options: O): KeyNode<KeyValue<T, O>, KeyField<O>> {
    const { meaning, type, defaultText, row } = options;
    // A required key that is missing is told what its kind expects: the kind must say it.
    if (options.required && kind.expected === undefined) throw new Error("settings schema: a required key needs a kind that says what it expects");
    return {
        node: "key",
        kind: kind as Kind<KeyValue<T, O>>,
        default: options.default as Default<KeyValue<T, O>>,
        rules: (options.rules ?? []) as readonly Rule<KeyValue<T, O>>[],
        doc: { meaning: meaning ?? "", ...(type ? { type } : {}), ...(defaultText ? { default: defaultText } : {}), ...(row ? { row } : {}) },
        ...(options.required ? { required: options.required } : {}),
        field: options.field as KeyField<O>,
    };
}

/** A rule that holds outside production, and in production when `holds` does; broken, the value is told `expected`. */
export function inProduction<T>(holds: (value: T) => boolean, expected: string, defaultNote?: string): Rule<T> {
    return { broken: (value, ctx) => (ctx.environment === "production" && !holds(value) ? expected : undefined), ...(defaultNote ? { defaultNote } : {}) };
}

/** A rule from a predicate: broken, the value is told `expected`. */
export function must<T>(holds: (value: T) => boolean, expected: string): Rule<T> {
    return { broken: (value) => (holds(value) ? undefined : expected) };
}
