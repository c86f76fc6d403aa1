import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildSettings } from "../../../components/settings/buildSettings";
import { SECRET_KEYS, WORKLOADS } from "../../../components/settings/types";
import { ConfigReader } from "../../../components/settings/validate";

const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "README.md"), "utf8");

/** The configuration table's rows: the backticked key names of the first cell, and the type cell. */
function tableRows(): { keys: string[]; type: string }[] {
    const table = README.slice(README.indexOf("| key | type |"), README.indexOf("\n\n", README.indexOf("| key | type |")));
    return table.split("\n").slice(2).map((row) => {
        const [, first = "", type = ""] = row.split(/(?<!\\)\|/);
        const names = [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
        // `aws.api.desiredCount` / `minCount`: a bare name after the first is the first one's sibling.
        const parent = names[0]?.includes(".") ? names[0].slice(0, names[0].lastIndexOf(".") + 1) : "";
        return { keys: names.map((n, i) => (i > 0 && !n.includes(".") ? parent + n : n)), type };
    });
}

/** True when a documented key pattern (with `<workload>`) names `key`. */
function matches(pattern: string, key: string): boolean {
    return new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace("<workload>", `(${WORKLOADS.join("|")})`)}$`).test(key);
}

describe("README.md's configuration table", () => {
    it("documents every key the program reads: by name, as a parent of one, or as a `{field}` of a documented object", () => {
        const reader = new ConfigReader("service-stack");
        buildSettings({
            project: "service-stack",
            stack: "docs",
            values: { alerting: { slack: { channel: "#ops" }, email: { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", username: "u" } }, ...Object.fromEntries(SECRET_KEYS.map((k) => [k, "x"])) },
            secretKeys: new Set(SECRET_KEYS),
        }, reader);
        const rows = tableRows();
        const patterns = rows.flatMap((r) => r.keys);
        const undocumented = [...reader.keysRead].filter((key) => {
            if (patterns.some((p) => matches(p, key) || p.startsWith(`${key}.`) || matches(p.replace(/\.[^.]+$/, ""), key))) return false;
            const parent = key.slice(0, key.lastIndexOf("."));
            const field = key.slice(key.lastIndexOf(".") + 1);
            return !rows.some((r) => r.keys.some((p) => matches(p, parent)) && new RegExp(`[{,]\\s*${field}\\??[,}]`).test(r.type));
        });
        expect(undocumented).to.deep.equal([]);
        expect(reader.keysRead.size).to.be.greaterThan(100);
    });
});
