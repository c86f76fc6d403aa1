import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { caddyPorts, CaddyBlock, flattenDirectives, parseCaddyfile, parseSiteAddress, siteBlocks, snippets } from "../../lib/caddyfile";
import { configOf, globMatches } from "../../lib/config";
import { ContainerProps, containerName, DOCKER, fileHolders, onContainers, publishedPorts, uploadsEndingWith } from "../../lib/docker";
import { field, known, UNREADABLE } from "../../lib/values";

export const DEFAULT_SECURITY_HEADERS: readonly string[] = [
    "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
];

/** Header names a site sets with `header` directives (its own, nested and imported). */
function headersSet(site: CaddyBlock, blocks: readonly CaddyBlock[]): Set<string> {
    const names = new Set<string>();
    for (const d of flattenDirectives(site.body, snippets(blocks))) {
        if (d.tokens[0] === "header") {
            // `header [matcher] Name value` or `header [matcher] { Name value … }`
            for (const t of d.tokens.slice(1)) names.add(t.replace(/^[+\-?>]/, "").toLowerCase());
            for (const sub of d.body) if (sub.tokens[0]) names.add(sub.tokens[0].replace(/^[+\-?>]/, "").toLowerCase());
        }
    }
    return names;
}

/**
 * True when a site block only redirects to HTTPS (plain-HTTP sites may do nothing else; setting or removing response
 * headers, e.g. `header -Server`, serves no content).
 */
function onlyRedirects(site: CaddyBlock, blocks: readonly CaddyBlock[]): boolean {
    const directives = flattenDirectives(site.body, snippets(blocks)).filter((d) => !["import", "log", "header"].includes(d.tokens[0] ?? ""));
    return directives.length > 0 && directives.every((d) => {
        // `redir [matcher] <to> [code]`: the target is the first argument that is not a matcher.
        const target = d.tokens.slice(1).find((t) => !t.startsWith("@") && !t.startsWith("/") && t !== "*");
        return d.tokens[0] === "redir" && target !== undefined && /^https:\/\//.test(target);
    });
}

/** Requires the edge (any container with a Caddyfile) to add the security headers on every site it serves over HTTPS. */
export const requireSecurityHeaders: ResourceValidationPolicy = {
    name: "require-security-headers",
    description: "The edge adds HSTS, CSP, X-Frame-Options, X-Content-Type-Options and Referrer-Policy on every site it serves.",
    remediationSteps: "Add the missing headers to the edge's shared header snippet (components/render/caddy.ts) and import it in every site block.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { headers: { type: "array", items: { type: "string" }, default: [...DEFAULT_SECURITY_HEADERS] } } },
    validateResource: onContainers((c, args, report) => {
        const { headers } = configOf(args, { headers: [...DEFAULT_SECURITY_HEADERS] });
        for (const upload of uploadsEndingWith(c, "Caddyfile")) {
            const blocks = parseCaddyfile(upload.content);
            const ports = caddyPorts(blocks);
            for (const site of siteBlocks(blocks)) {
                const plainHttp = site.keys.every((k) => { const a = parseSiteAddress(k); return a.scheme === "http" || a.port === ports.http; });
                if (plainHttp) continue;
                const set = headersSet(site, blocks);
                const missing = headers.filter((h) => !set.has(h.toLowerCase()));
                if (missing.length > 0) report(`Site ${site.keys.join(", ")} in ${upload.file} does not set ${missing.join(", ")}.`);
            }
        }
    }),
};

/** What is wrong with the edge's Caddyfile as the only public entry point. */
export function edgeTlsProblems(caddyfile: string, publishedInternalPorts: readonly number[]): string[] {
    const problems: string[] = [];
    const blocks = parseCaddyfile(caddyfile);
    const ports = caddyPorts(blocks);
    const options = blocks.find((b) => b.keys.length === 0)?.body ?? [];
    const autoHttps = options.find((o) => o.tokens[0] === "auto_https");
    // Turning Caddy's own redirects off is fine when a plain-HTTP site does the redirecting instead (the edge
    // writes its own, to the published HTTPS port rather than Caddy's container port).
    const redirectSite = siteBlocks(blocks).some((site) =>
        site.keys.some((k) => { const a = parseSiteAddress(k); return a.scheme === "http" || a.port === ports.http; }) && onlyRedirects(site, blocks));
    if (autoHttps && ["off", "disable_redirects"].includes(autoHttps.tokens[1] ?? "") && !redirectSite) {
        problems.push(`the Caddyfile sets \`auto_https ${autoHttps.tokens[1]}\` and no plain-HTTP site redirects, so plain HTTP is not redirected to HTTPS`);
    }
    for (const port of publishedInternalPorts) {
        if (port !== ports.http && port !== ports.https) problems.push(`container port ${port} is published but Caddy serves only ${ports.http} (HTTP → HTTPS redirect) and ${ports.https} (HTTPS)`);
    }
    for (const site of siteBlocks(blocks)) {
        const plain = site.keys.filter((k) => { const a = parseSiteAddress(k); return a.scheme === "http" || a.port === ports.http; });
        if (plain.length > 0 && !onlyRedirects(site, blocks)) problems.push(`site ${plain.join(", ")} serves content over plain HTTP instead of redirecting to HTTPS`);
    }
    return problems;
}

/** Props of a resource as the stack policy sees them (outputs, or inputs where the state has none). */
function containerProps(r: PolicyResource): ContainerProps {
    return r.props as ContainerProps;
}

/**
 * Requires every public endpoint to be served over TLS: only the edge publishes ports, it publishes only Caddy's
 * HTTP port (which redirects) and HTTPS port, and no site serves content over plain HTTP.
 */
export const requireTlsOnPublicEndpoints: StackValidationPolicy = {
    name: "require-tls-on-public-endpoints",
    description: "Only the edge publishes ports, and only its HTTP→HTTPS redirect and HTTPS listeners: every public endpoint is TLS.",
    remediationSteps: "Publish ports only on the edge container (`edgeContainerName`), map them to Caddy's `http_port` and `https_port`, and keep automatic HTTPS redirects on.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { edgeContainerName: { type: "string", default: "*-edge", description: "Container `name` glob of the edge proxy." } } },
    validateStack: (args, report) => {
        const { edgeContainerName } = configOf(args, { edgeContainerName: "*-edge" });
        for (const r of args.resources.filter((x) => x.type === DOCKER.container)) {
            const c = containerProps(r);
            const name = containerName(c) ?? r.name;
            const ports = publishedPorts(c);
            const publishesAll = known(() => c.publishAllPorts) === true;
            const isEdge = globMatches(edgeContainerName, name);
            if (!isEdge) {
                if (ports.length > 0 || publishesAll) report(`Container ${name} publishes ports (${ports.map((p) => p.internal).join(", ") || "all"}) but is not the edge; public traffic must pass the edge's TLS.`, r.urn);
                continue;
            }
            const holders = fileHolders(args.resources, c);
            const caddyfiles = holders.flatMap((h) => uploadsEndingWith(h, "Caddyfile"));
            if (caddyfiles.length === 0) {
                if (holders.every((h) => field(() => h.uploads) !== UNREADABLE)) report(`The edge ${name} has no readable Caddyfile upload, so its TLS cannot be checked.`, r.urn);
                continue;
            }
            for (const file of caddyfiles) {
                for (const problem of edgeTlsProblems(file.content, ports.map((p) => p.internal))) report(`Edge ${name}: ${problem}.`, r.urn);
            }
        }
    },
};
