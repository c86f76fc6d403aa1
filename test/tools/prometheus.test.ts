import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { renderAlertRules } from "../../components/render/alertRules";
import { renderPrometheusConfig } from "../../components/render/prometheus";
import { renderWebConfig } from "../../components/render/webConfig";
import { CONFIG_PATHS, workloadSpecs } from "../../components/workloads/catalogue";
import { buildSettings } from "../../components/settings/buildSettings";
import type { StackSettings, TlsVersion } from "../../components/settings/types";
import { makeTestPki, referencedFileContent, relocate, writeAt } from "../support/renderedFiles";
import { requireTool, runTool, ToolRun, tempDir } from "../support/tools";
import { ALERT_CASES, FiringCase, SilentCase } from "./fixtures/alertCases";
import { renderInputs } from "../support/renderInputs";

// bcrypt of "test" (caddy hash-password): promtool check web-config verifies the hashes it is given.
const BCRYPT_HASH = "$2a$14$SrPGyJFDAQBVdhcIP9A6heu.h1dCp2ptjmBlMjZV19jGAsa12UprC";

interface ParsedRule {
    alert: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

function settingsFor(stack: string, values: Record<string, unknown>): StackSettings {
    return buildSettings({ project: "service-stack", stack, values, secretKeys: new Set() });
}

const STACKS: Readonly<Record<string, StackSettings>> = {
    local: settingsFor("dev", {}),
    production: settingsFor("production", {
        environment: "production",
        domain: "example.com",
        acmeEmail: "ops@example.com",
        images: { api: "registry.example.com/api:1.0.0" },
        prometheus: { retentionSize: "50GB" },
    }),
};

/** Replaces `{{ $labels.x }}` and `{{ $value … }}` the way Prometheus renders them for one alert. */
function renderTemplate(template: string, labels: Readonly<Record<string, string>>, value: string): string {
    const out = template
        .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => {
            if (!(name in labels)) throw new Error(`template names label ${name}, which the case does not give: ${template}`);
            return labels[name];
        })
        .replace(/\{\{ \$value( \| \w+)? \}\}/g, value);
    if (out.includes("{{")) throw new Error(`template construct the test cannot render: ${template}`);
    return out;
}

/** promtool test groups for one alert: each firing case expects exactly this alert, each silent case none. */
function testGroups(rule: ParsedRule, firing: readonly FiringCase[], silent: readonly SilentCase[]): unknown[] {
    return [
        ...firing.map((c) => ({
            name: `${rule.alert} fires: ${c.name}`,
            interval: "1m",
            input_series: c.series,
            alert_rule_test: [{
                eval_time: c.evalTime,
                alertname: rule.alert,
                exp_alerts: [{
                    exp_labels: { ...c.labels, ...rule.labels },
                    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) =>
                        [k, renderTemplate(v, { ...c.labels, ...c.templateLabels }, c.value)])),
                }],
            }],
        })),
        ...silent.map((c) => ({
            name: `${rule.alert} stays silent: ${c.name}`,
            interval: "1m",
            input_series: c.series,
            alert_rule_test: [{ eval_time: c.evalTime, alertname: rule.alert, exp_alerts: [] }],
        })),
    ];
}

