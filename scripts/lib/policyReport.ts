import type { Policies } from "@pulumi/policy";
import { exemptionNotice, Exemption, exemptionTarget } from "../../policy/lib/config";
import { EffectiveConfig } from "./packConfig";
import { blocks, Evaluation, Finding, FindingLevel } from "./policyEngine";

/** What was checked, for the report's header. */
export interface ReportContext {
    readonly command: "check" | "audit";
    readonly stack: string;
    /** Where the resources came from: the program under mocks, or a state file. */
    readonly source: string;
    readonly policyConfig: string;
    readonly resources: number;
    /** What the check could not see (e.g. encrypted values in a state file). */
    readonly notes?: readonly string[];
}

export interface ExemptionUse {
    readonly policy: string;
    readonly target: string;
    readonly reason: string;
    /** Resources it exempted; undefined for exemptions applied inside a resource (scrape jobs, input locations). */
    readonly applied?: number;
}

export interface Report {
    readonly command: string;
    readonly stack: string;
    readonly source: string;
    readonly policyConfig: string;
    readonly resources: number;
    readonly notes: readonly string[];
    readonly policies: number;
    readonly summary: Readonly<Record<FindingLevel, number>> & { readonly blocked: boolean };
    readonly findings: readonly (Finding & { readonly remediation: string })[];
    readonly exemptions: readonly ExemptionUse[];
}

const ORDER: readonly FindingLevel[] = ["error", "mandatory", "advisory", "exempt"];

/** Every exemption in the effective config, with how often it applied. */
function exemptionUses(policies: Policies, config: Map<string, EffectiveConfig>, findings: readonly Finding[]): ExemptionUse[] {
    const uses: ExemptionUse[] = [];
    for (const p of policies) {
        const exemptions = (config.get(p.name)?.properties.exemptions ?? []) as Exemption[];
        for (const e of exemptions) {
            const target = exemptionTarget(e);
            // Scrape-job and location exemptions apply to parts of a resource, which the policy skips without a finding.
            const applied = e.scrapeJob || e.location ? undefined : findings.filter((f) => f.policy === p.name && f.level === "exempt" && f.message === exemptionNotice(e)).length;
            uses.push({ policy: p.name, target, reason: e.reason, applied });
        }
    }
    return uses;
}

/** Builds the machine-readable report (`--json`) of an evaluation. */
export function buildReport(context: ReportContext, policies: Policies, config: Map<string, EffectiveConfig>, evaluation: Evaluation): Report {
    const remediation = new Map(policies.map((p) => [p.name, p.remediationSteps ?? ""]));
    const findings = [...evaluation.findings]
        .sort((a, b) => ORDER.indexOf(a.level) - ORDER.indexOf(b.level) || a.policy.localeCompare(b.policy) || a.resource.localeCompare(b.resource))
        .map((f) => ({ ...f, remediation: remediation.get(f.policy) ?? "" }));
    const summary = Object.fromEntries(ORDER.map((level) => [level, findings.filter((f) => f.level === level).length])) as Record<FindingLevel, number>;
    return {
        ...context,
        notes: context.notes ?? [],
        policies: policies.filter((p) => config.get(p.name)?.enforcementLevel !== "disabled").length,
        summary: { ...summary, blocked: blocks(evaluation) },
        findings,
        exemptions: exemptionUses(policies, config, evaluation.findings),
    };
}

function table(rows: readonly string[][]): string {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

/** Renders the report as the readable table the CLI prints. */
export function formatReport(report: Report): string {
    const lines: string[] = [];
    const what = report.command === "check" ? "Offline policy check" : "Policy audit of state";
    lines.push(`${what}: stack ${report.stack} (${report.source}; ${report.resources} resources, ${report.policies} policies, ${report.policyConfig})`);
    for (const note of report.notes) lines.push(`Note: ${note}`);
    lines.push("");
    if (report.findings.length === 0) {
        lines.push("No findings.");
    } else {
        lines.push(table([["POLICY", "RESOURCE", "LEVEL", "MESSAGE"], ...report.findings.map((f) => [f.policy, f.resource ? `${f.resource} (${f.type})` : "(stack)", f.level, f.message])]));
    }
    if (report.exemptions.length > 0) {
        lines.push("", `Exemptions in ${report.policyConfig}:`);
        lines.push(table(report.exemptions.map((e) => ["  " + e.policy, e.target, e.applied !== undefined ? `applied ${e.applied}×` : e.target.startsWith("location ") ? "in resource inputs" : "in config file", e.reason])));
    }
    const blocking = [...new Set(report.findings.filter((f) => f.level === "mandatory" || f.level === "error").map((f) => f.policy))];
    if (blocking.length > 0) {
        lines.push("", "How to fix:");
        for (const policy of blocking) lines.push(`  ${policy}: ${report.findings.find((f) => f.policy === policy)!.remediation}`);
    }
    const s = report.summary;
    lines.push("", `Result: ${s.mandatory} mandatory, ${s.error} errors, ${s.advisory} advisory, ${s.exempt} exempt: ${s.blocked ? "FAIL (a mandatory policy is violated)" : "PASS"}`);
    return lines.join("\n");
}
