import { X509Certificate } from "crypto";
import { parse as parseYaml } from "yaml";
import { backupJob } from "../../components/workloads/backup";
import { offsiteCopy } from "../../components/workloads/backupOffsite";
import { renderBackupScript } from "../../components/render/backup";
import { renderOffsiteAwsConfig, renderOffsiteScript } from "../../components/render/backupOffsite";
import { alertmanagerArgs, renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { renderAlertRules } from "../../components/render/alertRules";
import { renderApiStandInConfig } from "../../components/render/apiStandIn";
import { renderBlackboxConfig } from "../../components/render/blackbox";
import { renderCaddyfile } from "../../components/render/caddy";
import { grafanaEnvironment, renderDashboards, renderGrafanaDashboardProviders, renderGrafanaDatasources } from "../../components/render/grafana";
import { renderJaegerConfig } from "../../components/render/jaeger";
import { renderPgHbaConf, renderPostgresBackupRoleScript, renderPostgresInitScript, renderPostgresqlConf } from "../../components/render/postgres";
import { prometheusArgs, renderPrometheusConfig } from "../../components/render/prometheus";
import { renderRdsRolesSql } from "../../components/render/rdsRoles";
import { renderRedisConf } from "../../components/render/redis";
import { workloadSpecs } from "../../components/workloads/catalogue";
import { apiEnvironment } from "../../components/workloads/api";
import type { StackSettings } from "../../components/settings/types";
import { parseCaddyfile } from "../../policy/lib/caddyfile";
import { parsePgHba, parsePostgresqlConf, parseRedisConf } from "../../policy/lib/serverConfigs";
import { renderInputs } from "./renderInputs";

/** One thing the program renders from settings, with the parser its consumer reads it with. */
export interface Artefact {
    readonly name: string;
    readonly text: string;
    /** Reads `text` as the consumer does; throws when the consumer would refuse it. */
    readonly parse: (text: string) => unknown;
}

/**
 * YAML as Go's yaml.v2 reads it (Prometheus, Alertmanager, blackbox_exporter): YAML 1.1, where `on`, `yes` or `1:20`
 * are not strings. Strict, with unique keys; any error throws.
 */
const goYamlV2 = (text: string) => parseYaml(text, { version: "1.1", strict: true, uniqueKeys: true });
/** YAML as yaml.v3 reads it (Grafana provisioning, Jaeger's collector config): YAML 1.2. */
const goYamlV3 = (text: string) => parseYaml(text, { version: "1.2", strict: true, uniqueKeys: true });
const json = (text: string) => JSON.parse(text) as unknown;

/** A Go text/template as its parser sees it: literal text and `{{ … }}` actions; an unclosed action throws. */
export function goTemplate(text: string): (string | { action: string })[] {
    const parts = text.split(/\{\{([\s\S]*?)\}\}/);
    if (parts.some((part, i) => i % 2 === 0 && part.includes("{{"))) throw new Error(`unclosed template action in ${JSON.stringify(text)}`);
    return parts.map((part, i) => (i % 2 === 0 ? part : { action: part })).filter((part) => part !== "");
}

type Tree = Record<string, any>;

/** alertmanager.yml with the fields Alertmanager expands as templates (e-mail `to`/`from`, Slack `channel`) read as templates. */
function alertmanagerYaml(text: string): unknown {
    const config = goYamlV2(text) as Tree;
    for (const receiver of (config.receivers ?? []) as Tree[]) {
        for (const email of (receiver.email_configs ?? []) as Tree[]) for (const field of ["to", "from"]) email[field] = goTemplate(String(email[field]));
        for (const slack of (receiver.slack_configs ?? []) as Tree[]) slack.channel = goTemplate(String(slack.channel));
    }
    return config;
}

/** A rule file with every label and annotation (which Prometheus expands as templates) read as a template. */
function ruleYaml(text: string): unknown {
    const file = goYamlV2(text) as Tree;
    for (const group of (file.groups ?? []) as Tree[]) {
        for (const rule of (group.rules ?? []) as Tree[]) {
            for (const field of ["labels", "annotations"]) {
                for (const [name, value] of Object.entries((rule[field] ?? {}) as Tree)) rule[field][name] = goTemplate(String(value));
            }
        }
    }
    return file;
}

/**
 * A psql script as a list of tokens: quoted identifiers, literals, psql variables and meta-commands, words and
 * punctuation. Not PostgreSQL's parser (the integration suite runs the scripts on PostgreSQL 15), but it tells a name
 * that stays one quoted identifier from one that breaks out of it.
 */
export function sqlTokens(text: string): string[] {
    const token = /\s*("(?:[^"]|"")*"|'(?:[^']|'')*'|:'[a-z_]+'|\\[a-z]+|[A-Za-z_][A-Za-z0-9_$]*|\d+|[^\s"'])/y;
    const tokens: string[] = [];
    let end = 0;
    let match: RegExpExecArray | null;
    while ((match = token.exec(text)) !== null) {
        tokens.push(match[1] as string);
        end = token.lastIndex;
    }
    if (text.slice(end).trim() !== "") throw new Error(`unterminated quote at ${end}: ${text.slice(end, end + 40)}`);
    return tokens;
}