describe("promtool (Debian's 2.42) on the rendered Prometheus files", function () {
    let promtool: string;
    let dir: string;
    let cleanup: () => void;
    /** Per stack: the relocated prometheus.yml and the rule files. */
    const written: Record<string, { config: string; rules: string[] }> = {};
    /** Wall-clock milliseconds of each promtool run, by subcommand. */
    const timings = new Map<string, number[]>();

    function promtoolRun(args: string[]): ToolRun {
        const run = runTool(promtool, args);
        const command = args.slice(0, 2).join(" ");
        timings.set(command, [...(timings.get(command) ?? []), run.ms]);
        return run;
    }

    before(function () {
        promtool = requireTool(this, "promtool", "bash .ci/install-tools.sh");
        const openssl = requireTool(this, "openssl", "apt-get install openssl");
        ({ dir, cleanup } = tempDir("prometheus-tools"));
        const pki = makeTestPki(openssl, path.join(dir, "pki"), Object.values(workloadSpecs(STACKS.local)).map((s) => s.alias));
        for (const [name, settings] of Object.entries(STACKS)) {
            const root = path.join(dir, name);
            const rules = Object.entries(renderAlertRules(settings)).map(([file, text]) =>
                writeAt(root, `${CONFIG_PATHS.prometheusRulesDir}/${file}`, text));
            const { text, paths } = relocate(renderPrometheusConfig(renderInputs(settings).prometheusConfig), root);
            for (const p of paths.filter((p) => !p.includes("*"))) writeAt(root, p, referencedFileContent(p, pki));
            written[name] = { config: writeAt(root, CONFIG_PATHS.prometheusConfig, text), rules };
        }
        for (const [name, settings] of Object.entries(STACKS)) {
            // Web configs of every exporter-toolkit server, with and without basic auth, for each stack's TLS minimum.
            const root = path.join(dir, name);
            const specs = workloadSpecs(settings);
            for (const p of [specs.prometheus.tls, specs.alertmanager.tls, specs.postgresExporter.tls, specs.nodeExporter.tls, specs.blackboxExporter.tls]
                .flatMap((t) => [t.cert, t.key])) writeAt(root, p, referencedFileContent(p, pki));
        }
    });

    after(() => {
        cleanup?.();
        for (const [command, ms] of timings) {
            console.log(`      promtool ${command}: ${ms.length} runs, ${ms.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, slowest ${Math.max(...ms).toFixed(0)} ms`);
        }
    });

    for (const name of Object.keys(STACKS)) {
        it(`check config accepts the ${name} prometheus.yml with every rule file and referenced file`, () => {
            const run = promtoolRun(["check", "config", written[name].config]);
            expect(run.status, run.stdout + run.stderr).to.equal(0);
            expect(run.stdout).to.contain(`SUCCESS: ${written[name].rules.length} rule files found`);
        });

        it(`check rules accepts each of the ${name} rule files`, () => {
            for (const file of written[name].rules) {
                const run = promtoolRun(["check", "rules", file]);
                expect(run.status, run.stdout + run.stderr).to.equal(0);
                expect(run.stdout, file).to.match(/SUCCESS: \d+ rules found/);
            }
        });
    }

    it("check config rejects a configuration naming a credentials file that does not exist (the check is real)", () => {
        const broken = written.local.config.replace(/prometheus\.yml$/, "broken.yml");
        fs.writeFileSync(broken, fs.readFileSync(written.local.config, "utf8").replace("api-metrics-token", "missing-token"));
        const run = promtoolRun(["check", "config", broken]);
        expect(run.status).to.not.equal(0);
        expect(run.stdout + run.stderr).to.contain("missing-token");
    });

    const webConfigs: readonly { file: string; workload: "prometheus" | "alertmanager" | "postgresExporter" | "nodeExporter" | "blackboxExporter"; auth: boolean }[] = [
        { file: CONFIG_PATHS.prometheusWebConfig, workload: "prometheus", auth: true },
        { file: CONFIG_PATHS.alertmanagerWebConfig, workload: "alertmanager", auth: true },
        { file: CONFIG_PATHS.postgresExporterWebConfig, workload: "postgresExporter", auth: false },
        { file: CONFIG_PATHS.nodeExporterWebConfig, workload: "nodeExporter", auth: false },
        { file: CONFIG_PATHS.blackboxExporterWebConfig, workload: "blackboxExporter", auth: false },
    ];
    for (const [name, minVersion] of [["local", "1.2"], ["production", "1.3"]] as const satisfies readonly (readonly [string, TlsVersion])[]) {
        it(`check web-config accepts every server's web config in ${name} (TLS ${minVersion}), with basic auth where it has it`, () => {
            const root = path.join(dir, name);
            const specs = workloadSpecs(STACKS[name]);
            for (const { file, workload, auth } of webConfigs) {
                const users = auth ? { [workload]: BCRYPT_HASH } : undefined;
                const { text } = relocate(renderWebConfig({ tls: specs[workload].tls, minVersion, basicAuthUsers: users }), root);
                const run = promtoolRun(["check", "web-config", writeAt(root, file, text)]);
                expect(run.status, `${workload}: ${run.stdout}${run.stderr}`).to.equal(0);
                expect(run.stdout + run.stderr, workload).to.contain("SUCCESS");
            }
        });
    }

    it("check web-config rejects a basic-auth entry that is not a bcrypt hash (the check is real)", () => {
        const root = path.join(dir, "local");
        const { text } = relocate(renderWebConfig({ tls: workloadSpecs(STACKS.local).prometheus.tls, minVersion: "1.2", basicAuthUsers: { prometheus: "plain-text" } }), root);
        const run = promtoolRun(["check", "web-config", writeAt(root, "/etc/prometheus/not-bcrypt.yml", text)]);
        expect(run.status).to.not.equal(0);
    });

    describe("test rules: every alert fires on its condition and stays silent below it", () => {
        const rules: ParsedRule[] = Object.values(renderAlertRules(STACKS.local))
            .flatMap((text) => (parse(text).groups as { rules: ParsedRule[] }[]).flatMap((g) => g.rules));

        it("has firing and silent cases for every alert, and cases only for alerts that exist", () => {
            const names = rules.map((r) => r.alert);
            expect(names.filter((n) => !ALERT_CASES[n]), "alerts without cases").to.deep.equal([]);
            expect(Object.keys(ALERT_CASES).filter((n) => !names.includes(n)), "cases without an alert").to.deep.equal([]);
            for (const name of names) {
                expect(ALERT_CASES[name].firing, name).to.not.be.empty;
                if (name !== "Watchdog") expect(ALERT_CASES[name].silent, name).to.not.be.empty;
            }
        });

        /**
         * Writes a promtool unit-test file over the local rule file holding `alert` and runs it. Only that file: promtool
         * evaluates every listed rule at every step, and the backup cases span 28 hours.
         */
        function promtoolTest(fileName: string, alert: string, tests: unknown[]): ToolRun {
            const ruleFile = written.local.rules.find((f) => fs.readFileSync(f, "utf8").includes(`- alert: ${alert}\n`));
            expect(ruleFile, `rule file of ${alert}`).to.be.a("string");
            const testFile = path.join(dir, "rule-tests", fileName);
            fs.mkdirSync(path.dirname(testFile), { recursive: true });
            fs.writeFileSync(testFile, stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests }, { lineWidth: 0 }));
            return promtoolRun(["test", "rules", testFile]);
        }

        for (const rule of rules) {
            const cases = ALERT_CASES[rule.alert];
            if (!cases) continue;
            it(`${rule.alert}: ${cases.firing.length} firing, ${cases.silent.length} silent`, () => {
                const run = promtoolTest(`${rule.alert}.yml`, rule.alert, testGroups(rule, cases.firing, cases.silent));
                expect(run.status, run.stdout + run.stderr).to.equal(0);
                expect(run.stdout).to.contain("SUCCESS");
            });
        }

        it("fails when an expectation is wrong (the harness can fail)", () => {
            const rule = rules.find((r) => r.alert === "HighErrorRate")!;
            const wrong = { ...ALERT_CASES.HighErrorRate.firing[0], value: "7%" };
            const run = promtoolTest("wrong-value.yml", rule.alert, testGroups(rule, [wrong], []));
            expect(run.status).to.not.equal(0);
            expect(run.stdout + run.stderr).to.contain("HighErrorRate fires");
        });
    });
});
