/**
 * A small Caddyfile reader: enough structure (global options, snippets, site blocks, directives) for policies to
 * check what the edge serves. It follows the Caddyfile lexer: tokens split on whitespace, quotes and backticks
 * group, `#` starts a comment at the start of a token, braces open and close blocks.
 */

export interface CaddyDirective {
    /** Directive name and its arguments on the same line. */
    readonly tokens: readonly string[];
    /** Sub-directives in its `{ … }` block. */
    readonly body: readonly CaddyDirective[];
}

export interface CaddyBlock {
    /** Site addresses, a snippet name `(name)`, or empty for the global options block. */
    readonly keys: readonly string[];
    readonly body: readonly CaddyDirective[];
}

interface Token {
    readonly text: string;
    readonly line: number;
}

/** Go's unicode.IsSpace, which Caddy's lexer splits on: JavaScript's `\s` lacks U+0085 and adds U+FEFF. */
const SPACE = /[\t\n\v\f\r \u0085\u00a0\p{Zs}\u2028\u2029]/u;

function tokenize(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    let line = 1;
    while (i < source.length) {
        const ch = source[i] as string;
        if (ch === "\n") {
            line++;
            i++;
            continue;
        }
        if (SPACE.test(ch)) {
            i++;
            continue;
        }
        if (ch === "#") {
            while (i < source.length && source[i] !== "\n") i++;
            continue;
        }
        const start = line;
        let value = "";
        if (ch === "\"" || ch === "`") {
            const quote = ch;
            i++;
            while (i < source.length && source[i] !== quote) {
                if (quote === "\"" && source[i] === "\\" && source[i + 1] === "\"") i++;
                if (source[i] === "\n") line++;
                value += source[i];
                i++;
            }
            i++;
        } else {
            while (i < source.length && !SPACE.test(source[i] as string)) {
                value += source[i];
                i++;
            }
        }
        tokens.push({ text: value, line: start });
    }
    return tokens;
}

/** Parses directives until the closing brace of the current block; `pos` advances past it. */
function parseBody(tokens: Token[], pos: { i: number }): CaddyDirective[] {
    const directives: CaddyDirective[] = [];
    while (pos.i < tokens.length) {
        const first = tokens[pos.i] as Token;
        if (first.text === "}") {
            pos.i++;
            return directives;
        }
        const lineTokens: string[] = [];
        let body: CaddyDirective[] = [];
        const line = first.line;
        while (pos.i < tokens.length && (tokens[pos.i] as Token).line === line) {
            const t = tokens[pos.i] as Token;
            if (t.text === "}") break;
            pos.i++;
            if (t.text === "{") {
                body = parseBody(tokens, pos);
                break;
            }
            lineTokens.push(t.text);
        }
        directives.push({ tokens: lineTokens, body });
    }
    return directives;
}

/** Parses a Caddyfile into its top-level blocks. A file without braces is one site block. */
export function parseCaddyfile(source: string): CaddyBlock[] {
    const tokens = tokenize(source);
    const blocks: CaddyBlock[] = [];
    const pos = { i: 0 };
    while (pos.i < tokens.length) {
        const keys: string[] = [];
        while (pos.i < tokens.length && (tokens[pos.i] as Token).text !== "{") {
            keys.push(((tokens[pos.i] as Token).text).replace(/,$/, ""));
            pos.i++;
        }
        if (pos.i >= tokens.length) {
            // No braces: the first line is the address, the rest its directives.
            if (keys.length > 0) blocks.push({ keys: keys.slice(0, 1), body: keys.slice(1).map((t) => ({ tokens: [t], body: [] })) });
            break;
        }
        pos.i++;
        blocks.push({ keys: keys.filter((k) => k !== ""), body: parseBody(tokens, pos) });
    }
    return blocks;
}

/** The global options block (the leading block without keys), if any. */
export function globalOptions(blocks: readonly CaddyBlock[]): readonly CaddyDirective[] {
    return blocks.find((b) => b.keys.length === 0)?.body ?? [];
}

/** Site blocks: every top-level block that is neither the global options nor a snippet or named route. */
export function siteBlocks(blocks: readonly CaddyBlock[]): CaddyBlock[] {
    return blocks.filter((b) => b.keys.length > 0 && !b.keys[0]?.startsWith("(") && !b.keys[0]?.startsWith("&("));
}

/** Snippets by name, for `import name`. */
export function snippets(blocks: readonly CaddyBlock[]): Map<string, readonly CaddyDirective[]> {
    const map = new Map<string, readonly CaddyDirective[]>();
    for (const b of blocks) {
        const key = b.keys[0];
        if (key && /^\(.+\)$/.test(key)) map.set(key.slice(1, -1), b.body);
    }
    return map;
}

/** Every directive in `body`, nested blocks and imported snippets included (imports of files are not followed). */
export function flattenDirectives(body: readonly CaddyDirective[], snippetMap: Map<string, readonly CaddyDirective[]>, seen = new Set<string>()): CaddyDirective[] {
    const result: CaddyDirective[] = [];
    for (const d of body) {
        result.push(d);
        if (d.tokens[0] === "import" && d.tokens[1] && snippetMap.has(d.tokens[1]) && !seen.has(d.tokens[1])) {
            const name = d.tokens[1];
            result.push(...flattenDirectives(snippetMap.get(name) ?? [], snippetMap, new Set([...seen, name])));
        }
        result.push(...flattenDirectives(d.body, snippetMap, seen));
    }
    return result;
}

export interface SiteAddress {
    readonly scheme?: "http" | "https";
    readonly host: string;
    readonly port?: number;
}

/** Splits a site address (`https://host:port`, `host`, `:port`, `http://`) into its parts. */
export function parseSiteAddress(address: string): SiteAddress {
    let rest = address.trim();
    let scheme: "http" | "https" | undefined;
    const m = /^(https?):\/\//.exec(rest);
    if (m) {
        scheme = m[1] as "http" | "https";
        rest = rest.slice(m[0].length);
    }
    rest = rest.split("/")[0] ?? "";
    let port: number | undefined;
    const portMatch = /:(\d+)$/.exec(rest);
    if (portMatch) {
        port = Number(portMatch[1]);
        rest = rest.slice(0, -portMatch[0].length);
    }
    return { scheme, host: rest, port };
}

/** The ports Caddy serves plain HTTP and HTTPS on (global `http_port` / `https_port`, else 80 / 443). */
export function caddyPorts(blocks: readonly CaddyBlock[]): { http: number; https: number } {
    const options = globalOptions(blocks);
    const option = (name: string, fallback: number) => {
        const d = options.find((o) => o.tokens[0] === name);
        return d && d.tokens[1] ? Number(d.tokens[1]) : fallback;
    };
    return { http: option("http_port", 80), https: option("https_port", 443) };
}
