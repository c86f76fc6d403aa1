/** Thrown when stack configuration is invalid; lists every problem, each naming key, value and expectation. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** Shows a config value in an error message; secret values are never shown. */
function show(value: unknown, secret = false): string {
    if (secret) return "[secret]";
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/**
 * Reads raw config values (already JSON-decoded where they were JSON) into typed values, collecting a
 * problem for each bad one instead of stopping at the first, so a user fixes a stack file in one pass.
 */
export class ConfigReader {
    readonly problems: string[] = [];

    constructor(private readonly namespace: string) {}

    /** Records that `key` holds `value` where `expected` was expected. Returns undefined for convenience. */
    fail(key: string, value: unknown, expected: string, secret = false): undefined {
        this.problems.push(`\`${this.namespace}:${key}\` is ${show(value, secret)}: expected ${expected}.`);
        return undefined;
    }

    /** Records a problem that is not about one value (e.g. two keys that conflict). */
    conflict(message: string): void {
        this.problems.push(message);
    }

    string(key: string, value: unknown, fallback: string, pattern?: RegExp, expected?: string): string;
    string(key: string, value: unknown, fallback: undefined, pattern?: RegExp, expected?: string): string | undefined;
    string(key: string, value: unknown, fallback: string | undefined, pattern?: RegExp, expected = "a string"): string | undefined {
        if (value === undefined) return fallback;
        if (typeof value !== "string" || value.trim() === "" || (pattern && !pattern.test(value))) {
            return this.fail(key, value, expected) ?? fallback;
        }
        return value;
    }

    /** A number within [min, max]; numeric strings are accepted because `pulumi config set --path` stores strings. */
    number(key: string, value: unknown, fallback: number, min: number, max: number, integer = true): number {
        if (value === undefined) return fallback;
        const n = typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        const what = `${integer ? "an integer" : "a number"} from ${min} to ${max}`;
        if (typeof n !== "number" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
            return this.fail(key, value, what) ?? fallback;
        }
        return n;
    }

    boolean(key: string, value: unknown, fallback: boolean): boolean {
        if (value === undefined) return fallback;
        if (value === true || value === "true") return true;
        if (value === false || value === "false") return false;
        return this.fail(key, value, "true or false") ?? fallback;
    }

    oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[], fallback: T): T {
        if (value === undefined) return fallback;
        if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
        return this.fail(key, value, `one of ${allowed.map((a) => `\`${a}\``).join(", ")}`) ?? fallback;
    }

    /** An object whose keys are all in `allowed`; unknown keys are reported (they are usually typos). */
    object(key: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
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

    stringList(key: string, value: unknown, fallback: readonly string[]): readonly string[] {
        if (value === undefined) return fallback;
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
            return this.fail(key, value, "a list of strings") ?? fallback;
        }
        return value as string[];
    }

    stringMap(key: string, value: unknown, keyPattern: RegExp, keyExpected: string): Record<string, string> {
        if (value === undefined) return {};
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return this.fail(key, value, "an object of string values") ?? {};
        }
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(value)) {
            if (!keyPattern.test(k)) this.fail(`${key}.${k}`, k, keyExpected);
            else if (typeof v !== "string") this.fail(`${key}.${k}`, v, "a string");
            else out[k] = v;
        }
        return out;
    }

    /** A memory size such as `512MiB`, `2GiB`, `512m` or `1g`, returned in MiB. */
    memoryMiB(key: string, value: unknown, fallback: number): number {
        if (value === undefined) return fallback;
        const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)\s*(MiB|GiB|Mi|Gi|MB|GB|M|G)$/i.exec(value.trim()) : null;
        const amount = match ? Number(match[1]) * (match[2].toUpperCase().startsWith("G") ? 1024 : 1) : NaN;
        if (!match || !(amount >= 1) || !Number.isInteger(amount)) {
            return this.fail(key, value, "a positive memory size in whole MiB, such as `512MiB` or `2GiB`") ?? fallback;
        }
        return amount;
    }

    /** An image reference pinned to a tag other than `latest`, optionally with a digest. */
    image(key: string, value: unknown, fallback: string): string {
        if (value === undefined) return fallback;
        const expected = "an image reference pinned to a version tag, such as `postgres:18.1` or `postgres:18.1@sha256:<64 hex>` (no tag, or `latest`, is not pinned)";
        if (typeof value !== "string") return this.fail(key, value, expected) ?? fallback;
        const match = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[a-f0-9]{64})?$/.exec(value);
        if (!match || match[2] === "latest") return this.fail(key, value, expected) ?? fallback;
        return value;
    }

    /** A DNS name of two or more labels, lower case. */
    domain(key: string, value: unknown): string | undefined {
        if (value === undefined) return undefined;
        const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
        const pattern = new RegExp(`^(?=.{1,253}$)${label}(?:\\.${label})+$`);
        return this.string(key, value, undefined, pattern, "a lower-case DNS name such as `staging.example.com` (no scheme, port, path or trailing dot)");
    }

    /** A Prometheus/Alertmanager duration such as `15s`, `4h` or `15d`. */
    duration(key: string, value: unknown, fallback: string): string {
        return this.string(key, value, fallback, /^(\d+(ms|s|m|h|d|w|y))+$/, "a duration such as `15s`, `4h` or `15d`");
    }

    ipv4(key: string, value: unknown): string | undefined {
        const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
        return this.string(key, value, undefined, new RegExp(`^${octet}(\\.${octet}){3}$`), "an IPv4 address such as `203.0.113.10`");
    }

    email(key: string, value: unknown): string | undefined {
        return this.string(key, value, undefined, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail address");
    }
}
