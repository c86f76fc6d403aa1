import { expect } from "chai";
import { parse } from "yaml";
import { renderAlertRules } from "../../../components/render/alertRules";
import { DEFAULT_ALERT_THRESHOLDS } from "../../../components/render/alerts";
import { DEFAULT_RUNBOOK_URL } from "../../../components/settings/defaults";
import { SCRAPE_JOB_NAMES } from "../../../components/render/prometheus";
import { buildSettings } from "../../../components/settings/buildSettings";
import type { StackSettings } from "../../../components/settings/types";

interface ParsedRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

function settings(values: Record<string, unknown> = {}): StackSettings {
    return buildSettings({ project: "service-stack", stack: "dev", values, secretKeys: new Set() });
}

function rulesOf(files: Record<string, string>): Map<string, ParsedRule> {
    const rules = Object.values(files).flatMap((text) => (parse(text).groups as { rules: ParsedRule[] }[]).flatMap((g) => g.rules));
    const byName = new Map(rules.map((r) => [r.alert, r]));
    expect(byName.size, "alert names are unique").to.equal(rules.length);
    return byName;
}

const CRITICAL = ["HighErrorRate", "APIDown", "DatabaseDown", "RedisDown", "HighLatency", "DiskSpaceLow", "HighMemoryUsage", "SSLCertificateExpiring"];
const REQUIRED_WARNINGS = [
    "ModerateErrorRate", "SlowAPIResponse", "DatabaseConnectionsHigh", "RedisMemoryHigh", "ContainerRestarting",
    "BackupFailed", "BackupMissing", "PrometheusTargetMissing", "PrometheusConfigReloadFailed",
    "PrometheusRuleEvaluationFailures", "AlertmanagerNotificationsFailing", "PostgresDeadlocks",
    "PostgresTooManyRollbacks", "RedisRejectedConnections", "DiskWillFillIn24h", "CertificateExpiringSoon",
];

