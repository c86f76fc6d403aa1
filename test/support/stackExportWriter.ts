import type { StackResource } from "../../scripts/lib/policyEngine";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** `value` with every secret as `pulumi stack export` writes it: ciphertext only, which no policy can read. */
function encryptSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(encryptSecrets);
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG_KEY] === SECRET_SIG) return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "v1:bW9jaw==:ZW5jcnlwdGVk" };
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, encryptSecrets(v)]));
    }
    return value;
}

/**
 * The text `pulumi stack export` would write for a run's resources (deployment version 3), secrets encrypted: what
 * `npm run policy -- audit` reads.
 */
export function toStackExport(resources: readonly StackResource[]): string {
    return JSON.stringify({
        version: 3,
        deployment: {
            manifest: { time: "2026-12-06T00:00:00Z", magic: "", version: "v3.270.0" },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                type: r.type,
                inputs: encryptSecrets(r.inputs),
                outputs: encryptSecrets(r.outputs),
                ...(r.parent ? { parent: r.parent } : {}),
                ...(r.protect ? { protect: true } : {}),
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
                additionalSecretOutputs: r.additionalSecretOutputs,
            })),
        },
    });
}
