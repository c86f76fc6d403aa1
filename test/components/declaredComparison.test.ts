import { expect } from "chai";
import type { DeclaredResource } from "../../harness/declaredResources";
import { compareDeclared } from "../support/declaredComparison";

const PREFIX = "urn:pulumi:prod::proj::";

function resource(qualifiedType: string, name: string, parent?: string, extra: Partial<DeclaredResource> = {}): DeclaredResource {
    const type = qualifiedType.split("$").pop()!;
    return {
        urn: `${PREFIX}${qualifiedType}::${name}`,
        type,
        name,
        custom: !type.startsWith("my:"),
        ...(parent ? { parent: `${PREFIX}${parent}` } : {}),
        inputs: {},
        protect: false,
        deleteBeforeReplace: false,
        retainOnDelete: false,
        ignoreChanges: [],
        additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        dependencies: [],
        aliases: [],
        ...extra,
    };
}

/** The baseline: a stack component holding a service component holding a volume. */
const BEFORE = [
    resource("my:Stack", "s"),
    resource("my:Stack$my:Svc", "s-db", "my:Stack::s"),
    resource("my:Stack$my:Svc$docker:Volume", "s-db-data", "my:Stack$my:Svc::s-db", { protect: true, inputs: { name: "data" } }),
];

describe("declared resources: the comparison matches resources as the engine does", () => {
    it("finds nothing when the program declares the same resources", () => {
        expect(compareDeclared(BEFORE, BEFORE)).to.deep.equal({ problems: [], moved: [], addedComponents: [] });
    });

    it("follows a renamed type token through the alias and its children through the inherited alias", () => {
        const now = [
            resource("my:NewStack", "s", undefined, { aliases: [{ type: "my:Stack" }] }),
            resource("my:NewStack$my:Svc", "s-db", "my:NewStack::s", { aliases: [] }),
            resource("my:NewStack$my:Svc$docker:Volume", "s-db-data", "my:NewStack$my:Svc::s-db", { protect: true, inputs: { name: "data" } }),
        ];
        const { problems, moved } = compareDeclared(BEFORE, now);
        expect(problems).to.deep.equal([]);
        expect(moved.map((m) => m.from)).to.deep.equal(BEFORE.map((r) => r.urn));
    });

    it("reports a custom resource moved under a new component without an alias as a create and a delete", () => {
        const now = [...BEFORE.slice(0, 2), resource("my:Stack$my:Svc$my:Part", "s-db-part", "my:Stack$my:Svc::s-db"),
            resource("my:Stack$my:Svc$my:Part$docker:Volume", "s-db-data", "my:Stack$my:Svc$my:Part::s-db-part", { protect: true, inputs: { name: "data" } })];
        const { problems, addedComponents } = compareDeclared(BEFORE, now);
        expect(addedComponents).to.deep.equal([`${PREFIX}my:Stack$my:Svc$my:Part::s-db-part`]);
        expect(problems).to.deep.equal([
            `${PREFIX}my:Stack$my:Svc$my:Part$docker:Volume::s-db-data: would be created (no old URN matches it, nor any alias)`,
            `${PREFIX}my:Stack$my:Svc$docker:Volume::s-db-data: would be deleted (nothing declared now claims it)`,
        ]);
    });

    it("accepts the move when the resource names its old parent in an alias", () => {
        const oldParent = `${PREFIX}my:Stack$my:Svc::s-db`;
        const now = [...BEFORE.slice(0, 2), resource("my:Stack$my:Svc$my:Part", "s-db-part", "my:Stack$my:Svc::s-db"),
            resource("my:Stack$my:Svc$my:Part$docker:Volume", "s-db-data", "my:Stack$my:Svc$my:Part::s-db-part", { protect: true, inputs: { name: "data" }, aliases: [{ parentUrn: oldParent }] })];
        expect(compareDeclared(BEFORE, now).problems).to.deep.equal([]);
    });

    it("names each input and option that changed, with both values", () => {
        const now = [...BEFORE.slice(0, 2), { ...BEFORE[2]!, protect: false, inputs: { name: "data2" } }];
        expect(compareDeclared(BEFORE, now).problems).to.deep.equal([
            `${PREFIX}my:Stack$my:Svc$docker:Volume::s-db-data: inputs.name: first difference at character 4: "data" -> "data2"`,
            `${PREFIX}my:Stack$my:Svc$docker:Volume::s-db-data: protect: true -> false`,
        ]);
    });
});
