import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parseCaddyfile, parseSiteAddress, siteBlocks } from "../../lib/caddyfile";
import { configOf, globMatches } from "../../lib/config";
import { ContainerProps, containerName, DOCKER, fileHolders, uploadsEndingWith } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { field, text, UNREADABLE } from "../../lib/values";

export const ROUTE53_RECORD = "aws:route53/record:Record";
export const ALB_LISTENER_RULE = "aws:lb/listenerRule:ListenerRule";

function normaliseHost(name: string): string {
    return name.trim().toLowerCase().replace(/\.$/, "");
}

/** Hostnames the edge serves (site addresses of its Caddyfile) that lie in `zone`. */
export function publicHostnamesInZone(caddyfile: string, zone: string): string[] {
    const z = normaliseHost(zone);
    const hosts = siteBlocks(parseCaddyfile(caddyfile)).flatMap((b) => b.keys.map((k) => normaliseHost(parseSiteAddress(k).host)));
    return [...new Set(hosts.filter((h) => h === z || h.endsWith(`.${z}`)))];
}

/** Host names a load balancer listener rule routes on (its `host-header` conditions). */
export function listenerRuleHostnames(props: Record<string, unknown>): string[] {
    const conditions = field(() => props.conditions);
    if (!Array.isArray(conditions)) return [];
    return conditions.flatMap((c) => {
        const values = field(() => (c as { hostHeader?: { values?: unknown } }).hostHeader?.values);
        return Array.isArray(values) ? values.map((v) => text(v)).filter((v): v is string => typeof v === "string").map(normaliseHost) : [];
    });
}

/**
 * Requires a Route53 record for every public hostname the stack serves, when the environment has a DNS zone:
 * the site addresses of the Docker edge's Caddyfile, and the host names the AWS load balancer's rules route on.
 */
export const requireDnsRecordsForPublicHostnames: StackValidationPolicy = {
    name: "require-dns-records-for-public-hostnames",
    description: "When the environment has a DNS zone, every hostname the edge or the load balancer serves in that zone has a Route53 record in the stack.",
    remediationSteps: "Set `dnsZone` and `publicAddress` in the stack config so the program declares the records; set `zone` in this policy's config to the same zone.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            zone: { type: "string", default: "", description: "The environment's public DNS zone; empty means no DNS is managed." },
            edgeContainerName: { type: "string", default: "*-edge" },
        },
    },
    validateStack: (args, report) => {
        const { zone, edgeContainerName } = configOf(args, { zone: "", edgeContainerName: "*-edge" });
        if (zone === "") args.notApplicable("no DNS zone configured for this environment");
        const recordNames = new Set<string>();
        // A record whose name is not known yet (preview) could be any hostname: then nothing can be called missing.
        let undecided = false;
        for (const r of args.resources.filter((x) => x.type === ROUTE53_RECORD)) {
            const names = ["name", "fqdn"].map((key) => text(field(() => r.props[key]))).filter((v): v is string => typeof v === "string");
            if (names.length === 0) undecided = true;
            for (const value of names) recordNames.add(normaliseHost(value.includes(".") ? value : `${value}.${zone}`));
        }
        const edges = args.resources.filter((r) => r.type === DOCKER.container && globMatches(edgeContainerName, containerName(r.props as ContainerProps) ?? r.name));
        for (const edge of edges) {
            for (const caddyfile of fileHolders(args.resources, edge.props as ContainerProps).flatMap((h) => uploadsEndingWith(h, "Caddyfile"))) {
                const hosts = publicHostnamesInZone(caddyfile.content, zone);
                if (hosts.length === 0) report(`The edge serves no hostname in the zone ${zone}; the policy's \`zone\` and the stack's \`domain\` disagree.`, edge.urn);
                for (const host of hosts) {
                    if (!recordNames.has(host) && !undecided) report(`Public hostname ${host} has no Route53 record in the stack.`, edge.urn);
                }
            }
        }
        const z = normaliseHost(zone);
        for (const rule of args.resources.filter((r) => r.type === ALB_LISTENER_RULE)) {
            for (const host of listenerRuleHostnames(rule.props).filter((h) => h === z || h.endsWith(`.${z}`))) {
                if (!recordNames.has(host) && !undecided) report(`Public hostname ${host} (load balancer rule) has no Route53 record in the stack.`, rule.urn);
            }
        }
    },
};

/** Limits record TTLs so a DNS cut-over takes effect quickly. */
export const limitDnsRecordTtl: ResourceValidationPolicy = {
    name: "limit-dns-record-ttl",
    description: "Route53 records have a TTL of at most `maxTtl` seconds, so a cut-over (UPSERT) reaches clients within minutes.",
    remediationSteps: "Lower `dnsTtl` in the stack config (the source runbooks cut over with TTL 60).",
    enforcementLevel: "advisory",
    configSchema: { properties: { maxTtl: { type: "integer", minimum: 1, default: 300 } } },
    validateResource: onTypes<{ ttl?: number; aliases?: unknown[] }>([ROUTE53_RECORD], (props, args, report) => {
        const { maxTtl } = configOf(args, { maxTtl: 300 });
        const ttl = field(() => props.ttl);
        if (ttl === UNREADABLE || ttl === undefined || ttl === null) return;
        if (Number(ttl) > maxTtl) report(`TTL ${ttl}s is above ${maxTtl}s: a cut-over would take that long to reach clients.`);
    }),
};
