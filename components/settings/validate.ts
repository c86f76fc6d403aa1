import { DNS_NAME, durationMs, hasUnsafeCharacter, IPV4, isEmailAddress, isPinnedImage } from "./grammars";

/** Thrown when stack configuration is invalid; lists every problem, each naming key, value and expectation. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** Longest shown value: a pasted file or a runaway list should not bury the other problems. */
const SHOWN_CHARACTERS = 160;

/**
 * Shows a config value in an error message, as JSON with every unsafe character (grammars.ts) escaped, so the
 * message shows what is there; secret values are never shown.
 */
function show(value: unknown, secret = false): string {
    if (secret) return "[secret]";
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return printable(text);
}

/** `text` with every unsafe character (grammars.ts) as a `\\uXXXX` escape, cut at SHOWN_CHARACTERS. */
function printable(text: string): string {
    const escaped = text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    return escaped.length > SHOWN_CHARACTERS ? `${escaped.slice(0, SHOWN_CHARACTERS)}…` : escaped;
}

/**
 * Reads raw config values (already JSON-decoded where they were JSON) into typed values, collecting a
 * problem for each bad one instead of stopping at the first, so a user fixes a stack file in one pass.
 */
export class ConfigReader {
    readonly problems: string[] = [];
    /** Every key a reading method was asked for, set or not: the keys this program reads (for tests and docs). */
    readonly keysRead = new Set<string>();

    constructor(private readonly namespace: string) {}

    /** Records that `key` holds `value` where `expected` was expected. Returns undefined for convenience. */
    fail(key: string, value: unknown, expected: string, secret = false): undefined {
        this.problems.push(`\`${this.namespace}:${printable(key)}\` is ${show(value, secret)}: expected ${expected}.`);
        return undefined;
    }

    /** Records a problem that is not about one value (e.g. two keys that conflict). */
    conflict(message: string): void {
        this.problems.push(message);
    }

    /**
     * A non-blank string without an unsafe character (grammars.ts), matching `accepts` when given (a pattern, or a
     * test for grammars a pattern cannot state).
     */
    string(key: string, value: unknown, fallback: string, accepts?: RegExp | ((text: string) => boolean), expected?: string): string;
    string(key: string, value: unknown, fallback: undefined, accepts?: RegExp | ((text: string) => boolean), expected?: string): string | undefined;
    string(key: string, value: unknown, fallback: string | undefined, accepts?: RegExp | ((text: string) => boolean), expected = PLAIN_TEXT): string | undefined {
        this.keysRead.add(key);
        if (value === undefined) return fallback;
        const matches = (text: string) => accepts === undefined || (typeof accepts === "function" ? accepts(text) : accepts.test(text));
        if (typeof value !== "string" || value.trim() === "" || hasUnsafeCharacter(value) || !matches(value)) {
            return this.fail(key, value, expected) ?? fallback;
        }
        return value;
    }

    /** A number within [min, max]; numeric strings are accepted because `pulumi config set --path` stores strings. */
    number(key: string, value: unknown, fallback: number, min: number, max: number, integer = true): number {
        this.keysRead.add(key);
        if (value === undefined) return fallback;
        const n = typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        const what = `${integer ? "an integer" : "a number"} from ${min} to ${max}`;
        if (typeof n !== "number" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
            return this.fail(key, value, what) ?? fallback;
        }
        return n;
    }

    boolean(key: string, value: unknown, fallback: boolean): boolean {
        this.keysRead.add(key);
        if (value === undefined) return fallback;
        if (value === true || value === "true") return true;
        if (value === false || value === "false") return false;
        return this.fail(key, value, "true or false") ?? fallback;
    }

    oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[], fallback: T): T {
        this.keysRead.add(key);
        if (value === undefined) return fallback;
        if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
        return this.fail(key, value, `one of ${allowed.map((a) => `\`${a}\``).join(", ")}`) ?? fallback;
    }

    /** An object whose keys are all in `allowed`; unknown keys are reported (they are usually typos). */
    object(key: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
        this.keysRead.add(key);
        if (value === undefined) return {};
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.fail(key, value, `an object with keys ${allowed.map((a) => `\`${a}\``).join(", ")}`);
            return {};
        }
        for (const sub of Object.keys(value)) {
            if (!allowed.includes(sub)) {
                this.fail(`${key}.${sub}`, (value as Record<string, unknown>)[sub], `no such key; \`${key}\` takes ${allowed.map((a) => `\`${a}\``).join(", ")}`);
            }
        }
        return value as Record<string, unknown>;
    }

    /** A list of strings, each without an unsafe character (grammars.ts). */
    stringList(key: string, value: unknown, fallback: readonly string[]): readonly string[] {
        this.keysRead.add(key);
        if (value === undefined) return fallback;
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && !hasUnsafeCharacter(v))) {
            return this.fail(key, value, `a list of strings, each ${PLAIN_TEXT_CHARACTERS}`) ?? fallback;
        }
        return value as string[];
    }

    /** An object of string values whose keys match `keyPattern`; values carry no unsafe character (grammars.ts). */
    stringMap(key: string, value: unknown, keyPattern: RegExp, keyExpected: string): Record<string, string> {
        this.keysRead.add(key);
        if (value === undefined) return {};
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return this.fail(key, value, "an object of string values") ?? {};
        }
        // No prototype: a key such as `__proto__` stays an ordinary (rejected or kept) entry.
        const out: Record<string, string> = Object.create(null);
        for (const [k, v] of Object.entries(value)) {
            if (!keyPattern.test(k)) this.fail(`${key}.${k}`, k, keyExpected);
            else if (typeof v !== "string" || hasUnsafeCharacter(v)) this.fail(`${key}.${k}`, v, `a string ${PLAIN_TEXT_CHARACTERS}`);
            else out[k] = v;
        }
        return out;
    }

    /**
     * A memory size such as `512MiB`, `2GiB`, `512m` or `1g`, returned in MiB, from `minMiB` to 1 TiB (a bound every
     * consumer's integer holds: Docker's bytes, ECS's MiB, PostgreSQL's kB).
     */
    memoryMiB(key: string, value: unknown, fallback: number, minMiB = 1): number {
        this.keysRead.add(key);
        if (value === undefined) return fallback;
        const match = typeof value === "string" ? /^(\d{1,10}(?:\.\d{1,10})?)\s*(MiB|GiB|Mi|Gi|MB|GB|M|G)$/i.exec(value.trim()) : null;
        const amount = match ? Number(match[1]) * ((match[2] as string).toUpperCase().startsWith("G") ? 1024 : 1) : NaN;
        if (!match || !Number.isInteger(amount) || amount < minMiB || amount > MAX_MEMORY_MIB) {
            return this.fail(key, value, `a memory size in whole MiB from ${minMiB}MiB to 1TiB, such as \`512MiB\` or \`2GiB\``) ?? fallback;
        }
        return amount;
    }

    /** An image reference pinned to a tag other than `latest`, optionally with a digest, at most 255 characters. */
    image(key: string, value: unknown, fallback: string): string {
        return this.string(key, value, fallback, isPinnedImage, "an image reference pinned to a version tag, such as `postgres:18.1` or `postgres:18.1@sha256:<64 hex>`, at most 255 characters (no tag, or `latest`, is not pinned)");
    }

    /** A DNS name of two or more labels, lower case. */
    domain(key: string, value: unknown): string | undefined {
        return this.string(key, value, undefined, DNS_NAME, "a lower-case DNS name such as `staging.example.com` (no scheme, port, path or trailing dot)");
    }

    /**
     * A Prometheus/Alertmanager duration such as `15s`, `4h` or `1h30m` (units in the order y w d h m s ms, each once),
     * above zero: Prometheus silently replaces a zero interval or retention by its default, Alertmanager refuses it.
     */
    duration(key: string, value: unknown, fallback: string): string {
        return this.string(key, value, fallback, (text) => (durationMs(text) ?? 0) > 0, DURATION_EXPECTED);
    }

    ipv4(key: string, value: unknown): string | undefined {
        return this.string(key, value, undefined, IPV4, "an IPv4 address such as `203.0.113.10`");
    }

    email(key: string, value: unknown): string | undefined {
        return this.string(key, value, undefined, isEmailAddress, EMAIL_EXPECTED);
    }
}

/** What the reader says a free-form string may not hold. */
const PLAIN_TEXT_CHARACTERS = "without control, format or line-separator characters";
export const PLAIN_TEXT = `a non-blank string ${PLAIN_TEXT_CHARACTERS}`;

/** 1 TiB: see ConfigReader.memoryMiB. */
const MAX_MEMORY_MIB = 1024 * 1024;

export const DURATION_EXPECTED = "a duration above zero such as `15s`, `4h` or `1h30m` (units in the order y, w, d, h, m, s, ms, each at most once; at most 292 years)";
export const EMAIL_EXPECTED = "an e-mail address `local@domain.example`: letters, digits, `_`, `+`, `-` and single dots before the `@`, a DNS name after it";
