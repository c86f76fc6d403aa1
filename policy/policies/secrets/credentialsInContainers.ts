import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { credentialLikeReason, DEFAULT_CREDENTIAL_NAME_TOKENS, DEFAULT_ENTROPY, isCredentialName, isFileReference } from "../../lib/credentials";
import { ContainerProps, envEntries, onContainers } from "../../lib/docker";
import { field, items, readable, text, UNREADABLE } from "../../lib/values";

/** Forbids credentials in environment variables: a credential-named variable must carry a file path (`*_FILE`). */
export const disallowPlaintextCredentialEnv: ResourceValidationPolicy = {
    name: "disallow-plaintext-credential-env",
    description: "No environment variable named like a credential (PASSWORD, SECRET, TOKEN, KEY, …) carries a value; credentials arrive as files (`*_FILE`).",
    remediationSteps: "Upload the credential as a secret file under /run/secrets and pass its path in a `*_FILE` variable.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            nameTokens: { type: "array", items: { type: "string" }, default: [...DEFAULT_CREDENTIAL_NAME_TOKENS] },
            allowedNames: { type: "array", items: { type: "string" }, default: [], description: "Variable names that look like credentials but are not (reviewed)." },
        },
    },
    validateResource: onContainers((c, args, report) => {
        const { nameTokens, allowedNames } = configOf(args, { nameTokens: [...DEFAULT_CREDENTIAL_NAME_TOKENS], allowedNames: [] as string[] });
        for (const env of envEntries(c)) {
            if (allowedNames.includes(env.name) || !isCredentialName(env.name, nameTokens)) continue;
            // A secret or unknown value still means a credential sits in the environment, visible in `docker inspect`.
            if (env.value === UNREADABLE || !isFileReference(env.value)) report(`Environment variable ${env.name} carries a credential value; pass a file path in ${env.name}_FILE instead.`);
        }
    }),
};

/** Every string of a container where a credential could hide in plain sight: environment, labels, command, healthcheck. */
function inspectableStrings(c: ContainerProps): { where: string; value: string }[] {
    const found: { where: string; value: string }[] = [];
    for (const env of envEntries(c)) if (typeof env.value === "string") found.push({ where: `env ${env.name}`, value: env.value });
    for (const label of readable(items(() => c.labels))) {
        const name = text(field(() => label.label));
        const value = text(field(() => label.value));
        if (typeof value === "string") found.push({ where: `label ${typeof name === "string" ? name : "?"}`, value });
    }
    for (const [where, list] of [["command", () => c.command], ["entrypoint", () => c.entrypoints], ["healthcheck", () => c.healthcheck?.tests]] as const) {
        for (const arg of readable(items(list as () => readonly unknown[] | undefined))) if (typeof arg === "string") found.push({ where, value: arg });
    }
    return found;
}

/** Forbids values that look like credentials (private keys, AWS keys, passwords in URLs, random strings) where `docker inspect` shows them. */
export const disallowCredentialValues: ResourceValidationPolicy = {
    name: "disallow-credential-values",
    description: "No environment value, label, command or healthcheck argument looks like a credential (PEM private key, AWS access key, password in a URL, random token).",
    remediationSteps: "Move the value into a secret file (Pulumi secret, mode 0400) and reference its path; if it is not a credential, add its location (`env NAME`, `label NAME`) to `allowedLocations` after review.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minLength: { type: "integer", minimum: 8, default: DEFAULT_ENTROPY.minLength },
            bitsPerCharCap: { type: "number", minimum: 1, default: DEFAULT_ENTROPY.bitsPerCharCap },
            allowedLocations: { type: "array", items: { type: "string" }, default: [], description: "Locations (`env NAME`, `label NAME`) exempt after review." },
        },
    },
    validateResource: onContainers((c, args, report) => {
        const { minLength, bitsPerCharCap, allowedLocations } = configOf(args, { ...DEFAULT_ENTROPY, allowedLocations: [] as string[] });
        for (const { where, value } of inspectableStrings(c)) {
            if (allowedLocations.includes(where)) continue;
            const reason = credentialLikeReason(value, { minLength, bitsPerCharCap });
            if (reason) report(`The ${where} ${reason}.`);
        }
    }),
};
