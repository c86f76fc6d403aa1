/**
 * The grammars stack configuration values must match, each the one its consumer accepts (or the part of it every
 * consumer of the value accepts alike). Pure: each function takes the text and says whether, or how, it parses.
 */

/**
 * Characters no configuration value may carry: controls (NUL, tab, line feed, U+0085 …), format characters (BOM,
 * zero-width and bidirectional controls), lone surrogates, and U+2028/U+2029. Go's YAML readers (Prometheus,
 * Alertmanager, Grafana, Jaeger) break lines at U+0085, U+2028 and U+2029, and a NUL ends a C string (argv, env).
 */
const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** True when `text` holds a character no configuration value may carry (see UNSAFE_CHARACTER). */
export function hasUnsafeCharacter(text: string): boolean {
    return UNSAFE_CHARACTER.test(text);
}

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

/** A lower-case DNS name of two or more labels, at most 253 characters (RFC 1035), no trailing dot. */
export const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/** A lower-case host name of one or more labels (`localhost`, `smtp.example.com`). */
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

/** A dotted IPv4 address without leading zeros. */
export const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** A TCP port written as a decimal 1–65535 without leading zeros. */
export function isPort(text: string): boolean {
    return /^[1-9]\d{0,4}$/.test(text) && Number(text) <= 65535;
}

/** `host:port` with a host name or IPv4 address and a port 1–65535 (an SMTP relay). */
export function isHostPort(text: string): boolean {
    const colon = text.lastIndexOf(":");
    if (colon < 0) return false;
    const host = text.slice(0, colon);
    return (HOST_NAME.test(host) || IPV4.test(host)) && isPort(text.slice(colon + 1));
}

/**
 * An e-mail address every consumer takes literally: a local part of letters, digits and `_ + -` in dot-separated
 * runs (at most 64 characters), `@`, and a DNS name (letters of either case), 254 characters in all. Narrower than
 * RFC 5322 on purpose: `{`, `}`, `$`, `#`, `` ` ``, quotes and backslashes are legal there, and each means something
 * to Caddy (`{$VAR}`, comments, quoting) or to Alertmanager's templates (`{{ }}`), which read `to` and `from`.
 */
export function isEmailAddress(text: string): boolean {
    const at = text.lastIndexOf("@");
    if (at < 1 || text.length > 254) return false;
    const local = text.slice(0, at);
    return local.length <= 64 && /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*$/.test(local) && DNS_NAME.test(text.slice(at + 1).toLowerCase());
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1].map(BigInt);
/** Go's time.Duration is an int64 of nanoseconds: Prometheus and Alertmanager durations end there (about 292 years). */
const MAX_DURATION_MS = (2n ** 63n - 1n) / 1_000_000n;

/**
 * The milliseconds of a Prometheus/Alertmanager duration (prometheus/common `model.ParseDuration`): units in the
 * order y, w, d, h, m, s, ms, each at most once. Undefined when the text is not one, or when its value overflows
 * time.Duration (which the parser wraps or zeroes silently rather than refusing).
 */
export function durationMs(text: string): number | undefined {
    const match = DURATION.exec(text);
    if (!match || text === "") return undefined;
    let total = 0n;
    DURATION_UNIT_MS.forEach((unit, i) => {
        const amount = match[i + 1];
        if (amount !== undefined) total += BigInt(amount) * unit;
    });
    return total <= MAX_DURATION_MS ? Number(total) : undefined;
}

/**
 * A duration with a single unit (`15s`, `1m`): the only form Grafana reads whole as a data source's scrape interval
 * (its interval parser takes the first number and unit of `1m30s` and drops the rest).
 */
export function isSingleUnitDuration(text: string): boolean {
    return /^\d+(ms|s|m|h|d|w|y)$/.test(text);
}

const BYTE_UNITS: Readonly<Record<string, bigint>> = { B: 1n, KB: 1n << 10n, MB: 1n << 20n, GB: 1n << 30n, TB: 1n << 40n, PB: 1n << 50n, EB: 1n << 60n };

/**
 * The bytes of a Prometheus size flag (`--storage.tsdb.retention.size`: a whole number and a base-2 unit B, KB … EB),
 * or undefined when the text is not one or overflows the int64 the flag is parsed into.
 */
export function byteSize(text: string): bigint | undefined {
    const match = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/.exec(text);
    if (!match) return undefined;
    const bytes = BigInt(match[1] as string) * (BYTE_UNITS[match[2] as string] as bigint);
    return bytes <= 2n ** 63n - 1n ? bytes : undefined;
}

/** The largest uid and gid every consumer reads alike (Docker, ECS, `chown`, images' entrypoints): a signed 32-bit int. */
const MAX_ID = 2_147_483_647;

/**
 * A numeric `uid` or `uid:gid` that is not root: decimal without leading zeros (`00` is uid 0 to the kernel but not to
 * a check comparing strings), uid 1 to 2147483647, gid 0 to 2147483647.
 */
export function isNonRootUser(text: string): boolean {
    const match = /^([1-9]\d{0,9})(?::(0|[1-9]\d{0,9}))?$/.exec(text);
    return match !== null && Number(match[1]) <= MAX_ID && (match[2] === undefined || Number(match[2]) <= MAX_ID);
}

/**
 * A Docker image reference pinned to a tag (distribution's reference grammar: lower-case repository path with an
 * optional registry host and port, a tag of at most 128 characters, an optional sha256 digest), at most 255
 * characters in all (ECS's `image` limit; Docker's for the repository name).
 */
export function isPinnedImage(text: string): boolean {
    const match = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[a-f0-9]{64})?$/.exec(text);
    return match !== null && match[2] !== "latest" && text.length <= 255;
}

/** The tag of a pinned image reference (`postgres:18.1@sha256:…` → `18.1`). */
export function imageTag(image: string): string {
    const withoutDigest = image.split("@")[0] as string;
    return withoutDigest.slice(withoutDigest.lastIndexOf(":") + 1);
}
