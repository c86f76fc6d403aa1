import bcrypt from "bcryptjs";
import { randomBytes, randomInt } from "crypto";

/**
 * `random:index/randomPassword:RandomPassword` as hashicorp/terraform-provider-random builds it
 * (internal/random/string.go, internal/provider/resource_password.go): the `min*` characters first, each from its
 * own class, the rest from the union of the enabled classes, then shuffled; `bcrypt_hash` at Go's DefaultCost (10)
 * over at most the first 72 bytes.
 */

export interface PasswordInputs {
    readonly length: number;
    readonly upper?: boolean;
    readonly lower?: boolean;
    readonly numeric?: boolean;
    /** Deprecated alias of `numeric`. */
    readonly number?: boolean;
    readonly special?: boolean;
    readonly minUpper?: number;
    readonly minLower?: number;
    readonly minNumeric?: number;
    readonly minSpecial?: number;
    readonly overrideSpecial?: string;
}

const NUMERIC = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";
const BCRYPT_COST = 10;

/** The provider's plan-time checks: length ≥ 1 and ≥ the sum of the minimums, and some class enabled. */
function validate(inputs: PasswordInputs, flags: { upper: boolean; lower: boolean; numeric: boolean; special: boolean }): void {
    const mins = (inputs.minUpper ?? 0) + (inputs.minLower ?? 0) + (inputs.minNumeric ?? 0) + (inputs.minSpecial ?? 0);
    if (!Number.isInteger(inputs.length) || inputs.length < 1 || inputs.length < mins) {
        throw new Error(`RandomPassword \`length\` is ${inputs.length}: expected at least 1 and at least the sum of the min_* values (${mins})`);
    }
    if (!flags.upper && !flags.lower && !flags.numeric && !flags.special) {
        throw new Error("RandomPassword: the character set specified is empty");
    }
}

/** Characters drawn uniformly from `set` (by code point, as the provider draws runes). */
function draw(set: string, count: number): string[] {
    const runes = [...set];
    if (runes.length === 0 && count > 0) throw new Error("RandomPassword: charSet is empty");
    return Array.from({ length: Math.max(0, count) }, () => runes[randomInt(runes.length)]!);
}

export function randomPassword(inputs: PasswordInputs): string {
    const flags = {
        upper: inputs.upper ?? true,
        lower: inputs.lower ?? true,
        numeric: inputs.numeric ?? inputs.number ?? true,
        special: inputs.special ?? true,
    };
    validate(inputs, flags);
    const special = inputs.overrideSpecial ? inputs.overrideSpecial : SPECIAL;
    const union = (flags.upper ? UPPER : "") + (flags.lower ? LOWER : "") + (flags.numeric ? NUMERIC : "") + (flags.special ? special : "");
    // Keyed by character set as the provider's map is: a minimum applies even to a disabled class, and an override
    // equal to another class's set merges with it (the later minimum wins).
    const minimums = new Map<string, number>([
        [NUMERIC, inputs.minNumeric ?? 0],
        [LOWER, inputs.minLower ?? 0],
        [UPPER, inputs.minUpper ?? 0],
        [special, inputs.minSpecial ?? 0],
    ]);
    const result: string[] = [];
    for (const [set, count] of minimums) result.push(...draw(set, count));
    result.push(...draw(union, inputs.length - result.length));
    const order = randomBytes(result.length);
    return result.map((c, i) => ({ c, key: order[i]! })).sort((a, b) => a.key - b.key).map((x) => x.c).join("");
}

/** bcrypt at cost 10 with Go's `$2a$` prefix, over the first 72 bytes, as `bcrypt_hash`. */
export function bcryptHash(password: string): string {
    // bcryptjs reads only the first 72 UTF-8 bytes, as the provider truncates; `$2a$` and `$2b$` hash alike below 255.
    const salt = bcrypt.genSaltSync(BCRYPT_COST).replace(/^\$2b\$/, "$2a$");
    return bcrypt.hashSync(password, salt);
}
