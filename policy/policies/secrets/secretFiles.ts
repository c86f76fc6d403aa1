import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, globMatches } from "../../lib/config";
import { onContainers, parseMode, uploadFiles } from "../../lib/docker";
import { UNREADABLE } from "../../lib/values";

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
