import { DatasourceRef, PROMETHEUS_DATASOURCE } from "./datasources";

const GRID_COLUMNS = 24;

/** One PromQL query of a panel. */
export interface Query {
    readonly expr: string;
    /** Grafana legend template, e.g. `{{status}}`. */
    readonly legend?: string;
}

/** A threshold step: from `value` upwards the panel turns `color`. */
export interface Threshold {
    readonly value: number;
    readonly color: "green" | "yellow" | "orange" | "red";
}

/** What a panel shows, before it is placed on the grid and numbered. */
export interface PanelSpec {
    readonly type: "timeseries" | "stat" | "table";
    readonly title: string;
    readonly description?: string;
    /** Grafana unit id: `reqps`, `percentunit`, `s`, `bytes`, `Bps`, `short`, `none`… */
    readonly unit: string;
    readonly queries: readonly Query[];
    /** Columns out of 24. */
    readonly width: number;
    readonly height: number;
    readonly thresholds?: readonly Threshold[];
    /** Color below the first threshold. Defaults to green. */
    readonly baseColor?: Threshold["color"];
    /** Text and color shown for exact values (e.g. 0 -> DOWN). */
    readonly valueText?: Readonly<Record<string, { readonly text: string; readonly color: string }>>;
    readonly min?: number;
    readonly max?: number;
    /** Table columns to hide. */
    readonly hiddenColumns?: readonly string[];
}

/** Optional presentation of a panel. */
export type PanelOptions = Partial<Pick<PanelSpec, "description" | "width" | "height" | "thresholds" | "baseColor" | "min" | "max">>;

/** A graph over time. */
export function timeseries(title: string, unit: string, queries: readonly Query[], options: PanelOptions = {}): PanelSpec {
    return { type: "timeseries", title, unit, queries, width: 12, height: 8, ...options };
}

/** A single current value. */
export function stat(title: string, unit: string, query: Query, options: PanelOptions = {}): PanelSpec {
    return { type: "stat", title, unit, queries: [query], width: 6, height: 4, ...options };
}

/** UP/DOWN of one service from a 0/1 expression. */
export function upStat(title: string, expr: string, options: PanelOptions = {}): PanelSpec {
    return {
        ...stat(title, "none", { expr }, { width: 3, ...options }),
        valueText: { "0": { text: "DOWN", color: "red" }, "1": { text: "UP", color: "green" } },
    };
}

/** The current rows of an instant query, one column per label. */
export function table(title: string, query: Query, hiddenColumns: readonly string[], options: PanelOptions = {}): PanelSpec {
    return { type: "table", title, unit: "none", queries: [query], width: GRID_COLUMNS, height: 8, hiddenColumns, ...options };
}

/** Grafana's JSON model of a placed panel. */
export interface Panel {
    readonly id: number;
    readonly type: PanelSpec["type"];
    readonly title: string;
    readonly description?: string;
    readonly datasource: DatasourceRef;
    readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
    readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
    readonly options: Record<string, unknown>;
    readonly targets: readonly Target[];
    readonly transformations?: readonly unknown[];
}

/** Grafana's JSON model of one query. */
export interface Target {
    readonly refId: string;
    readonly datasource: DatasourceRef;
    readonly expr: string;
    readonly legendFormat?: string;
    readonly instant: boolean;
    readonly range: boolean;
    readonly format: "time_series" | "table";
}

/** What a dashboard holds, before layout. */
export interface DashboardSpec {
    /** Stable: links and bookmarks use it. */
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    readonly panels: readonly PanelSpec[];
}

/** Grafana's JSON model of a dashboard. */
export interface Dashboard {
    readonly id: null;
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    readonly timezone: "browser";
    readonly editable: false;
    readonly graphTooltip: 1;
    readonly schemaVersion: number;
    readonly version: 1;
    readonly refresh: string;
    readonly time: { readonly from: string; readonly to: string };
    readonly templating: { readonly list: readonly unknown[] };
    readonly annotations: { readonly list: readonly unknown[] };
    readonly panels: readonly Panel[];
}

/** Lays panels out left to right, wrapping at 24 columns, and numbers them 1..n in that order. */
export function dashboard(spec: DashboardSpec): Dashboard {
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    const panels = spec.panels.map((p, index) => {
        if (x + p.width > GRID_COLUMNS) {
            x = 0;
            y += rowHeight;
            rowHeight = 0;
        }
        const placed = renderPanel(p, index + 1, { x, y, w: p.width, h: p.height });
        x += p.width;
        rowHeight = Math.max(rowHeight, p.height);
        return placed;
    });
    return {
        id: null,
        uid: spec.uid,
        title: spec.title,
        description: spec.description,
        tags: spec.tags,
        timezone: "browser",
        // Provisioned from files: edits in the UI would be lost on the next restart.
        editable: false,
        graphTooltip: 1,
        schemaVersion: 39,
        version: 1,
        refresh: "30s",
        time: { from: "now-6h", to: "now" },
        templating: { list: [] },
        annotations: { list: [] },
        panels,
    };
}

function renderPanel(p: PanelSpec, id: number, gridPos: Panel["gridPos"]): Panel {
    const datasource = PROMETHEUS_DATASOURCE;
    const instant = p.type !== "timeseries";
    const steps = [{ color: p.baseColor ?? "green", value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))];
    const defaults: Record<string, unknown> = {
        unit: p.unit,
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        thresholds: { mode: "absolute", steps },
        ...(p.valueText ? {
            mappings: [{
                type: "value",
                options: Object.fromEntries(Object.entries(p.valueText).map(([value, m], index) => [value, { ...m, index }])),
            }],
        } : {}),
        ...(p.type === "timeseries" && p.thresholds ? { custom: { thresholdsStyle: { mode: "line" } } } : {}),
    };
    return {
        id,
        type: p.type,
        title: p.title,
        ...(p.description ? { description: p.description } : {}),
        datasource,
        gridPos,
        fieldConfig: { defaults, overrides: [] },
        options: panelOptions(p.type),
        targets: p.queries.map((q, i) => ({
            refId: String.fromCharCode(65 + i),
            datasource,
            expr: q.expr,
            ...(q.legend ? { legendFormat: q.legend } : {}),
            instant,
            range: !instant,
            format: p.type === "table" ? "table" : "time_series",
        })),
        ...(p.hiddenColumns ? {
            transformations: [{ id: "organize", options: { excludeByName: Object.fromEntries(p.hiddenColumns.map((c) => [c, true])) } }],
        } : {}),
    };
}

function panelOptions(type: PanelSpec["type"]): Record<string, unknown> {
    switch (type) {
        case "timeseries":
            return { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } };
        case "stat":
            return { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background", graphMode: "none", textMode: "auto" };
        case "table":
            return { showHeader: true };
    }
}
