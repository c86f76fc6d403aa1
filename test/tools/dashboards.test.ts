import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { renderDashboards } from "../../components/render/grafana";
import { buildSettings } from "../../components/settings/buildSettings";
import { requireTool, runTool, tempDir } from "../support/tools";
import { renderInputs } from "../support/renderInputs";

/** Values for Grafana's built-in variables, so a panel query becomes plain PromQL. */
const GRAFANA_VARIABLES: Readonly<Record<string, string>> = { $__rate_interval: "5m", $__interval: "1m", $__range: "1h" };

interface DashboardQueries {
    readonly uid: string;
    readonly panels: { id: number; targets: { refId: string; expr: string }[] }[];
}

/** Every panel query as a recording rule named after dashboard, panel and query, Grafana variables substituted. */
function recordingRules(dashboard: DashboardQueries): { record: string; expr: string }[] {
    return dashboard.panels.flatMap((panel) => panel.targets.map((target) => {
        const expr = Object.entries(GRAFANA_VARIABLES).reduce((e, [name, value]) => e.split(name).join(value), target.expr);
        expect(expr, `${dashboard.uid} panel ${panel.id} uses an unknown variable`).to.not.include("$");
        return { record: `dashboard:${dashboard.uid.replace(/-/g, "_")}:panel${panel.id}_${target.refId}`, expr };
    }));
}

describe("promtool (Debian's 2.42) parses every dashboard query", () => {
    let promtool: string;
    let dir: string;
    let cleanup: () => void;

    before(function () {
        promtool = requireTool(this, "promtool", "bash .ci/install-tools.sh");
        ({ dir, cleanup } = tempDir("dashboard-queries"));
    });

    after(() => cleanup?.());

    // Custom API metric names exercise the substitution paths; the default names are the same code.
    const stacks = {
        "local default": {},
        "custom API metric names": { api: { metricNames: { requestsTotal: "api_requests_total", requestDurationBucket: "api_latency_seconds_bucket", statusLabel: "code" } } },
    };
    for (const [what, values] of Object.entries(stacks)) {
        it(`accepts one recording rule per panel query (${what})`, () => {
            const settings = buildSettings({ project: "service-stack", stack: "tools", values, secretKeys: new Set() });
            const dashboards = Object.values(renderDashboards(renderInputs(settings).dashboards)).map((text) => JSON.parse(text) as DashboardQueries);
            const groups = dashboards.map((d) => ({ name: `dashboard-${d.uid}`, rules: recordingRules(d) }));
            const count = groups.reduce((n, g) => n + g.rules.length, 0);
            const file = path.join(dir, `${what.replace(/\W+/g, "-")}.rules.yml`);
            fs.writeFileSync(file, stringify({ groups }));

            const run = runTool(promtool, ["check", "rules", file]);
            expect(run.status, run.stdout + run.stderr).to.equal(0);
            expect(run.stdout).to.include(`SUCCESS: ${count} rules found`);
            expect(count).to.be.greaterThan(50);
        });
    }

    it("rejects a malformed query (the check can fail)", () => {
        const file = path.join(dir, "broken.rules.yml");
        fs.writeFileSync(file, stringify({ groups: [{ name: "broken", rules: [{ record: "dashboard:broken", expr: "sum(rate(up[5m])" }] }] }));
        const run = runTool(promtool, ["check", "rules", file]);
        expect(run.status).to.not.equal(0);
        expect(run.stdout + run.stderr).to.include("unclosed left parenthesis");
    });
});