/**
 * The assignments at the top of a generated bash script (`readonly NAME=word`, `readonly NAME=(words)`, `export A=w B=w`)
 * as bash reads the words: single quotes (with `'\''` joins) and plain characters, nothing it would expand. The rest
 * of the script is kept as text, so a change there shows too. Throws on anything else in the header.
 */
export function shellHeader(text: string): { assignments: [string, string | string[]][]; body: string } {
    const lines = text.split("\n");
    const assignments: [string, string | string[]][] = [];
    let i = 0;
    for (; i < lines.length; i++) {
        const line = lines[i] as string;
        if (line.startsWith("#") || line === "set -euo pipefail") continue;
        const statement = /^(readonly|export) (.*)$/.exec(line);
        if (!statement) break;
        let rest = statement[2] as string;
        while (rest !== "") {
            const name = /^([A-Z_][A-Z0-9_]*)=/.exec(rest);
            if (!name) throw new Error(`not an assignment: ${rest}`);
            rest = rest.slice(name[0].length);
            if (rest.startsWith("(")) {
                const words: string[] = [];
                rest = rest.slice(1);
                while (!rest.startsWith(")")) {
                    const [word, after] = shellWordAt(rest);
                    words.push(word);
                    rest = after.replace(/^ /, "");
                }
                assignments.push([name[1] as string, words]);
                rest = rest.slice(1).replace(/^ /, "");
            } else {
                const [word, after] = shellWordAt(rest);
                assignments.push([name[1] as string, word]);
                rest = after.replace(/^ /, "");
            }
        }
    }
    return { assignments, body: lines.slice(i).join("\n") };
}

/** One bash word at the start of `text` (single-quoted parts, `\'`, plain characters) and what follows it. */
function shellWordAt(text: string): [string, string] {
    const part = /^(?:'([^']*)'|\\(')|([A-Za-z0-9_./:=+@%,-]+))/;
    let word = "";
    let rest = text;
    let match: RegExpExecArray | null;
    while ((match = part.exec(rest)) !== null && match[0] !== "") {
        word += match[1] ?? match[2] ?? match[3] ?? "";
        rest = rest.slice(match[0].length);
    }
    if (rest === text || !(rest === "" || rest.startsWith(" ") || rest.startsWith(")"))) throw new Error(`not a plain shell word: ${text.slice(0, 60)}`);
    return [word, rest];
}

/** An INI file as the AWS CLI reads it: `[section]`, `key = value`, indented sub-keys under `key =`. */
function iniFile(text: string): [string, string][] {
    return text.split("\n").filter((l) => l.trim() !== "").map((line) => {
        const entry = /^(\[[a-z]+\]|\s*[a-z_0-9]+ =(?: \S.*)?)$/.exec(line);
        if (!entry) throw new Error(`not an INI line: ${line}`);
        const [key, value = ""] = line.split(" = ");
        return [key as string, value];
    });
}

