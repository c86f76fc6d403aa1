/**
 * Reading resource properties as the engine hands them over: values may be unknown during preview (the
 * `unknownCheckingProxy` throws on access), and secrets may arrive as plaintext (the engine), as a wrapper with
 * the value (Pulumi's mocks) or as a wrapper with only ciphertext (`pulumi stack export`).
 */

/** A value that cannot be read: unknown during preview, or an encrypted secret. */
export const UNREADABLE: unique symbol = Symbol("unreadable");
export type Unreadable = typeof UNREADABLE;

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True for the error `unknownCheckingProxy` throws; duck-typed, because the pack and a caller may load different copies of @pulumi/policy. */
export function isUnknownValueError(error: unknown): boolean {
    return error instanceof Error
        && "unknownTypeSentinel" in error
        && Array.isArray((error as { props?: unknown }).props)
        && /can't be known during preview/.test(error.message);
}

/** Reads a value, returning UNREADABLE instead of throwing when it is unknown during preview. */
export function known<T>(read: () => T): T | Unreadable {
    try {
        return read();
    } catch (error) {
        if (isUnknownValueError(error)) return UNREADABLE;
        throw error;
    }
}

/** True when `value` is a serialised Pulumi secret (with its value or only ciphertext). */
export function isSecretWrapper(value: unknown): value is { value?: unknown; ciphertext?: string } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** The plain value behind a possibly secret-wrapped value; UNREADABLE for ciphertext or unknown values. */
export function reveal(value: unknown): unknown {
    return known(() => {
        if (isSecretWrapper(value)) return "value" in value ? reveal(value.value) : UNREADABLE;
        return value;
    });
}

/** The value as a string when it is a readable string; undefined when absent; UNREADABLE when it cannot be read. */
export function text(value: unknown): string | undefined | Unreadable {
    const plain = reveal(value);
    if (plain === UNREADABLE) return UNREADABLE;
    if (plain === undefined || plain === null) return undefined;
    return typeof plain === "string" ? plain : String(plain);
}

/** The elements of a list property, each readable or UNREADABLE; empty when the property is absent or unknown. */
export function items<T>(read: () => readonly T[] | undefined): (T | Unreadable)[] {
    const list = known(read);
    if (list === UNREADABLE || list === undefined || list === null) return [];
    const result: (T | Unreadable)[] = [];
    for (let i = 0; i < list.length; i++) {
        const element = known(() => list[i]);
        result.push(element === UNREADABLE ? UNREADABLE : (reveal(element) as T | Unreadable));
    }
    return result;
}

/** Reads a property of an element that may itself be partly unknown. */
export function field<T>(read: () => T): T | Unreadable {
    const value = known(read);
    return value === UNREADABLE ? UNREADABLE : (reveal(value) as T | Unreadable);
}

/** The list without unreadable elements. */
export function readable<T>(list: readonly (T | Unreadable)[]): T[] {
    return list.filter((v): v is T => v !== UNREADABLE);
}

/** The named properties of a resource as plain strings; unknown and encrypted values become UNREADABLE. */
export function plainProps(props: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(names.map((n) => [n, text(field(() => props[n]))]));
}
