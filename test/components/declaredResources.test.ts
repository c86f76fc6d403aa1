import { expect } from "chai";
import { compareDeclared } from "../support/declaredComparison";
import { baseline, DECLARED_TARGETS, declaredNow, writeBaseline } from "../support/declaredTargets";

/**
 * Refactoring proof: every resource the program declared when the baseline was recorded is still declared with the
 * same type, name, inputs and options, and where its URN changed (a component's type token, a new parent) the engine
 * finds it under its old URN through an alias, so `pulumi up` replaces, creates and deletes nothing.
 *
 * The baseline (test/components/fixtures/declared-*.json) is recorded with SERVICE_STACK_RECORD_DECLARED=1; record it
 * again only for a change that is meant to alter what a stack declares, and read its diff in review.
 */
const RECORD = process.env.SERVICE_STACK_RECORD_DECLARED === "1";

describe("declared resources: what each stack declares is what the recorded baseline declares", function () {
    this.timeout(60000);

    for (const target of DECLARED_TARGETS) {
        it(`${target.label}: every resource keeps its type, name, inputs and options; a moved URN carries an alias`, async () => {
            const now = await declaredNow(target);
            if (RECORD) {
                writeBaseline(target, now);
                return;
            }
            const { problems } = compareDeclared(baseline(target), now);
            expect(problems, `${target.label}: ${problems.length} differences from the baseline:\n  ${problems.slice(0, 60).join("\n  ")}`).to.deep.equal([]);
        });
    }
});
