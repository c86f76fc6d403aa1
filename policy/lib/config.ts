import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** Anything that hands out a policy's configuration (resource and stack validation args alike). */
export interface ConfigSource {
    getConfig<T extends object>(): T;
}

/** The policy's configuration merged over its defaults (the CLI may or may not have applied the schema defaults). */
export function configOf<T extends object>(args: ConfigSource, defaults: T): T {
    const given = args.getConfig<Partial<T>>();
    const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [key, value] of Object.entries(given)) {
        if (value !== undefined) merged[key] = value;
    }
    return merged as T;
}

/**
 * An explicit exception to a policy: which resource, and why. Match by the container's `name` input, by the
 * Pulumi resource name, or (for policies that check scrape jobs) by job name; `*` matches any characters.
 */
export interface Exemption {
    readonly containerName?: string;
    readonly resourceName?: string;
    readonly scrapeJob?: string;
    readonly reason: string;
}

/** JSON schema of a policy's `exemptions` list: every entry names what it exempts and says why. */
export const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    default: [],
    items: {
        type: "object",
        properties: {
            containerName: { type: "string", minLength: 1 },
            resourceName: { type: "string", minLength: 1 },
            scrapeJob: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: 10 },
        },
        required: ["reason"],
        additionalProperties: false,
    },
};

/** A config schema with `exemptions` next to the policy's own parameters. */
export function schemaWithExemptions(properties: Record<string, PolicyConfigJSONSchema> = {}): PolicyConfigSchema {
    return { properties: { ...properties, exemptions: EXEMPTIONS_SCHEMA } };
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(glob: string, value: string): boolean {
    const pattern = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    return new RegExp(`^${pattern}$`).test(value);
}

/** Checks the exemptions list of a policy's config; a malformed entry is an error, never a silent skip. */
export function checkedExemptions(policy: string, exemptions: unknown): Exemption[] {
    if (exemptions === undefined) return [];
    if (!Array.isArray(exemptions)) throw new Error(`policy \`${policy}\`: \`exemptions\` must be a list of { containerName | resourceName | scrapeJob, reason }.`);
    return exemptions.map((entry: unknown, i: number) => {
        const e = (entry ?? {}) as Partial<Exemption>;
        if (typeof e.reason !== "string" || e.reason.trim().length < 10) {
            throw new Error(`policy \`${policy}\`: exemption #${i + 1} has no \`reason\`; every exemption says why (at least 10 characters).`);
        }
        if (!e.containerName && !e.resourceName && !e.scrapeJob) {
            throw new Error(`policy \`${policy}\`: exemption #${i + 1} names nothing; set \`containerName\`, \`resourceName\` or \`scrapeJob\`.`);
        }
        return e as Exemption;
    });
}

/** The exemption covering a resource, matched by its Pulumi name or its container name. */
export function exemptionFor(exemptions: readonly Exemption[], target: { resourceName: string; containerName?: string }): Exemption | undefined {
    return exemptions.find((e) =>
        (e.resourceName !== undefined && globMatches(e.resourceName, target.resourceName))
        || (e.containerName !== undefined && target.containerName !== undefined && globMatches(e.containerName, target.containerName)));
}

/** How an applied exemption is reported (`notApplicable` reason); the offline check lists these as `exempt`. */
export function exemptionNotice(e: Exemption): string {
    const what = e.containerName ? `container ${e.containerName}` : e.resourceName ? `resource ${e.resourceName}` : `scrape job ${e.scrapeJob}`;
    return `exempt (${what}): ${e.reason}`;
}
