import { expect } from "chai";
import * as path from "path";
import { importedSpecifiers, ROOT, sourceFiles } from "./support/sources";

/** What ships or runs for users: the program, its components, the policy pack, the policy CLI and the harness it uses. */
const SHIPPED = ["components", "policy", "scripts", "harness"];

/** The relative imports of `file` that resolve into test/. */
function importsFromTest(file: string): string[] {
    const testDir = path.join(ROOT, "test");
    return importedSpecifiers(file)
        .filter((specifier) => specifier.startsWith("."))
        .filter((specifier) => {
            const target = path.resolve(ROOT, path.dirname(file), specifier);
            return target === testDir || target.startsWith(`${testDir}${path.sep}`);
        });
}

describe("code layout: shipped code never imports the tests", () => {
    const files = ["index.ts", ...SHIPPED.flatMap(sourceFiles)];

    it("finds the files and their imports (the scan itself works)", () => {
        for (const dir of SHIPPED) expect(files.some((f) => f.startsWith(`${dir}/`)), dir).to.equal(true);
        expect(importedSpecifiers("scripts/lib/offlineRun.ts")).to.include("../../harness/runProgram");
        // A dynamic import inside a function, and a type-position import, are imports too.
        expect(importedSpecifiers("harness/runProgram.ts").filter((s) => s === "../components/program")).to.have.length(2);
        expect(importsFromTest("test/support/stackFiles.ts")).to.deep.equal(["./tools"]);
    });

    for (const dir of SHIPPED) {
        it(`${dir}/ imports nothing from test/ (the harness is harness/)`, () => {
            const offenders = files.filter((f) => f.startsWith(`${dir}/`)).flatMap((f) => importsFromTest(f).map((s) => `${f} imports ${s}`));
            expect(offenders).to.deep.equal([]);
        });
    }

    it("index.ts imports nothing from test/", () => {
        expect(importsFromTest("index.ts")).to.deep.equal([]);
    });
});
