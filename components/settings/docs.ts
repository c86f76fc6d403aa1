import { SCHEMA } from "./schema";
import { ByEnvironment, Children, GroupNode, KeyNode, Node, SharedRow } from "./schema/nodes";

/**
 * The README's configuration table, written from the settings schema (`npm run docs:config`), so the keys, their
 * types, defaults and meanings documented are the ones the program reads. A test holds README.md to it.
 */

const START = "<!-- config-table: written by `npm run docs:config` from components/settings/schema; edit the schema, not the table -->";
const END = "<!-- /config-table -->";
const HEADER = "| key | type | default (local / staging / production) | meaning |\n|---|---|---|---|";

type AnyKey = KeyNode<unknown, string | undefined>;

/** The table, header included. */
export function configTable(): string {
    return [HEADER, ...groupRows(SCHEMA, "")].join("\n");
}

/** `readme` with the text between the table's markers replaced by the table. */
export function withConfigTable(readme: string): string {
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error(`README.md has no configuration table markers (${START} … ${END})`);
    // A blank line ends the table before the closing marker, for every Markdown reader.
    return `${readme.slice(0, start + START.length)}\n${configTable()}\n\n${readme.slice(end)}`;
}

function groupRows(group: GroupNode<Children, boolean>, prefix: string): string[] {
    const done = new Set<SharedRow>();
    return Object.entries(group.children).flatMap(([name, node]) => {
        const path = prefix === "" ? name : `${prefix}.${name}`;
        if (node.node === "group") return nodeRows(node, path);
        const shared = node.doc.row;
        if (!shared) return [keyRow(node, path)];
        if (done.has(shared)) return [];
        done.add(shared);
        const siblings = Object.entries(group.children).filter(([, n]) => n.node === "key" && n.doc.row === shared).map(([n]) => n);
        const names = siblings.map((n, i) => `\`${i > 0 && shared.shortSiblings ? n : `${prefix}.${n}`}\``);
        return [row(names.join(" / "), shared.type, shared.default, shared.meaning)];
    });
}

function nodeRows(node: GroupNode<Children, boolean>, path: string): string[] {
    if (node.row) return [row(`\`${path}\``, node.row.type, node.row.default, node.row.meaning)];
    if (node.pattern) {
        // Every child is the same template: document the first under the pattern's name.
        const template = Object.values(node.children)[0] as Node;
        const at = `${path}.${node.pattern}`;
        return template.node === "key" ? [keyRow(template, at)] : groupRows(template, at);
    }
    return groupRows(node, path);
}

function keyRow(node: AnyKey, path: string): string {
    const type = node.doc.type ?? node.kind.type;
    if (type === undefined || node.doc.meaning === "") throw new Error(`settings schema: \`${path}\` needs a type text and a meaning for the README`);
    return row(`\`${path}\``, type, node.doc.default ?? defaultText(node, path), node.doc.meaning);
}

/** The default as the README writes it: `none`, one value, or `local / staging / production`; then the rules' notes. */
function defaultText(node: AnyKey, path: string): string {
    const show = (value: unknown): string => (value === undefined ? "none" : `\`${node.kind.show ? node.kind.show(value) : typeof value === "string" ? value : JSON.stringify(value)}\``);
    const given = node.default;
    if (typeof given === "function") throw new Error(`settings schema: \`${path}\` has a computed default; say it in \`defaultText\``);
    const values = given instanceof ByEnvironment ? [given.values.local, given.values.staging, given.values.production].map(show) : [show(given)];
    const text = new Set(values).size === 1 ? values[0] as string : values.join(" / ");
    const notes = node.rules.flatMap((rule) => (rule.defaultNote ? [rule.defaultNote] : []));
    return notes.length > 0 ? `${text} (${notes.join("; ")})` : text;
}

function row(...cells: string[]): string {
    return `| ${cells.join(" | ")} |`;
}
