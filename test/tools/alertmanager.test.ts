import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { SECRETS_DIR } from "../../components/workloads/catalogue";
import { buildSettings } from "../../components/settings/buildSettings";
import { SECRET_KEYS } from "../../components/settings/types";
import { requireTool, runTool, tempDir } from "../support/tools";
import { ROUTE_CASES, WATCHDOG_ROUTE_LABELS } from "./fixtures/alertRoutes";

const EVERY_RECEIVER = {
    slack: { channel: "#ops-alerts" },
    email: { to: "oncall@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:587", username: "relay" },
    pagerduty: true,
    webhook: true,
    watchdog: true,
};
const INLINE_SECRETS = { webhookUrl: "https://hooks.example.com/services/T0/B0", watchdogUrl: "https://hc.example.com/ping/0000" };

/**
 * Writes the rendered alertmanager.yml for `alerting` into `dir`, with every secret file it references written
 * under `dir` too (absolute /run/secrets paths rewritten), and returns the config path.
 */
function writeConfig(dir: string, name: string, alerting: Record<string, unknown>): string {
    const settings = buildSettings({
        project: "service-stack",
        stack: "tools",
        values: { alerting, ...Object.fromEntries(SECRET_KEYS.map((k) => [k, "set"])) },
        secretKeys: new Set(SECRET_KEYS),
    });
    const secretsDir = path.join(dir, name, "secrets");
    fs.mkdirSync(secretsDir, { recursive: true });
    const text = renderAlertmanagerConfig(settings, INLINE_SECRETS).split(`${SECRETS_DIR}/`).join(`${secretsDir}/`);
    for (const [, file] of text.matchAll(/_file: (\S+)/g)) fs.writeFileSync(file, "not-a-real-secret\n", { mode: 0o400 });
    const configPath = path.join(dir, name, "alertmanager.yml");
    fs.writeFileSync(configPath, text);
    return configPath;
}

describe("amtool (Debian's 0.25) on the rendered alertmanager.yml", () => {
    let amtool: string;
    let dir: string;
    let cleanup: () => void;
    let full: string;
    let empty: string;

    before(function () {
        amtool = requireTool(this, "amtool", "bash .ci/install-tools.sh");
        ({ dir, cleanup } = tempDir("alertmanager-tools"));
        full = writeConfig(dir, "every-receiver", EVERY_RECEIVER);
        empty = writeConfig(dir, "no-receiver", {});
    });

    after(() => cleanup?.());

    /** The receivers amtool says an alert with `labels` reaches. */
    function routes(config: string, labels: Record<string, string>): string[] {
        const run = runTool(amtool, ["config", "routes", "test", `--config.file=${config}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
        expect(run.status, run.stderr).to.equal(0);
        return run.stdout.trim().split(",");
    }

    for (const [what, config] of [["every receiver kind", () => full], ["no receiver at all", () => empty]] as const) {
        it(`accepts the config of a stack with ${what}`, () => {
            const run = runTool(amtool, ["check-config", config()]);
            expect(run.status, run.stdout + run.stderr).to.equal(0);
            expect(run.stdout).to.include("SUCCESS").and.include("4 receivers").and.include("1 inhibit rules");
        });
    }

    it("reads Slack, PagerDuty and SMTP credentials from secret files, which exist in the temporary copy", () => {
        const files = [...fs.readFileSync(full, "utf8").matchAll(/_file: (\S+)/g)].map((m) => m[1]);
        expect([...new Set(files.map((f) => path.basename(f)))].sort()).to.deep.equal(["pagerduty-routing-key", "slack-webhook-url", "smtp-password"]);
        for (const file of files) expect(fs.existsSync(file), file).to.equal(true);
    });

    for (const route of ROUTE_CASES) {
        it(`routes ${route.what}`, () => {
            expect(routes(full, route.labels)).to.deep.equal([route.receiver]);
        });
    }

    it("routes the Watchdog to the dead-man's switch, or to the null receiver when none is configured", () => {
        expect(routes(full, WATCHDOG_ROUTE_LABELS)).to.deep.equal(["watchdog"]);
        expect(routes(empty, WATCHDOG_ROUTE_LABELS)).to.deep.equal(["null"]);
    });

    it("fails a config that routes to an undeclared receiver (the check can fail)", () => {
        const broken = parse(fs.readFileSync(full, "utf8")) as { route: { routes: { receiver: string }[] } };
        broken.route.routes[1].receiver = "nobody";
        const brokenPath = path.join(dir, "broken.yml");
        fs.writeFileSync(brokenPath, stringify(broken));
        const run = runTool(amtool, ["check-config", brokenPath]);
        expect(run.status).to.not.equal(0);
        expect(run.stdout + run.stderr).to.include('undefined receiver "nobody"');
    });
});
