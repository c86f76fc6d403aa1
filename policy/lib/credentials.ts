/** Heuristics for credentials: by variable name, and by what a value looks like. */

/** Name tokens (split on `_`, `-`, `.`) that mark a variable as carrying a credential. */
export const DEFAULT_CREDENTIAL_NAME_TOKENS: readonly string[] = [
    "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE",
];

/** True when a variable name contains a credential token; names ending `_FILE` point at a file instead. */
export function isCredentialName(name: string, tokens: readonly string[] = DEFAULT_CREDENTIAL_NAME_TOKENS): boolean {
    const upper = name.toUpperCase();
    if (/_FILE$/.test(upper)) return false;
    const parts = upper.split(/[_.\-]+/).filter(Boolean);
    return parts.some((p) => tokens.includes(p));
}

/** True when a value is a reference rather than a credential: an absolute file path, or empty. */
export function isFileReference(value: string): boolean {
    return value === "" || /^\/[^\s]*$/.test(value);
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
    const counts = new Map<string, number>();
    for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let entropy = 0;
    for (const count of counts.values()) {
        const p = count / value.length;
        entropy -= p * Math.log2(p);
    }
    return entropy;
}

export interface EntropyOptions {
    /** Shortest token considered (characters). */
    readonly minLength: number;
    /**
     * A token of length n looks random when its entropy exceeds min(log2(n) - 0.6, cap) bits per character: close to
     * the maximum a string of that length can have, capped for long tokens (random base64/alphanumerics reach ~5.2).
     */
    readonly bitsPerCharCap: number;
}

export const DEFAULT_ENTROPY: EntropyOptions = { minLength: 20, bitsPerCharCap: 4.5 };

/**
 * True when a token looks randomly generated: hex of 32+ characters near hex's 4-bit maximum, or a token mixing
 * upper case, lower case and digits whose entropy is near the maximum for its length (see EntropyOptions). Words,
 * flags and paths are single-case or digit-free, so they do not qualify.
 */
export function looksRandom(token: string, options: EntropyOptions = DEFAULT_ENTROPY): boolean {
    if (token.length < options.minLength || !/[0-9]/.test(token)) return false;
    const entropy = shannonEntropy(token);
    if (/^[0-9a-fA-F]+$/.test(token)) return token.length >= 32 && /[a-fA-F]/.test(token) && entropy > 3.0;
    if (!/[a-z]/.test(token) || !/[A-Z]/.test(token)) return false;
    return entropy > Math.min(Math.log2(token.length) - 0.6, options.bitsPerCharCap);
}

const PRIVATE_KEY_HEADER = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
const AWS_ACCESS_KEY = /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/;
const AWS_SECRET_ASSIGNMENT = /aws.?secret.?access.?key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}/i;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i;
const BEARER = /\b(bearer|token)\s+[A-Za-z0-9\-._~+/]{20,}=*/i;

/** Why `value` looks like a credential, or undefined. */
export function credentialLikeReason(value: string, entropy: EntropyOptions = DEFAULT_ENTROPY): string | undefined {
    if (PRIVATE_KEY_HEADER.test(value)) return "contains a PEM private key";
    if (AWS_ACCESS_KEY.test(value)) return "contains an AWS access key ID";
    if (AWS_SECRET_ASSIGNMENT.test(value)) return "contains an AWS secret access key";
    if (URL_CREDENTIALS.test(value)) return "contains a URL with a password (`scheme://user:password@host`)";
    if (BEARER.test(value)) return "contains a bearer token";
    // Split on characters that separate words, paths, URLs and `key=value` flags; random tokens stay whole.
    for (const token of value.split(/[^A-Za-z0-9+_-]+/)) {
        if (looksRandom(token, entropy)) return `contains a random-looking ${token.length}-character string`;
    }
    return undefined;
}
