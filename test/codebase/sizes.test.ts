import { expect } from "chai";
import { measure, MeasuredFile, sourceFiles } from "./support/sources";

/** A file longer than this is several concerns; split it (style.md: components of 100–250 lines). */
const MAX_FILE_LINES = 250;
/** A function longer than this, from its signature to its closing brace, does several things; name them. */
const MAX_FUNCTION_LINES = 60;

/** The folders held to both limits. */
const ENFORCED = ["components", "policy", "scripts"];

/** Every file and function over a limit, as `file` or `file: function`, with its size for the message. */
function offenders(files: readonly MeasuredFile[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const f of files) {
        if (f.lines > MAX_FILE_LINES) found.set(f.file, `${f.lines} lines`);
        for (const fn of f.functions) {
            if (fn.lines > MAX_FUNCTION_LINES) found.set(`${f.file}: ${fn.name}`, `${fn.lines} lines from line ${fn.line}`);
        }
    }
    return found;
}

describe(`code layout: no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}`, () => {
    const files = ENFORCED.flatMap(sourceFiles).map(measure);
    const found = offenders(files);

    it("measures functions from signature to closing brace, nested and anonymous ones included", () => {
        const engine = files.find((f) => f.file === "scripts/lib/policyEngine.ts")!;
        const evaluate = engine.functions.find((fn) => fn.name === "evaluate")!;
        expect(evaluate.lines).to.be.within(40, MAX_FUNCTION_LINES);
        expect(engine.functions.some((fn) => fn.name === "evaluate.record")).to.equal(true);
        expect(files.find((f) => f.file === "components/platforms/aws/FargateService.ts")!.functions.map((fn) => fn.name)).to.include("FargateService.constructor");
    });

    for (const dir of ENFORCED) {
        it(`holds ${dir}/ to both limits`, () => {
            const over = [...found].filter(([name]) => name.startsWith(`${dir}/`));
            expect(over.map(([name, size]) => `${name} (${size})`)).to.deep.equal([]);
        });
    }
});
