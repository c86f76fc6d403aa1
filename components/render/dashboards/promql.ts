/** Grafana's rate window: at least four scrape intervals, so `rate()` never sees fewer than two samples. */
export const RATE_INTERVAL = "$__rate_interval";

/** A PromQL string literal (PromQL accepts JSON's escapes). */
export function str(value: string): string {
    return JSON.stringify(value);
}

/** `label="value"`. */
export function eq(label: string, value: string): string {
    return `${label}=${str(value)}`;
}

/** `label!="value"`. */
export function ne(label: string, value: string): string {
    return `${label}!=${str(value)}`;
}

/** `label=~"pattern"`. */
export function re(label: string, pattern: string): string {
    return `${label}=~${str(pattern)}`;
}

/** `label!~"pattern"`. */
export function notRe(label: string, pattern: string): string {
    return `${label}!~${str(pattern)}`;
}

/** A regular expression matching `value` literally. */
export function escapeRegex(value: string): string {
    return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A series selector: `metric{m1, m2}`. */
export function sel(metric: string, ...matchers: readonly string[]): string {
    return matchers.length === 0 ? metric : `${metric}{${matchers.join(", ")}}`;
}

/** Per-second rate of a counter over Grafana's rate window. */
export function rate(selector: string): string {
    return `rate(${selector}[${RATE_INTERVAL}])`;
}

/** `sum by (labels) (expr)`, or `sum(expr)` with no labels. */
export function sum(expr: string, ...by: readonly string[]): string {
    return by.length === 0 ? `sum(${expr})` : `sum by (${by.join(", ")}) (${expr})`;
}

/** `expr or vector(0)`: a stat shows 0 instead of "No data" when no series matches (a down target, no alert). */
export function orZero(expr: string): string {
    return `${expr} or vector(0)`;
}