describe("renderAlertRules", () => {
    const files = renderAlertRules(settings());
    const rules = rulesOf(files);

    it("writes one rule file per concern, each one group named after its file", () => {
        expect(Object.keys(files).sort()).to.deep.equal(
            ["api", "backup", "certificates", "host", "postgres", "probes", "prometheus", "redis", "watchdog"].map((n) => `${n}.yml`));
        for (const [file, text] of Object.entries(files)) {
            const groups = parse(text).groups as { name: string }[];
            expect(groups.map((g) => g.name)).to.deep.equal([file.replace(/\.yml$/, "")]);
        }
    });

    it("has the source documents' 23 alerts and more", () => {
        expect(rules.size).to.be.at.least(23);
        for (const name of [...CRITICAL, ...REQUIRED_WARNINGS, "Watchdog"]) expect(rules.has(name), name).to.equal(true);
    });

    it("pages (critical) for exactly the source documents' eight alerts", () => {
        const critical = [...rules.values()].filter((r) => r.labels.severity === "critical").map((r) => r.alert);
        expect(critical.sort()).to.deep.equal([...CRITICAL].sort());
    });

    it("gives every alert a duration, severity and service, a summary and a description with its value, and its runbook link", () => {
        for (const rule of rules.values()) {
            expect(rule.for, rule.alert).to.match(/^\d+[smh]$/);
            expect(Object.keys(rule.labels).sort(), rule.alert).to.deep.equal(["service", "severity"]);
            expect(rule.labels.severity, rule.alert).to.be.oneOf(["critical", "warning", "none"]);
            expect(rule.labels.service, rule.alert).to.match(/^[a-z]+$/);
            expect(Object.keys(rule.annotations).sort(), rule.alert).to.deep.equal(["description", "runbook_url", "summary"]);
            expect(rule.annotations.summary, rule.alert).to.have.length.above(10);
            expect(rule.annotations.description, rule.alert).to.match(/\{\{ \$value( \| \w+)? \}\}/);
            expect(rule.annotations.runbook_url, rule.alert).to.equal(`${DEFAULT_RUNBOOK_URL}#${rule.alert.toLowerCase()}`);
        }
        expect(DEFAULT_RUNBOOK_URL).to.match(/^https:\/\/github\.com\/[^/]+\/service-stack\/blob\/main\/docs\/runbook\.md$/);
    });

    it("selects series only by the documented scrape job names", () => {
        const jobs = Object.values(SCRAPE_JOB_NAMES) as string[];
        for (const rule of rules.values()) {
            for (const [, job] of rule.expr.matchAll(/job="([^"]*)"/g)) expect(jobs, `${rule.alert}: job="${job}"`).to.include(job);
        }
    });

    it("keeps the Watchdog always firing and out of the paging path", () => {
        expect(rules.get("Watchdog")).to.deep.include({ expr: "vector(1)", for: "0m", labels: { severity: "none", service: "alerting" } });
    });

    it("measures the API with the metric and label names from settings", () => {
        const custom = rulesOf(renderAlertRules(settings({
            api: { metricNames: { requestsTotal: "api_requests_total", requestDurationBucket: "api_latency_seconds_bucket", statusLabel: "code" } },
        })));
        expect(custom.get("HighErrorRate")!.expr).to.equal(
            'sum(rate(api_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(api_requests_total{job="api"}[5m])) > 0.05');
        expect(custom.get("HighLatency")!.expr).to.equal(
            'histogram_quantile(0.95, sum by (le) (rate(api_latency_seconds_bucket{job="api"}[5m]))) > 0.5');
    });

    it("uses the source documents' thresholds by default", () => {
        const threshold = (name: string) => rules.get(name)!.expr.match(/([<>]=?) ([\d.]+( \* \d+)?)$/)![2];
        expect(threshold("HighErrorRate")).to.equal("0.05");
        expect(threshold("ModerateErrorRate")).to.equal("0.01");
        expect(threshold("HighLatency")).to.equal("0.5");
        expect(threshold("SlowAPIResponse")).to.equal("0.2");
        expect(threshold("DatabaseConnectionsHigh")).to.equal("0.8");
        expect(threshold("RedisMemoryHigh")).to.equal("0.8");
        expect(threshold("HighMemoryUsage")).to.equal("0.9");
        expect(threshold("SSLCertificateExpiring")).to.equal("7 * 86400");
        expect(threshold("CertificateExpiringSoon")).to.equal("21 * 86400");
        expect(rules.get("DiskSpaceLow")!.expr).to.match(/ < 0\.1 and /);
    });

    it("merges threshold overrides over the defaults, in expressions and descriptions", () => {
        const tuned = rulesOf(renderAlertRules(settings(), { apiErrorRatioCritical: 0.1, certificateExpiryCriticalDays: 3 }));
        expect(tuned.get("HighErrorRate")!.expr).to.match(/ > 0\.1$/);
        expect(tuned.get("HighErrorRate")!.annotations.description).to.contain("critical above 10%");
        expect(tuned.get("SSLCertificateExpiring")!.expr).to.match(/ < 3 \* 86400$/);
        expect(tuned.get("ModerateErrorRate")!.expr, "untouched thresholds keep their default").to.match(/ > 0\.01$/);
        expect(DEFAULT_ALERT_THRESHOLDS.apiErrorRatioCritical, "defaults are not mutated").to.equal(0.05);
    });

    it("never divides Redis memory by a zero maxmemory", () => {
        expect(rules.get("RedisMemoryHigh")!.expr).to.equal(
            'redis_memory_used_bytes{job="redis"} / (redis_memory_max_bytes{job="redis"} > 0) > 0.8');
    });

    it("ignores pseudo filesystems and read-only mounts for disk alerts", () => {
        for (const name of ["DiskSpaceLow", "DiskWillFillIn24h"]) {
            expect(rules.get(name)!.expr, name).to.contain('fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|autofs|fuse.lxcfs"');
            expect(rules.get(name)!.expr, name).to.contain("node_filesystem_readonly");
        }
        expect(rules.get("DiskWillFillIn24h")!.expr).to.match(/^predict_linear\(node_filesystem_avail_bytes\{[^}]*\}\[6h\], 24 \* 3600\) < 0 and /);
    });
});
