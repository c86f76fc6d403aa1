import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, globMatches } from "../../lib/config";
import { credentialLikeReason, DEFAULT_CREDENTIAL_NAME_TOKENS, DEFAULT_ENTROPY, isCredentialName, isFileReference } from "../../lib/credentials";
import { ContainerProps, containerName, envEntries, envPartlyUnreadable, onContainers, parseMode, uploadFiles } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { field, items, readable, text, UNREADABLE } from "../../lib/values";

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/** Requires generated passwords of at least the configured length. */
export const requireMinimumPasswordLength: ResourceValidationPolicy = {
    name: "require-minimum-password-length",
    description: "Generated passwords (random.RandomPassword) are at least `minLength` characters long.",
    remediationSteps: "Raise `passwordLength` in the stack config (or `length` of the RandomPassword) to at least the configured minimum.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minLength: { type: "integer", minimum: 8, default: 24 } } },
    validateResource: onTypes<{ length?: number }>([RANDOM_PASSWORD], (props, args, report) => {
        const { minLength } = configOf(args, { minLength: 24 });
        const length = Number(props.length);
        if (!(length >= minLength)) report(`Password length ${props.length ?? "(unset)"} is below the minimum of ${minLength}.`);
    }),
};

export const DEFAULT_SECRET_PATHS: readonly string[] = ["/run/secrets/*", "*.key", "*-key.pem", "*_key.pem", "*.p12", "*.pfx"];

/** Requires uploaded secret files (by path, or by holding a private key) to be readable by their owner only. */
export const requirePrivateSecretFiles: ResourceValidationPolicy = {
    name: "require-private-secret-files",
    description: "Uploaded secret files (keys, /run/secrets/*, anything holding a private key) have mode 0600 or stricter.",
    remediationSteps: "Upload the file with `permissions: \"0400\"` (or 0600) and the process user as owner; mark it `secret: true` in the container spec.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { secretPaths: { type: "array", items: { type: "string" }, default: [...DEFAULT_SECRET_PATHS], description: "Path globs of files that hold secrets." } } },
    validateResource: onContainers((c, args, report) => {
        const { secretPaths } = configOf(args, { secretPaths: [...DEFAULT_SECRET_PATHS] });
        for (const upload of uploadFiles(c)) {
            const byPath = secretPaths.some((glob) => globMatches(glob, upload.file));
            const byContent = typeof upload.content === "string" && /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/.test(upload.content);
            if (!byPath && !byContent) continue;
            if (upload.permissions === UNREADABLE) continue;
            const mode = upload.permissions === undefined ? NaN : parseMode(upload.permissions);
            // "0600 or stricter": no bit outside the owner's read and write.
            if (Number.isNaN(mode) || (mode & ~0o600) !== 0) {
                report(`Secret file ${upload.file} has mode ${upload.permissions ?? "(default 0644)"}; it must be 0600 or stricter.`);
            }
        }
    }),
};

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

/** Requires Grafana's admin password from a file, never the default or an inline value. */
export const requireGrafanaAdminPasswordFile: ResourceValidationPolicy = {
    name: "require-grafana-admin-password-file",
    description: "Grafana reads its admin password from a file (`GF_SECURITY_ADMIN_PASSWORD__FILE`); `GF_SECURITY_ADMIN_PASSWORD` is never set, so admin/admin is impossible.",
    remediationSteps: "Remove GF_SECURITY_ADMIN_PASSWORD; upload the generated password as a secret file and set GF_SECURITY_ADMIN_PASSWORD__FILE to its path.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { grafanaContainerName: { type: "string", default: "*-grafana" } } },
    validateResource: onContainers((c, args, report) => {
        const { grafanaContainerName } = configOf(args, { grafanaContainerName: "*-grafana" });
        const env = envEntries(c);
        const name = containerName(c) ?? args.name;
        const isGrafana = globMatches(grafanaContainerName, name) || env.some((e) => e.name.startsWith("GF_"));
        if (!isGrafana) return;
        if (env.some((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD")) report("GF_SECURITY_ADMIN_PASSWORD is set: the admin password sits in the environment.");
        const file = env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD__FILE");
        if (!file) {
            if (!envPartlyUnreadable(c)) report("GF_SECURITY_ADMIN_PASSWORD__FILE is not set: Grafana starts with the default admin/admin.");
        } else if (typeof file.value === "string" && !file.value.startsWith("/")) report(`GF_SECURITY_ADMIN_PASSWORD__FILE is "${file.value}", not an absolute file path.`);
    }),
};

/** Every secrets policy, in the order the pack lists them. */
export const secretPolicies: readonly ResourceValidationPolicy[] = [
    requireMinimumPasswordLength,
    requirePrivateSecretFiles,
    disallowPlaintextCredentialEnv,
    disallowCredentialValues,
    requireGrafanaAdminPasswordFile,
];
