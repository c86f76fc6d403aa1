import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { alertGroups, BACKUP_METRICS, runbookUrl } from "../../../../components/render/alerts";
import { DEFAULT_RUNBOOK_URL } from "../../../../components/settings/defaults";
import { buildSettings } from "../../../../components/settings/buildSettings";

const RUNBOOK = path.join(__dirname, "../../../../docs/runbook.md");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The runbook's `## ` sections: anchor to section text. */
function sections(markdown: string): Map<string, string> {
    const parts = markdown.split(/^## /m).slice(1);
    return new Map(parts.map((part) => {
        const newline = part.indexOf("\n");
        return [githubAnchor(part.slice(0, newline)), part.slice(newline + 1)];
    }));
}

describe("docs/runbook.md", () => {
    const alerts = alertGroups(buildSettings({ project: "service-stack", stack: "dev", values: {}, secretKeys: new Set() }))
        .flatMap((g) => g.rules);
    const text = fs.readFileSync(RUNBOOK, "utf8");
    // Alert sections come first; the procedures after `# Procedures` name no alert.
    const [alertPart, procedures = ""] = text.split(/^# Procedures$/m);
    const runbook = sections(alertPart!);

    it("is the document every runbook_url points into", () => {
        expect(DEFAULT_RUNBOOK_URL.endsWith("/blob/main/docs/runbook.md")).to.equal(true);
    });

    it("has a section for every alert, at the anchor its runbook_url names", () => {
        for (const alert of alerts) {
            const anchor = new URL(runbookUrl(DEFAULT_RUNBOOK_URL, alert.alert)).hash.slice(1);
            expect(runbook.has(anchor), `no "## ${alert.alert}" section for #${anchor}`).to.equal(true);
        }
    });

    it("has no section for an alert that does not exist", () => {
        const anchors = new Set(alerts.map((a) => githubAnchor(a.alert)));
        expect([...runbook.keys()].filter((anchor) => !anchors.has(anchor))).to.deep.equal([]);
    });

    it("states each alert's severity and service, what it means and at least three first checks", () => {
        for (const alert of alerts) {
            const text = runbook.get(githubAnchor(alert.alert))!;
            expect(text, alert.alert).to.contain(`**Severity:** ${alert.severity} · **Service:** ${alert.service}`);
            expect(text, alert.alert).to.contain("**What it means.**");
            expect(text, alert.alert).to.contain("**First checks.**");
            expect(text.match(/^\d+\. /gm) ?? [], alert.alert).to.have.length.at.least(3);
        }
    });

    it("has the procedures an on-call engineer needs, with the exact commands", () => {
        const steps = sections(procedures);
        expect([...steps.keys()]).to.deep.equal(["rolling-back-a-deploy", "restoring-the-database"]);
        expect(steps.get("rolling-back-a-deploy")).to.contain("npm run restore -- --stack <stack> --list").and.contain("--replace-live-database").and.contain("--into-database");
        expect(steps.get("restoring-the-database")).to.contain("npm run restore -- --stack <stack> --backup <name>").and.contain("npm run backup -- --stack <stack>");
    });

    it("documents the metrics the backup job must report", () => {
        const intro = fs.readFileSync(RUNBOOK, "utf8").split(/^## /m)[0];
        for (const metric of Object.values(BACKUP_METRICS)) expect(intro).to.match(new RegExp(`^${metric} \\d+ +#`, "m"));
    });
});
