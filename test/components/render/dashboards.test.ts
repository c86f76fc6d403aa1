import { expect } from "chai";
import { parse } from "yaml";
import { DEFAULT_ALERT_THRESHOLDS } from "../../../components/render/alerts/thresholds";
import { dashboard, stat, timeseries, upStat } from "../../../components/render/dashboards/panels";
import { escapeRegex, str } from "../../../components/render/dashboards/promql";
import { renderDashboards, renderGrafanaDatasources } from "../../../components/render/grafana";
import { buildSettings } from "../../../components/settings/buildSettings";
import { SERVICES, StackSettings } from "../../../components/settings/types";
import { renderInputs } from "../../support/renderInputs";

function settings(values: Record<string, unknown> = {}): StackSettings {
    return buildSettings({ project: "service-stack", stack: "test", values, secretKeys: new Set() });
}

interface Target { refId: string; expr: string; datasource: { type: string; uid: string }; legendFormat?: string; instant: boolean }
interface Panel { id: number; type: string; title: string; datasource: { type: string; uid: string }; gridPos: { x: number; y: number; w: number; h: number }; targets: Target[] }
interface Dashboard { uid: string; title: string; editable: boolean; panels: Panel[] }

function dashboards(s: StackSettings = settings()): Record<string, Dashboard> {
    return Object.fromEntries(Object.entries(renderDashboards(renderInputs(s).dashboards)).map(([file, text]) => [file, JSON.parse(text) as Dashboard]));
}

function exprs(d: Dashboard): string[] {
    return d.panels.flatMap((p) => p.targets.map((t) => t.expr));
}

