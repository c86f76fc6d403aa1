import * as fs from "fs";
import * as path from "path";
import { declared, DeclaredResource } from "../../harness/declaredResources";
import { recordStack } from "../../scripts/lib/offlineRun";
import { ON_AWS } from "./awsRun";

/**
 * The stacks whose declared resources are recorded as a baseline (test/components/fixtures/declared-<label>.json):
 * the local default, staging and production as their stack files describe them, and each of the two on the other
 * platform, so that every component of both platforms is covered with staging's and production's settings.
 */
export const DECLARED_TARGETS = [
    { label: "dev", stack: "dev", overrides: {} },
    { label: "staging", stack: "staging", overrides: {} },
    { label: "production", stack: "production", overrides: {} },
    { label: "production-docker", stack: "production", overrides: { platform: "docker" } },
    { label: "staging-aws", stack: "staging", overrides: { ...ON_AWS } },
] as const;

export type DeclaredTarget = (typeof DECLARED_TARGETS)[number];

export const FIXTURES = path.join(__dirname, "..", "components", "fixtures");

export function baselineFile(target: DeclaredTarget): string {
    return path.join(FIXTURES, `declared-${target.label}.json`);
}

/** What the program declares for `target` now. */
export async function declaredNow(target: DeclaredTarget): Promise<DeclaredResource[]> {
    const run = await recordStack(target.stack, target.overrides);
    return declared(run.resources);
}

/** The recorded baseline of `target`. */
export function baseline(target: DeclaredTarget): DeclaredResource[] {
    return JSON.parse(fs.readFileSync(baselineFile(target), "utf8")) as DeclaredResource[];
}

/** Writes the baseline of `target` (one resource per line group, stable order). */
export function writeBaseline(target: DeclaredTarget, resources: readonly DeclaredResource[]): void {
    fs.writeFileSync(baselineFile(target), `${JSON.stringify(resources, null, 1)}\n`);
}
