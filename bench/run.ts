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

// Change sets on AWS (production): how many resources' declared inputs differ from a baseline run after one typical
// change, i.e. what `pulumi up` would update. The Redis password rotation is simulated by making the mocked
// RandomPassword answer a different value (what `pulumi up --replace <the password's URN>` does); a change of
// `passwordLength` would instead rotate every generated password at once.
async function changeSets(): Promise<void> {
    const { changedResources, ON_AWS, RotatingMocks, runOnAws } = await import("../test/support/awsRun");
    const { runWithMocks } = await import("../harness/runProgram");
    const prefix = "service-stack-production";
    const baseline = await runOnAws("production");
    const cases: [string, () => Promise<{ mocks: { resources: import("../harness/mocks").RecordedResource[] } }>][] = [
        ["API image (images.api 1.4.2 -> 1.4.3)", () => runOnAws("production", { images: { api: "registry.example.com/agente-api:1.4.3" } })],
        ["Grafana dashboard (api.metricNames.requestsTotal)", () => runOnAws("production", { api: { metricNames: { requestsTotal: "api_requests_total" } } })],
        ["Redis password rotation", () => runWithMocks(new RotatingMocks([`${prefix}-secrets-redis`]), "production", { ...ON_AWS })],
    ];
    console.log(`\nChange sets on AWS, production (${baseline.mocks.resources.length} resources): resources whose inputs differ\n`);
    console.log(["change", "resources", "by type"].join("\t"));
    for (const [label, run] of cases) {
        const changed = changedResources(baseline.mocks.resources, (await run()).mocks.resources);
        const byType = new Map<string, number>();
        for (const c of changed) {
            const type = c.split(" ")[0]!.split(":").pop()!;
            byType.set(type, (byType.get(type) ?? 0) + 1);
        }
        console.log([label, changed.length, [...byType].map(([t, n]) => `${t} ${n}`).join(", ")].join("\t"));
    }
}

changeSets().catch((error) => {
    console.error(error);
    process.exit(1);
});
