import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CHECKS } from "../../../components/settings/checks";
import { configTable, withConfigTable } from "../../../components/settings/docs";
import { ConfigValues, SCHEMA, SECRETS } from "../../../components/settings/schema";
import { ByEnvironment, Children, GroupNode, KeyNode, Node, ReadContext, resolveDefault } from "../../../components/settings/schema/nodes";
import type { AwsSettings, EdgeSettings, ImageSettings, JaegerSettings, GrafanaSettings, PostgresSettings, PrometheusSettings, RedisSettings, ResourceLimits, TlsSettings, WorkloadName } from "../../../components/settings/types";
import { ENVIRONMENTS } from "../../../components/settings/types";
import { ConfigReader } from "../../../components/settings/validate";
import { END } from "../../../components/settings/walk";

const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "README.md"), "utf8");

type AnyKey = KeyNode<unknown, string | undefined>;

interface Located<N extends Node = Node> {
    readonly path: string;
    readonly node: N;
    readonly parent: GroupNode<Children, boolean>;
    /** Under a group documented as a pattern (`images.<workload>`), whose rows describe all its keys at once. */
    readonly inPattern: boolean;
}

/** Every node of the schema with its dotted path, in the order written. */
function nodes(group: GroupNode<Children, boolean> = SCHEMA, prefix = "", inPattern = false): Located[] {
    return Object.entries(group.children).flatMap(([name, node]) => {
        const at = prefix === "" ? name : `${prefix}.${name}`;
        const under = inPattern || group.pattern !== undefined;
        return [{ path: at, node, parent: group, inPattern: under }, ...(node.node === "group" ? nodes(node, at, under) : [])];
    });
}

const KEYS = nodes().filter((n): n is Located<AnyKey> => n.node.node === "key");

/** The defaults of one environment on Docker: what every key's default depends on is its own default. */
function defaultsContext(environment: (typeof ENVIRONMENTS)[number]): ReadContext {
    const values = new Map<string, unknown>();
    const ctx: ReadContext = {
        project: "service-stack", stack: "defaults", environment, platform: "docker",
        given: () => false, raw: () => undefined,
        value: (at) => values.get(at),
    };
    for (const { path: at, node } of KEYS) values.set(at, resolveDefault(node.default, ctx));
    return ctx;
}

/** The compiler's identity of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

// The settings interfaces other components compile against are exactly what the schema reads, field for field.
const SAME_TYPES: [
    Equal<ConfigValues["edge"], Omit<EdgeSettings, "acmeEmail">>, Equal<ConfigValues["images"], Readonly<ImageSettings>>,
    Equal<ConfigValues["resources"], Readonly<Record<WorkloadName, ResourceLimits>>>, Equal<ConfigValues["tls"], TlsSettings>,
    Equal<ConfigValues["postgres"], PostgresSettings>, Equal<ConfigValues["redis"], RedisSettings>, Equal<ConfigValues["prometheus"], PrometheusSettings>,
    Equal<ConfigValues["grafana"], GrafanaSettings>, Equal<ConfigValues["jaeger"], JaegerSettings>,
    Equal<ConfigValues["aws"]["postgres"], AwsSettings["postgres"]>, Equal<ConfigValues["aws"]["redis"], AwsSettings["redis"]>, Equal<ConfigValues["aws"]["api"], AwsSettings["api"]>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];

describe("the settings schema", () => {
    it("gives the settings interfaces exactly the types it reads (checked by the compiler)", () => {
        expect(SAME_TYPES.every(Boolean)).to.equal(true);
    });

    it("writes README.md's configuration table: README.md holds exactly what `npm run docs:config` writes", () => {
        expect(withConfigTable(README), "run `npm run docs:config`").to.equal(README);
        expect(configTable().split("\n").length).to.be.greaterThan(70);
    });

    for (const environment of ENVIRONMENTS) {
        it(`has defaults its own keys accept, as given, in ${environment}`, () => {
            const ctx = defaultsContext(environment);
            for (const { path: at, node } of KEYS) {
                const value = ctx.value(at);
                if (value === undefined) continue;
                const r = new ConfigReader("service-stack");
                const read = node.kind.read(r, at, node.kind.show ? node.kind.show(value) : value, undefined, ctx);
                expect(r.problems, at).to.deep.equal([]);
                expect(node.rules.map((rule) => rule.broken(read, ctx)).filter(Boolean), at).to.deep.equal([]);
                expect(JSON.stringify(read), at).to.equal(JSON.stringify(value));
            }
        });
    }

    it("says in every written type text the bounds and values its kind holds a key to", () => {
        for (const { path: at, node } of KEYS) {
            const type = node.doc.type ?? node.doc.row?.type;
            if (type === undefined) continue;
            const { bounds, values } = node.kind;
            for (const bound of bounds ? [bounds.max, typeof bounds.min === "number" ? bounds.min : bounds.min(defaultsContext("local"))] : []) {
                expect(type, at).to.match(new RegExp(`(^|[^\\d.])${String(bound).replace(".", "\\.")}([^\\d.]|$)`));
            }
            for (const value of values ?? []) expect(type, at).to.contain(`\`${value}\``);
        }
    });

    it("says in every written default text the defaults it has", () => {
        for (const { path: at, node, parent, inPattern } of KEYS) {
            const text = node.doc.default ?? node.doc.row?.default ?? parent.row?.default;
            if (text === undefined || typeof node.default === "function" || inPattern) continue;
            const defaults = node.default instanceof ByEnvironment ? Object.values(node.default.values) : [node.default];
            for (const value of defaults) {
                const shown = value === undefined ? "none" : `\`${node.kind.show ? node.kind.show(value) : typeof value === "string" ? value : JSON.stringify(value)}\``;
                expect(text, at).to.contain(value === undefined || typeof value === "string" || node.kind.show ? shown : shown.slice(1, -1));
            }
        }
    });

    it("reads each group in a read order that has every key of the group once", () => {
        for (const { path: at, node } of [{ path: "(root)", node: SCHEMA as Node }, ...nodes()]) {
            if (node.node === "group" && node.readOrder) expect([...node.readOrder].sort(), at).to.deep.equal(Object.keys(node.children).sort());
        }
    });

    it("places every check after a key or group of the schema", () => {
        const paths = new Set([...nodes().map((n) => n.path), END]);
        for (const { after } of CHECKS) expect(paths.has(after), after).to.equal(true);
    });

    it("documents every secret in README.md's Secrets section with the key that needs it", () => {
        for (const [key, secret] of Object.entries(SECRETS)) {
            expect(README, key).to.match(new RegExp(`pulumi config set --secret ${key} .*# ${secret.neededBy.replace(/\./g, "\\.")}\\b`));
        }
    });
});
