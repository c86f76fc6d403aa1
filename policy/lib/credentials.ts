/** Heuristics for credentials: by variable name, by the shapes credentials come in, and by how random a value looks. */

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

/**
 * The shapes of common credentials, each with what it is: issuers' documented token formats and prefixes, webhook URLs
 * whose path is the secret, and passwords written into URLs and connection strings. A match is a credential whatever
 * the field is called.
 */
export const CREDENTIAL_SHAPES: readonly { readonly pattern: RegExp; readonly what: string }[] = [
    { pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/, what: "a PEM private key" },
    { pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/, what: "an AWS access key ID" },
    { pattern: /aws.?secret.?access.?key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}/i, what: "an AWS secret access key" },
    { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: "a Google API key" },
    { pattern: /\bAccountKey=[A-Za-z0-9+/]{40,}={0,2}/, what: "an Azure storage account key" },
    { pattern: /\bhttps:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]{20,}/, what: "a Slack webhook URL" },
    { pattern: /\bhttps:\/\/(?:[a-z0-9-]+\.)?(discord|discordapp)\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/, what: "a Discord webhook URL" },
    { pattern: /\bhttps:\/\/[a-z0-9.-]+\.webhook\.office\.com\/webhookb2\/\S{20,}/, what: "a Microsoft Teams webhook URL" },
    { pattern: /\bhttps:\/\/chat\.googleapis\.com\/v1\/spaces\/[^\s?]+\/messages\?\S*\btoken=/, what: "a Google Chat webhook URL" },
    { pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}/, what: "a Slack token" },
    { pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, what: "a GitHub token" },
    { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, what: "a GitLab token" },
    { pattern: /\b[rs]k_(live|test)_[0-9A-Za-z]{16,}/, what: "a Stripe key" },
    { pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, what: "a SendGrid key" },
    { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, what: "an npm token" },
    { pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, what: "a JSON Web Token" },
    { pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i, what: "a URL with a password (`scheme://user:password@host`)" },
    { pattern: /(^|[\s?&;])password=[^\s&;'"]+/i, what: "a password in a connection string (`password=…`)" },
    { pattern: /\b(bearer|token)\s+[A-Za-z0-9\-._~+/]{20,}=*/i, what: "a bearer token" },
];

/** Why `value` has the shape of a credential (CREDENTIAL_SHAPES), or undefined. */
export function credentialShapeReason(value: string): string | undefined {
    const shape = CREDENTIAL_SHAPES.find((s) => s.pattern.test(value));
    return shape ? `contains ${shape.what}` : undefined;
}

/** Why `value` looks like a credential: a known shape, or a random-looking token; undefined when neither. */
export function credentialLikeReason(value: string, entropy: EntropyOptions = DEFAULT_ENTROPY): string | undefined {
    const shape = credentialShapeReason(value);
    if (shape) return shape;
    // Split on characters that separate words, paths, URLs and `key=value` flags; random tokens stay whole.
    for (const token of value.split(/[^A-Za-z0-9+_-]+/)) {
        if (looksRandom(token, entropy)) return `contains a random-looking ${token.length}-character string`;
    }
    return undefined;
}