describe("renderDashboards", () => {
    const all = dashboards();

    it("renders the five dashboards, each valid JSON, with stable uids", () => {
        expect(Object.keys(all)).to.deep.equal(["overview.json", "api.json", "postgres.json", "redis.json", "containers-host.json"]);
        expect(Object.fromEntries(Object.entries(all).map(([f, d]) => [f, d.uid]))).to.deep.equal({
            "overview.json": "stack-overview",
            "api.json": "stack-api",
            "postgres.json": "stack-postgres",
            "redis.json": "stack-redis",
            "containers-host.json": "stack-containers-host",
        });
        expect(dashboards(settings({ environment: "staging", images: { api: "registry.example.com/api:1.0.0" } }))["api.json"].uid).to.equal("stack-api");
    });

    it("points every panel and query at a datasource UID the provisioning declares", () => {
        const declared = (parse(renderGrafanaDatasources(renderInputs(settings()).datasources)) as { datasources: { uid: string; type: string }[] }).datasources;
        for (const [file, d] of Object.entries(all)) {
            for (const p of d.panels) {
                for (const ref of [p.datasource, ...p.targets.map((t) => t.datasource)]) {
                    expect(declared.some((ds) => ds.uid === ref.uid && ds.type === ref.type), `${file} panel ${p.id}`).to.equal(true);
                }
            }
        }
    });

    it("gives every panel a unique id and every query a unique refId within its panel", () => {
        for (const [file, d] of Object.entries(all)) {
            const ids = d.panels.map((p) => p.id);
            expect(new Set(ids).size, file).to.equal(ids.length);
            for (const p of d.panels) {
                const refIds = p.targets.map((t) => t.refId);
                expect(new Set(refIds).size, `${file} panel ${p.id}`).to.equal(refIds.length);
                expect(p.targets.length, `${file} panel ${p.id} has a query`).to.be.greaterThan(0);
            }
        }
    });

    it("lays panels out on the 24-column grid without overlaps", () => {
        for (const [file, d] of Object.entries(all)) {
            const cells = new Set<string>();
            for (const { gridPos: g, id } of d.panels) {
                expect(g.x + g.w, `${file} panel ${id}`).to.be.at.most(24);
                for (let x = g.x; x < g.x + g.w; x++) {
                    for (let y = g.y; y < g.y + g.h; y++) {
                        expect(cells.has(`${x},${y}`), `${file} panel ${id} overlaps at ${x},${y}`).to.equal(false);
                        cells.add(`${x},${y}`);
                    }
                }
            }
        }
    });

    it("uses no template variable but Grafana's rate window, and no localhost", () => {
        for (const [file, d] of Object.entries(all)) {
            for (const expr of exprs(d)) {
                expect(expr.replace(/\$__rate_interval/g, ""), file).to.not.include("$");
            }
            expect(JSON.stringify(d), file).to.not.match(/localhost|127\.0\.0\.1/);
            expect(d.editable, file).to.equal(false);
        }
    });

    describe("API golden signals", () => {
        const custom = settings({ api: { metricNames: { requestsTotal: "api_requests_total", requestDurationBucket: "api_latency_seconds_bucket", statusLabel: "code" } } });
        const api = dashboards(custom)["api.json"];
        const byTitle = (title: string) => api.panels.find((p) => p.title === title)!;

        it("shows traffic, errors, latency and saturation", () => {
            expect(api.panels.map((p) => p.title)).to.deep.equal([
                "API", "Requests", "Error ratio", "P95 latency", "Request rate by status", "Error ratio (5xx)", "Latency", "Saturation",
            ]);
        });

        it("queries the metric names the stack configures", () => {
            expect(byTitle("Request rate by status").targets[0]).to.include({
                expr: 'sum by (code) (rate(api_requests_total{job="api"}[$__rate_interval]))',
                legendFormat: "{{code}}",
            });
            expect(byTitle("Error ratio (5xx)").targets[0].expr).to.equal(
                'sum(rate(api_requests_total{job="api", code=~"5.."}[$__rate_interval])) / sum(rate(api_requests_total{job="api"}[$__rate_interval]))');
            const all = exprs(api).join("\n");
            expect(all).to.not.include("http_requests_total").and.not.include("http_request_duration_seconds_bucket");
        });

        it("plots P50, P95 and P99 from the duration histogram", () => {
            expect(byTitle("Latency").targets.map((t) => [t.legendFormat, t.expr])).to.deep.equal([0.5, 0.95, 0.99].map((q) => [
                `P${q * 100}`,
                `histogram_quantile(${q}, sum by (le) (rate(api_latency_seconds_bucket{job="api"}[$__rate_interval])))`,
            ]));
        });

        it("draws its thresholds where the API alerts fire", () => {
            const steps = (title: string) => (byTitle(title) as unknown as { fieldConfig: { defaults: { thresholds: { steps: unknown[] } } } }).fieldConfig.defaults.thresholds.steps;
            expect(steps("Error ratio (5xx)")).to.deep.equal([
                { color: "green", value: null },
                { color: "orange", value: DEFAULT_ALERT_THRESHOLDS.apiErrorRatioWarning },
                { color: "red", value: DEFAULT_ALERT_THRESHOLDS.apiErrorRatioCritical },
            ]);
            expect(steps("Latency")).to.deep.equal([
                { color: "green", value: null },
                { color: "orange", value: DEFAULT_ALERT_THRESHOLDS.apiLatencyP95WarningSeconds },
                { color: "red", value: DEFAULT_ALERT_THRESHOLDS.apiLatencyP95CriticalSeconds },
            ]);
        });

        it("measures saturation on the API's own container, against its configured CPU share", () => {
            const saturation = byTitle("Saturation").targets.map((t) => t.expr);
            expect(saturation[0]).to.include('name="service-stack-test-api"');
            expect(saturation[1]).to.equal('sum(rate(container_cpu_usage_seconds_total{job="cadvisor", name="service-stack-test-api"}[$__rate_interval])) / 0.5');
        });
    });

    describe("overview", () => {
        const overview = all["overview.json"];

        it("shows every service's up state, then the alerting pipeline", () => {
            const ups = overview.panels.slice(0, SERVICES.length + 1);
            expect(ups.map((p) => p.title)).to.deep.equal(["PostgreSQL", "Redis", "API", "Prometheus", "Grafana", "Alertmanager", "Jaeger", "Alerting pipeline"]);
            expect(ups.map((p) => p.targets[0].expr)).to.deep.equal([
                'min(pg_up{job="postgres"}) or vector(0)',
                'min(redis_up{job="redis"}) or vector(0)',
                'min(up{job="api"}) or vector(0)',
                'min(up{job="prometheus"}) or vector(0)',
                'min(up{job="grafana"}) or vector(0)',
                'min(up{job="alertmanager"}) or vector(0)',
                'min(up{job="jaeger"}) or vector(0)',
                'count(ALERTS{alertstate="firing", alertname="Watchdog"}) or vector(0)',
            ]);
        });

        it("lists the firing alerts (without the always-firing Watchdog) and counts them by severity", () => {
            const table = overview.panels.find((p) => p.type === "table")!;
            expect(table.title).to.equal("Firing alerts");
            expect(table.targets[0]).to.include({ expr: 'ALERTS{alertstate="firing", alertname!="Watchdog"}', instant: true });
            expect(exprs(overview)).to.include.members([
                'count(ALERTS{alertstate="firing", severity="critical"}) or vector(0)',
                'count(ALERTS{alertstate="firing", severity="warning"}) or vector(0)',
            ]);
        });
    });

    it("selects only this stack's containers, whatever characters the stack name has", () => {
        const host = dashboards(settings())["containers-host.json"];
        expect(exprs(host).filter((e) => e.includes("container_"))).to.have.length.greaterThan(0);
        for (const e of exprs(host).filter((x) => x.includes("container_"))) expect(e).to.include('name=~"service-stack-test-.+"');
        expect(str(escapeRegex("a.b-c"))).to.equal('"a\\\\.b-c"');
    });
});

describe("dashboard layout helper", () => {
    it("numbers panels in order and wraps rows at 24 columns", () => {
        const d = dashboard({
            uid: "u",
            title: "t",
            description: "d",
            tags: [],
            panels: [
                upStat("a", "up"),
                stat("b", "short", { expr: "up" }, { width: 18 }),
                stat("c", "short", { expr: "up" }),
                timeseries("d", "short", [{ expr: "up" }, { expr: "up" }]),
            ],
        });
        expect(d.panels.map((p) => [p.id, p.gridPos])).to.deep.equal([
            [1, { x: 0, y: 0, w: 3, h: 4 }],
            [2, { x: 3, y: 0, w: 18, h: 4 }],
            [3, { x: 0, y: 4, w: 6, h: 4 }],
            [4, { x: 6, y: 4, w: 12, h: 8 }],
        ]);
        expect(d.panels[3].targets.map((t) => t.refId)).to.deep.equal(["A", "B"]);
    });

    it("maps 0/1 to DOWN/UP on an up panel", () => {
        const p = dashboard({ uid: "u", title: "t", description: "d", tags: [], panels: [upStat("a", "up")] }).panels[0];
        expect(p.fieldConfig.defaults.mappings).to.deep.equal([{
            type: "value",
            options: { "0": { text: "DOWN", color: "red", index: 0 }, "1": { text: "UP", color: "green", index: 1 } },
        }]);
    });
});
