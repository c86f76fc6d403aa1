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
 * Pulumi resource name, (for policies that check scrape jobs) by job name, or (for policies that check every input)
 * by the location of a value inside a resource's inputs, optionally of resources named `resourceName`; `*` matches
 * any characters.
 */
export interface Exemption {
    readonly containerName?: string;
    readonly resourceName?: string;
    readonly scrapeJob?: string;
    readonly location?: string;
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
            location: { type: "string", minLength: 1 },
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
    if (!Array.isArray(exemptions)) throw new Error(`policy \`${policy}\`: \`exemptions\` must be a list of { containerName | resourceName | scrapeJob | location, reason }.`);
    return exemptions.map((entry: unknown, i: number) => {
        const e = (entry ?? {}) as Partial<Exemption>;
        if (typeof e.reason !== "string" || e.reason.trim().length < 10) {
            throw new Error(`policy \`${policy}\`: exemption #${i + 1} has no \`reason\`; every exemption says why (at least 10 characters).`);
        }
        if (!e.containerName && !e.resourceName && !e.scrapeJob && !e.location) {
            throw new Error(`policy \`${policy}\`: exemption #${i + 1} names nothing; set \`containerName\`, \`resourceName\`, \`scrapeJob\` or \`location\`.`);
        }
        return e as Exemption;
    });
}

/** The exemption covering a whole resource, matched by its Pulumi name or its container name (not one for a location in it). */
export function exemptionFor(exemptions: readonly Exemption[], target: { resourceName: string; containerName?: string }): Exemption | undefined {
    return exemptions.find((e) => e.location === undefined && (
        (e.resourceName !== undefined && globMatches(e.resourceName, target.resourceName))
        || (e.containerName !== undefined && target.containerName !== undefined && globMatches(e.containerName, target.containerName))));
}

/** The exemption covering the value at `location` in the inputs of the resource named `resourceName`. */
export function locationExemptionFor(exemptions: readonly Exemption[], resourceName: string, location: string): Exemption | undefined {
    return exemptions.find((e) => e.location !== undefined && globMatches(e.location, location) && (e.resourceName === undefined || globMatches(e.resourceName, resourceName)));
}

/** How an applied exemption is reported (`notApplicable` reason); the offline check lists these as `exempt`. */
export function exemptionNotice(e: Exemption): string {
    const what = exemptionTarget(e);
    return `exempt (${what}): ${e.reason}`;
}

/** What an exemption names, as reports show it. */
export function exemptionTarget(e: Exemption): string {
    if (e.location) return `location ${e.location}${e.resourceName ? ` of resource ${e.resourceName}` : ""}`;
    return e.containerName ? `container ${e.containerName}` : e.resourceName ? `resource ${e.resourceName}` : `scrape job ${e.scrapeJob}`;
}