/** Placeholder values for the secrets alertmanager.yml inlines. */
const INLINE_SECRETS = { webhookUrl: "https://hooks.example/alerts", watchdogUrl: "https://deadman.example/ping" };

/** Every file, argument list and environment the program renders from `settings`, each with its consumer's parser. */
export function renderedArtefacts(settings: StackSettings): Artefact[] {
    const specs = workloadSpecs(settings);
    const structured = (name: string, value: unknown): Artefact => ({ name, text: JSON.stringify(value), parse: json });
    return [
        ...(settings.platform === "docker" ? [{ name: "Caddyfile", text: renderCaddyfile(renderInputs(settings).caddyfile), parse: parseCaddyfile }] : []),
        { name: "prometheus.yml", text: renderPrometheusConfig(renderInputs(settings).prometheusConfig), parse: goYamlV2 },
        structured("prometheus args", prometheusArgs(renderInputs(settings).prometheusArgs)),
        { name: "alertmanager.yml", text: renderAlertmanagerConfig(settings, INLINE_SECRETS), parse: alertmanagerYaml },
        structured("alertmanager args", alertmanagerArgs(renderInputs(settings).alertmanagerArgs)),
        ...Object.entries(renderAlertRules(settings)).map(([file, text]) => ({ name: `rules/${file}`, text, parse: ruleYaml })),
        { name: "blackbox.yml", text: renderBlackboxConfig(renderInputs(settings).blackbox), parse: goYamlV2 },
        { name: "datasources.yml", text: renderGrafanaDatasources(renderInputs(settings).datasources), parse: goYamlV3 },
        { name: "dashboards.yml", text: renderGrafanaDashboardProviders(settings), parse: goYamlV3 },
        ...Object.entries(renderDashboards(renderInputs(settings).dashboards)).map(([file, text]) => ({ name: `dashboards/${file}`, text, parse: json })),
        structured("grafana env", grafanaEnvironment(renderInputs(settings).grafanaEnvironment)),
        { name: "jaeger.yml", text: renderJaegerConfig(renderInputs(settings).jaeger), parse: goYamlV3 },
        { name: "postgresql.conf", text: renderPostgresqlConf(renderInputs(settings).postgresConf), parse: (t) => [...parsePostgresqlConf(t)] },
        { name: "pg_hba.conf", text: renderPgHbaConf(settings), parse: parsePgHba },
        { name: "init.sh", text: renderPostgresInitScript(settings), parse: sqlTokens },
        { name: "backup-role.sh", text: renderPostgresBackupRoleScript(settings), parse: sqlTokens },
        ...(settings.platform === "docker" ? [{ name: "backup.sh", text: renderBackupScript(backupJob(settings, specs)), parse: shellHeader }] : []),
        ...(settings.platform === "docker" && settings.backup.offsite ? [
            { name: "offsite.sh", text: renderOffsiteScript(offsiteCopy(settings.backup.offsite)), parse: shellHeader },
            { name: "aws-config", text: renderOffsiteAwsConfig({ region: settings.backup.offsite.region, pathStyle: settings.backup.offsite.endpoint !== undefined }), parse: iniFile },
            ...(settings.backup.offsite.caCertificate ? [{ name: "offsite ca.crt", text: settings.backup.offsite.caCertificate, parse: (t: string) => new X509Certificate(t).fingerprint256 }] : []),
        ] : []),
        { name: "roles.sql", text: renderRdsRolesSql(settings), parse: sqlTokens },
        { name: "redis.conf", text: renderRedisConf(renderInputs(settings).redisConf), parse: (t) => [...parseRedisConf(t)] },
        ...(settings.api.standIn ? [{ name: "api stand-in", text: renderApiStandInConfig(settings, specs.api.tls), parse: json }] : []),
        structured("api env", apiEnvironment(settings, specs, { postgresHost: "postgres", redisHost: "redis" }, specs.api.tls.ca)),
        structured("api container", { command: settings.api.args, healthcheck: settings.api.healthcheck, user: settings.api.user }),
    ];
}
