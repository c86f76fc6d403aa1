import { integer, key, oneOf } from "./kinds";
import { ByEnvironment, group } from "./nodes";

/** bcrypt (the basic-auth hashes of the generated passwords) reads 72 bytes: a longer password adds nothing. */
export const MAX_PASSWORD_LENGTH = 72;

/** The internal CA and its certificates. */
export const TLS_KEYS = {
    tls: group({
        minVersion: key(oneOf(["1.2", "1.3"]), {
            // `1.3` is required in production: checks/dataTier.ts, after the validity periods.
            default: new ByEnvironment({ local: "1.2", staging: "1.2", production: "1.3" }),
            defaultText: "`1.2` / `1.2` / `1.3` (required)",
            meaning: "lowest TLS version every server accepts",
        }),
        certValidityDays: key(integer(7, 825), { default: 365, meaning: "service certificate validity" }),
        earlyRenewalDays: key(integer(1, 365), {
            default: 30,
            type: "integer 1–365, less than `tls.certValidityDays`",
            meaning: "`pulumi up` re-issues a certificate this long before expiry",
        }),
        caValidityDays: key(integer(30, 7300), {
            default: 3650,
            type: "integer 30–7300, greater than `tls.certValidityDays`",
            meaning: "internal CA validity",
        }),
    }),
};

/** The generated passwords. */
export const PASSWORD_KEYS = {
    passwordLength: key(integer((ctx) => (ctx.environment === "production" ? 32 : 24), MAX_PASSWORD_LENGTH), {
        default: 32,
        type: "integer 24–72 (32–72 in production; bcrypt reads 72 bytes)",
        meaning: "length of every generated password",
    }),
};
