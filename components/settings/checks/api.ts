import { credentialLikeReason, isCredentialName } from "../../../policy/lib/credentials";
import type { ConfigReader } from "../validate";
import type { CheckInput } from "./check";

/**
 * The API's command line, healthcheck and plain environment carry no credential: the policy pack's own rules
 * (`disallow-plaintext-credential-env`, `disallow-credential-values`), applied before any resource exists. A value
 * refused for a credential is never shown.
 */

const NOT_SHOWN = "[not shown]";
const FILES_INSTEAD = "the stack delivers credentials as files (see README, `*_FILE`)";

/** Reports each list element that looks like a credential, without showing it. */
function refuseCredentialValues(r: ConfigReader, key: string, list: readonly string[]): void {
    list.forEach((element, i) => {
        const reason = credentialLikeReason(element);
        if (reason) r.fail(`${key}[${i}]`, NOT_SHOWN, `no credential on a command line, and this value ${reason}; ${FILES_INSTEAD}`);
    });
}

export function checkApiArgs(r: ConfigReader, { values }: CheckInput): void {
    refuseCredentialValues(r, "api.args", values.api.args);
}

/** Upper-case names, none that names a credential, no credential-looking value. */
export function checkApiEnv(r: ConfigReader, { values }: CheckInput): void {
    for (const [name, text] of Object.entries(values.api.env)) {
        const reason = credentialLikeReason(text);
        if (isCredentialName(name)) r.fail(`api.env.${name}`, NOT_SHOWN, `no credential in plain environment; ${FILES_INSTEAD}`);
        else if (reason) r.fail(`api.env.${name}`, NOT_SHOWN, `no credential in plain environment, and this value ${reason}; ${FILES_INSTEAD}`);
    }
}

/** A healthcheck the stack sets; by default, the liveness path it fetches: on its command line either way. */
export function checkApiHealthcheck(r: ConfigReader, { values, ctx }: CheckInput): void {
    if (ctx.given("api.healthcheck")) {
        refuseCredentialValues(r, "api.healthcheck", values.api.healthcheck);
        return;
    }
    const reason = credentialLikeReason(values.api.livePath);
    if (reason) r.fail("api.livePath", NOT_SHOWN, `no credential in the liveness path, which the healthcheck's command line carries, and this value ${reason}`);
}
