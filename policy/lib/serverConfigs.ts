/** Readers for the server configuration formats the TLS policies inspect: postgresql.conf, pg_hba.conf, redis.conf. */

/** `key = value` settings of a postgresql.conf (last one wins), keys lower-cased, quotes removed. */
export function parsePostgresqlConf(text: string): Map<string, string> {
    const settings = new Map<string, string>();
    for (const rawLine of text.split(/\r?\n/)) {
        const line = stripPostgresComment(rawLine).trim();
        if (line === "") continue;
        const m = /^([A-Za-z0-9_.]+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
        if (!m) continue;
        settings.set((m[1] as string).toLowerCase(), unquote((m[2] as string).trim()));
    }
    return settings;
}

function stripPostgresComment(line: string): string {
    let inQuote = false;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (ch === "'") inQuote = !inQuote;
        else if (ch === "#" && !inQuote) return line.slice(0, i);
    }
    return line;
}

function unquote(value: string): string {
    return /^'.*'$/.test(value) ? value.slice(1, -1).replace(/''/g, "'") : value;
}

/** True for PostgreSQL's spellings of a true boolean. */
export function postgresTrue(value: string | undefined): boolean {
    return value !== undefined && ["on", "true", "yes", "1", "tru", "ye"].includes(value.toLowerCase());
}

export interface HbaRule {
    readonly line: number;
    readonly type: string;
    readonly method: string;
    readonly text: string;
}

const HBA_TYPES = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];

/** The rules of a pg_hba.conf, with each rule's connection type and authentication method. */
export function parsePgHba(text: string): HbaRule[] {
    const rules: HbaRule[] = [];
    text.split(/\r?\n/).forEach((rawLine, index) => {
        const line = rawLine.replace(/#.*$/, "").trim();
        if (line === "") return;
        const fields = line.split(/\s+/);
        const type = (fields[0] ?? "").toLowerCase();
        if (!HBA_TYPES.includes(type)) {
            rules.push({ line: index + 1, type, method: "", text: line });
            return;
        }
        let methodIndex = type === "local" ? 3 : 4;
        // `host db user 10.0.0.0 255.0.0.0 method`: an address followed by a separate netmask.
        if (type !== "local" && fields[4] !== undefined && /^[0-9.]+$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*$/.test(fields[4]) && !/\//.test(fields[3] ?? "/")) methodIndex = 5;
        rules.push({ line: index + 1, type, method: (fields[methodIndex] ?? "").toLowerCase(), text: line });
    });
    return rules;
}

/** Directives of a redis.conf: name (lower-cased) to the arguments of each occurrence. */
export function parseRedisConf(text: string): Map<string, string[][]> {
    const directives = new Map<string, string[][]>();
    for (const rawLine of text.split(/\r?\n/)) {
        const line = rawLine.trim();
        if (line === "" || line.startsWith("#")) continue;
        const words = (line.match(/"(?:[^"\\]|\\.)*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ""));
        const name = (words[0] ?? "").toLowerCase();
        directives.set(name, [...(directives.get(name) ?? []), words.slice(1)]);
    }
    return directives;
}

/** Orders TLS version spellings (`TLSv1.2`, `TLS12`, `1.3`, `VersionTLS13`); NaN for anything else. */
export function tlsVersionRank(version: string): number {
    const m = /(?:^|tls\s*v?|version\s*tls)\s*1[._]?([0-3])$/i.exec(version.trim());
    return m ? Number(m[1]) : NaN;
}

/** The `minTlsVersion` parameter of the policies that check a server's TLS configuration. */
export const MIN_TLS_VERSION_SCHEMA = { type: "string" as const, enum: ["1.2", "1.3"], default: "1.2", description: "Lowest TLS version servers may accept." };
