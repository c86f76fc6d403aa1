// `npm run bench`: per stack, the resource count and the median (of 5) wall time of a full mocked program run,
// from process start to the last resource registered, in the TypeScript mode the Pulumi runtime uses.
import { execFileSync } from "child_process";
import * as path from "path";

const RUNS = 5;
const STACKS = ["dev", "staging", "production"];
const GOAL_MS = 2000;

interface RunResult {
    readonly stack: string;
    readonly resources: number;
    readonly lastRegistrationMs: number;
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function oneRun(stack: string): RunResult {
    const out = execFileSync(process.execPath, [path.join(__dirname, "pulumiTsMode.js"), stack], { encoding: "utf8" });
    return JSON.parse(out.trim().split("\n").pop() ?? "") as RunResult;
}

console.log(`Mocked program runs, ${RUNS} per stack, process start -> last resource registered (goal < ${GOAL_MS} ms)\n`);
console.log(["stack", "resources", "median ms", "min ms", "max ms", "goal"].join("\t"));
for (const stack of STACKS) {
    const runs = Array.from({ length: RUNS }, () => oneRun(stack));
    const times = runs.map((r) => r.lastRegistrationMs);
    const counts = new Set(runs.map((r) => r.resources));
    if (counts.size !== 1) throw new Error(`${stack}: resource count differs between runs: ${[...counts].join(", ")}`);
    const m = median(times);
    console.log([stack, runs[0].resources, m.toFixed(0), Math.min(...times).toFixed(0), Math.max(...times).toFixed(0), m < GOAL_MS ? "met" : "MISSED"].join("\t"));
}
