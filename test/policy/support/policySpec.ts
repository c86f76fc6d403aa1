import { expect } from "chai";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkResource, checkStack, SingleCheck, StackResource } from "../../../scripts/lib/policyEngine";

/** One variation of a policy's compliant fixture. */
export interface PolicyCase<R> {
    /** What differs from the compliant fixture; the test is named after it. */
    readonly when: string;
    readonly input: R;
    /** Policy parameters for this case (merged over the spec's). */
    readonly config?: Record<string, unknown>;
    /** One pattern per expected violation; absent or empty means the case passes. */
    readonly violations?: readonly RegExp[];
    /** The policy marks itself not applicable, with a reason matching this. */
    readonly notApplicable?: RegExp;
    /** The policy cannot run because a value is unknown during preview (the engine's advisory, never a violation). */
    readonly unknown?: boolean;
}

/** Passing and failing fixtures seen per policy, for the coverage test. */
export const FIXTURE_COVERAGE = new Map<string, { passes: number; fails: number }>();

/** Each policy's compliant fixture and parameters, for tests that vary every input (e.g. unknown values). */
export const COMPLIANT_FIXTURES = new Map<string, { resources: readonly StackResource[]; config: Record<string, unknown> }>();

function count(policy: string, passes: boolean): void {
    const entry = FIXTURE_COVERAGE.get(policy) ?? { passes: 0, fails: 0 };
    if (passes) entry.passes++;
    else entry.fails++;
    FIXTURE_COVERAGE.set(policy, entry);
}

function assertOutcome(result: SingleCheck, c: { violations?: readonly RegExp[]; notApplicable?: RegExp; unknown?: boolean }): void {
    if (c.notApplicable) {
        expect(result.notApplicable, "not applicable").to.match(c.notApplicable);
        expect(result.violations).to.deep.equal([]);
        return;
    }
    expect(result.notApplicable, `unexpectedly not applicable: ${result.notApplicable}`).to.equal(undefined);
    if (c.unknown) {
        expect(result.unknown, "cannot run during preview").to.match(/can't be known during preview/);
        expect(result.violations).to.deep.equal([]);
        return;
    }
    expect(result.unknown, `unexpectedly stopped on an unknown: ${result.unknown}`).to.equal(undefined);
    const expected = c.violations ?? [];
    expect(result.violations, `violations ${JSON.stringify(result.violations)}`).to.have.length(expected.length);
    for (const pattern of expected) {
        expect(result.violations.some((v) => pattern.test(v)), `no violation matches ${pattern}: ${JSON.stringify(result.violations)}`).to.equal(true);
    }
}

function title(c: PolicyCase<unknown>): string {
    if (c.notApplicable) return `does not apply when ${c.when}`;
    if (c.unknown) return `does not report (cannot run) when ${c.when}`;
    return (c.violations?.length ?? 0) > 0 ? `reports ${c.when}` : `passes when ${c.when}`;
}

/** Specifies a resource policy: the compliant fixture passes; each case changes one thing and states the outcome. */
export function specifyResourcePolicy(policy: ResourceValidationPolicy, compliant: StackResource, cases: readonly PolicyCase<StackResource>[], config: Record<string, unknown> = {}): void {
    COMPLIANT_FIXTURES.set(policy.name, { resources: [compliant], config });
    describe(`policy ${policy.name}`, () => {
        it("passes the compliant fixture", async () => {
            assertOutcome(await checkResource(policy, compliant, config), {});
        });
        count(policy.name, true);
        for (const c of cases) {
            const failing = (c.violations?.length ?? 0) > 0;
            count(policy.name, !failing);
            it(title(c), async () => {
                assertOutcome(await checkResource(policy, c.input, { ...config, ...(c.config ?? {}) }), c);
            });
        }
    });
}

/** Specifies a stack policy the same way, over a list of resources. */
export function specifyStackPolicy(policy: StackValidationPolicy, compliant: readonly StackResource[], cases: readonly PolicyCase<readonly StackResource[]>[], config: Record<string, unknown> = {}): void {
    COMPLIANT_FIXTURES.set(policy.name, { resources: compliant, config });
    describe(`policy ${policy.name}`, () => {
        it("passes the compliant fixture", async () => {
            assertOutcome(await checkStack(policy, compliant, config), {});
        });
        count(policy.name, true);
        for (const c of cases) {
            const failing = (c.violations?.length ?? 0) > 0;
            count(policy.name, !failing);
            it(title(c), async () => {
                assertOutcome(await checkStack(policy, c.input, { ...config, ...(c.config ?? {}) }), c);
            });
        }
    });
}
