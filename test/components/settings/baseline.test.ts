import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildSettings } from "../../../components/settings/buildSettings";
import { ConfigError } from "../../../components/settings/validate";
import { BaselineCase, digest, toRaw } from "./fixtures/corpus";
import { decode, encode } from "./fixtures/codec";

/**
 * The settings reader against the baseline recorded before settings became a schema (issue 14, fixtures/record.ts):
 * every stack file and every configuration the unit suite used must still give the same StackSettings (every value,
 * key order and `undefined` field) or the same ConfigError problems, word for word and in the same order.
 */

const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "baseline.json"), "utf8")) as BaselineCase[];

type Outcome = { readonly settings: ReturnType<typeof buildSettings> } | { readonly problems: readonly string[] };

function outcome(c: BaselineCase): Outcome {
    try {
        return { settings: buildSettings(toRaw(c)) };
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return { problems: error.problems };
    }
}

/** What differs from the recorded case, or undefined when nothing does. */
function difference(c: BaselineCase): string | undefined {
    const now = outcome(c);
    if (c.problems) {
        if ("problems" in now && JSON.stringify(now.problems) === JSON.stringify(c.problems)) return undefined;
        return `expected problems ${JSON.stringify(c.problems)}, got ${JSON.stringify("problems" in now ? now.problems : "settings")}`;
    }
    if ("problems" in now) return `expected settings, got problems ${JSON.stringify(now.problems)}`;
    return digest(now.settings) === c.settingsSha256 ? undefined : `settings differ: ${JSON.stringify(encode(now.settings))}`;
}

describe(`settings: the recorded baseline (${CASES.length} configurations)`, () => {
    for (const c of CASES.filter((k) => k.settings !== undefined)) {
        it(`${c.name}: the same StackSettings`, () => {
            const now = outcome(c);
            expect("settings" in now ? encode(now.settings) : now).to.deep.equal(c.settings);
            expect(decode(c.settings!)).to.deep.equal("settings" in now ? now.settings : undefined);
        });
    }

    it("every other configuration: the same settings, or the same problems in the same order", () => {
        const differing = CASES.filter((c) => c.settings === undefined).flatMap((c) => {
            const found = difference(c);
            return found ? [`${c.name}: ${found}`] : [];
        });
        expect(differing).to.deep.equal([]);
        expect(CASES.filter((c) => c.problems).length, "problem lists in the corpus").to.be.greaterThan(150);
    });
});
