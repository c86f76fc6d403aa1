/** A directive value: strings are quoted by the format's rules, numbers and booleans written bare. */
export type ConfValue = string | number | boolean;

/** postgresql.conf: `key = value`, strings single-quoted with quotes doubled, booleans `on`/`off`. */
export function renderPostgresStyle(entries: readonly (readonly [string, ConfValue])[]): string {
    const value = (v: ConfValue) => typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : typeof v === "boolean" ? (v ? "on" : "off") : String(v);
    return entries.map(([k, v]) => `${k} = ${value(v)}`).join("\n") + "\n";
}

/** redis.conf: `directive arg…`, each argument double-quoted when it holds spaces, quotes or backslashes. */
export function renderRedisStyle(entries: readonly (readonly [string, ...ConfValue[]])[]): string {
    const arg = (v: ConfValue) => {
        const s = typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
        return /^[^\s"'\\]+$/.test(s) ? s : `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    };
    return entries.map(([k, ...args]) => [k, ...args.map(arg)].join(" ")).join("\n") + "\n";
}
