import { expect } from "chai";
import { measure, MeasuredFile, sourceFiles } from "./support/sources";

/** A file longer than this is several concerns; split it (style.md: components of 100–250 lines). */
const MAX_FILE_LINES = 250;
/** A function longer than this, from its signature to its closing brace, does several things; name them. */
const MAX_FUNCTION_LINES = 60;

/** The folders held to both limits. */
const ENFORCED = ["components", "policy", "scripts"];

/**
 * components/ is not held to the limits yet: the workload and platform restructuring (issue 14) brings it under
 * them. These are today's offenders, `file` or `file: function`. The list may only shrink: a file or function not
 * on it fails when it grows past a limit, and an entry fails once its file or function is within the limit (or gone),
 * so the fix removes it.
 */
const NOT_YET_ENFORCED: readonly string[] = [
    "components/settings/buildSettings.ts",
    "components/settings/buildSettings.ts: readSettingsFrom",
    "components/settings/readAws.ts: readAws",
    "components/settings/types.ts",
];

/** Every file and function over a limit, as `NOT_YET_ENFORCED` names them, with its size for the message. */
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
        it(`holds ${dir}/ to both limits${dir === "components" ? " (except the files and functions not yet enforced)" : ""}`, () => {
            const over = [...found].filter(([name]) => name.startsWith(`${dir}/`) && !NOT_YET_ENFORCED.includes(name));
            expect(over.map(([name, size]) => `${name} (${size})`)).to.deep.equal([]);
        });
    }

    it("lists as not yet enforced only components/ offenders that still exceed a limit (the list only shrinks)", () => {
        const stale = NOT_YET_ENFORCED.filter((name) => !name.startsWith("components/") || !found.has(name));
        expect(stale, "within the limits now, or no longer there: remove from NOT_YET_ENFORCED").to.deep.equal([]);
    });
});
