import { PUBLIC_ENDPOINTS, PublicEndpoint, TlsVersion } from "../settings/types";
import { EDGE_CONTAINER_PORTS, SECRET_FILES, TlsFiles } from "../workloads/catalogue";

/** A Caddyfile directive: a line of tokens, optionally with a nested block. */
interface Directive {
    readonly tokens: readonly string[];
    readonly block?: readonly Directive[];
}

const d = (tokens: readonly string[], block?: readonly Directive[]): Directive => ({ tokens, block });

/**
 * Writes one token so that Caddy's lexer (caddyconfig/caddyfile/lexer.go) reads it back unchanged: bare when it is
 * printable ASCII with nothing the lexer treats specially (a leading `#` or `<<`, quotes, backslashes, braces other
 * than a whole placeholder); else double-quoted, where only `\"` is an escape, so a backslash before a quote or at
 * the end cannot be written; else in backticks, where nothing is. `{$…}` is expanded from the environment before
 * lexing, quoted or not, so no token may hold it.
 */
export function caddyToken(t: string): string {
    if (t.includes("{$")) throw new Error(`renderCaddyfile: the token ${JSON.stringify(t)} holds \`{$\`, which Caddy replaces with an environment variable.`);
    if ((/^[\x21-\x7e]+$/.test(t) && !/["`\\{}]|^#|^<</.test(t)) || /^\{[a-z._]+\}$/.test(t)) return t;
    if (!/\\("|$)/.test(t)) return `"${t.replace(/"/g, '\\"')}"`;
    if (!t.includes("`")) return `\`${t}\``;
    throw new Error(`renderCaddyfile: the token ${JSON.stringify(t)} has a backslash before a quote and a backtick: no Caddyfile quoting carries both.`);
}

function write(directives: readonly Directive[], indent = ""): string {
    return directives.map((x) => {
        const line = `${indent}${x.tokens.map(caddyToken).join(" ")}`;
        return x.block ? `${line} {\n${write(x.block, `${indent}\t`)}${indent}}\n` : `${line}\n`;
    }).join("");
}

const CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
// The web UIs (Grafana, Prometheus, Alertmanager, Jaeger) ship inline scripts and styles; nothing loads off-site.
const CSP_UI = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function securityHeaders(preload: boolean, csp: string): Directive {
    const hsts = `max-age=31536000; includeSubDomains${preload ? "; preload" : ""}`;
    return d(["header"], [
        d(["Strict-Transport-Security", hsts]),
        d(["Content-Security-Policy", csp]),
        d(["X-Frame-Options", "DENY"]),
        d(["X-Content-Type-Options", "nosniff"]),
        d(["Referrer-Policy", "strict-origin-when-cross-origin"]),
        d(["-Server"]),
    ]);
}

/** An upstream the edge proxies a public name to, verified by its name when it speaks TLS. */
export interface CaddyUpstream {
    readonly scheme: "http" | "https";
    readonly alias: string;
    readonly port: number;
}

/** What the Caddyfile is rendered from. */
export interface CaddyfileInput {
    /** Each public endpoint's name and upstream. */
    readonly sites: Readonly<Record<PublicEndpoint, { readonly hostname: string; readonly upstream: CaddyUpstream }>>;
    /** The edge's certificate from the internal CA; none means ACME certificates for public names (a domain). */
    readonly certificate?: TlsFiles;
    /** The CA that verifies the upstreams. */
    readonly caFile: string;
    readonly minVersion: TlsVersion;
    /** The HTTPS port the host publishes; redirects name it unless it is 443. */
    readonly httpsPort: number;
    readonly acmeEmail?: string;
}

/**
 * The edge's Caddyfile: one site per public hostname with TLS (ACME when a domain is set, else the internal-CA
 * certificate), the security headers, and a reverse proxy to the service over TLS verified against the internal CA.
 * Error responses (401, 502…) carry the same headers. Listens on unprivileged container ports; plain HTTP only
 * redirects, to the host's published HTTPS port.
 * The Jaeger UI, which has no login, is guarded by basic auth imported from a secret snippet file.
 */
export function renderCaddyfile(input: CaddyfileInput): string {
    const protocols = input.minVersion === "1.3" ? ["tls1.3"] : ["tls1.2", "tls1.3"];
    const tls = input.certificate
        ? d(["tls", input.certificate.cert, input.certificate.key], [d(["protocols", ...protocols])])
        : d(["tls"], [d(["protocols", ...protocols])]);
    // HSTS preload only for public names with publicly trusted certificates.
    const preload = input.certificate === undefined;
    const port = input.httpsPort === 443 ? "" : `:${input.httpsPort}`;

    const global = d([], [
        d(["http_port", String(EDGE_CONTAINER_PORTS.http)]),
        d(["https_port", String(EDGE_CONTAINER_PORTS.https)]),
        // Caddy's own redirect would point at its container port; ours points at the published one.
        d(["auto_https", "disable_redirects"]),
        ...(input.acmeEmail ? [d(["email", input.acmeEmail])] : []),
    ]);
    const redirect = d([`http://`], [d(["header", "-Server"]), d(["redir", `https://{host}${port}{uri}`, "308"])]);
    const sites = PUBLIC_ENDPOINTS.map((endpoint) => {
        const { hostname, upstream } = input.sites[endpoint];
        const url = `${upstream.scheme}://${upstream.alias}:${upstream.port}`;
        const proxy = upstream.scheme === "https"
            ? d(["reverse_proxy", url], [d(["transport", "http"], [d(["tls_trusted_ca_certs", input.caFile]), d(["tls_server_name", upstream.alias])])])
            : d(["reverse_proxy", url]);
        const headers = securityHeaders(preload, endpoint === "api" ? CSP_API : CSP_UI);
        return d([hostname], [
            tls,
            headers,
            // Caddy applies a site's `header` block only to responses its handlers write: a basic-auth 401 or a 502
            // from a down upstream would go out with `Server: Caddy` and none of the headers. Error routes write them.
            d(["handle_errors"], [headers, d(["respond", "{err.status_code} {err.status_text}"])]),
            ...(endpoint === "jaeger" ? [d(["import", SECRET_FILES.edgeJaegerBasicAuth])] : []),
            proxy,
        ]);
    });
    // The global options block is the only one written without a name.
    return `{\n${write(global.block ?? [], "\t")}}\n\n${write([redirect, ...sites])}`;
}

/** The snippet the Jaeger site imports: basic auth with a bcrypt hash. The caller wraps it in `pulumi.secret`. */
export function renderCaddyBasicAuthSnippet(user: string, bcryptHash: string): string {
    return write([d(["basicauth"], [d([user, bcryptHash])])]);
}
