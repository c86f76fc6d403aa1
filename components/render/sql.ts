/** PostgreSQL quoting, for names and text the rendered SQL scripts carry. */

/** A PostgreSQL identifier, double-quoted with embedded quotes doubled: any name, reserved words included. */
export function quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

/** A PostgreSQL string literal, single-quoted with embedded quotes doubled. */
export function quoteLiteral(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
}
