import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../policy/policies";
import { EffectiveConfig, PolicyConfigError, reconcileConfig } from "./lib/packConfig";
import { evaluate, StackResource } from "./lib/policyEngine";
import { buildReport, formatReport, ReportContext } from "./lib/policyReport";
import { parseStackExport, resourcesWithEncryptedInputs, StackExportError, stackOf } from "./lib/stackExport";

/**
 * The policy pack without the Pulumi CLI or cloud credentials:
 *   npm run policy -- check --stack staging [--config policy/config/staging.json] [--json]
 *   npm run policy -- audit state.json [--config policy/config/production.json] [--json]
 *   npm run policy -- list
 * Exit codes: 0 pass, 1 a mandatory policy is violated (or a policy failed), 2 bad input.
 */

const ROOT = path.resolve(__dirname, "..");
const CONFIG_DIR = path.join(ROOT, "policy", "config");

const USAGE = `usage:
  npm run policy -- check --stack <stack> [--config <policy-config.json>] [--json]
      Runs the program for <stack> under Pulumi's mocks (stack files, dummy secrets) and evaluates every policy.
  npm run policy -- audit <stack-export.json> [--config <policy-config.json>] [--json]
      Evaluates every policy over the output of \`pulumi stack export\`.
  npm run policy -- list
      Lists the policies with their enforcement level in each environment.

The policy config defaults to policy/config/<stack>.json, else the stack's environment (check only).
Exit codes: 0 pass, 1 mandatory violation or policy error, 2 bad input.`;

/** A problem with what the user asked for: printed without a stack trace, exit code 2. */
class UsageError extends Error {}

interface Options {
    readonly command: string;
    readonly positional: string[];
    readonly stack?: string;
    readonly config?: string;
    readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Options {
    const positional: string[] = [];
    let stack: string | undefined;
    let config: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] as string;
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return next;
        };
        if (arg === "--stack" || arg === "-s") stack = value();
        else if (arg.startsWith("--stack=")) stack = arg.slice(8);
        else if (arg === "--config") config = value();
        else if (arg.startsWith("--config=")) config = arg.slice(9);
        else if (arg === "--json") json = true;
        else if (arg === "--help" || arg === "-h") positional.unshift("help");
        else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        else positional.push(arg);
    }
    const [command = "help", ...rest] = positional;
    return { command, positional: rest, stack, config, json };
}

function readJson(file: string, what: string): unknown {
    if (!fs.existsSync(file)) throw new UsageError(`${what} ${file} does not exist`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
    }
}

/** The policy config to use: --config, else policy/config/<stack>.json, else policy/config/<environment>.json. */
function policyConfigFile(explicit: string | undefined, stack: string, environment?: string): string {
    if (explicit) return path.resolve(explicit);
    const candidates = [stack, environment].filter((c): c is string => Boolean(c)).map((c) => path.join(CONFIG_DIR, `${c}.json`));
    const found = candidates.find((f) => fs.existsSync(f));
    if (!found) throw new UsageError(`no policy config for stack ${stack} (looked for ${candidates.map((c) => path.relative(ROOT, c)).join(", ")}); pass --config policy/config/<environment>.json`);
    return found;
}

function loadConfig(file: string): Map<string, EffectiveConfig> {
    try {
        return reconcileConfig(allPolicies, readJson(file, "policy config"));
    } catch (error) {
        if (error instanceof PolicyConfigError) throw new UsageError(`${path.relative(ROOT, file)}: ${error.message}`);
        throw error;
    }
}

/** Where the CLI writes; the tests pass their own. */
export interface Io {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

async function report(io: Io, context: ReportContext, configFile: string, resources: readonly StackResource[], json: boolean): Promise<number> {
    const config = loadConfig(configFile);
    const evaluation = await evaluate(allPolicies, resources, config);
    const result = buildReport(context, allPolicies, config, evaluation);
    io.stdout(`${json ? JSON.stringify(result, null, 2) : formatReport(result)}\n`);
    return result.summary.blocked ? 1 : 0;
}

async function check(io: Io, options: Options): Promise<number> {
    const stack = options.stack ?? options.positional[0];
    if (!stack) throw new UsageError("check needs --stack <stack>");
    // Loaded here: importing the program pulls in the Pulumi runtime, which `audit` and `list` do not need.
    const { recordStack } = await import("./lib/offlineRun");
    const { ConfigError } = await import("../components/settings/validate");
    let run;
    try {
        run = await recordStack(stack);
    } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(`the configuration of stack ${stack} is invalid:\n${error.message}`);
        throw error;
    }
    const configFile = policyConfigFile(options.config, stack, run.settings.environment);
    const secrets = run.secrets.length > 0 ? `dummy secrets: ${run.secrets.join(", ")}` : "no secrets needed";
    return report(io, { command: "check", stack, source: `program under mocks, ${secrets}`, policyConfig: path.relative(ROOT, configFile), resources: run.resources.length }, configFile, run.resources, options.json);
}

async function audit(io: Io, options: Options): Promise<number> {
    const file = options.positional[0];
    if (!file) throw new UsageError("audit needs the path of a `pulumi stack export` file");
    if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
    const resources = parseStackExport(fs.readFileSync(file, "utf8"), file);
    const stack = options.stack ?? stackOf(resources) ?? "(unknown)";
    const configFile = policyConfigFile(options.config, stack);
    const encrypted = resourcesWithEncryptedInputs(resources);
    // One secret upload makes a container's whole `uploads` list a secret: its files cannot be read from state.
    const notes = encrypted.length === 0 ? [] : [
        `${encrypted.length} resources hold encrypted inputs (${encrypted.slice(0, 3).join(", ")}${encrypted.length > 3 ? ", …" : ""}); ` +
        "checks of those values (uploaded config files, secret env) were skipped. `pulumi preview --policy-pack policy` sees them decrypted.",
    ];
    return report(io, { command: "audit", stack, source: `state file ${file}`, policyConfig: path.relative(ROOT, configFile), resources: resources.length, notes }, configFile, resources, options.json);
}

function list(io: Io, options: Options): number {
    const environments = ["local", "staging", "production"];
    const configs = environments.map((e) => loadConfig(path.join(CONFIG_DIR, `${e}.json`)));
    const rows = allPolicies.map((p) => ({
        name: p.name,
        kind: "validateStack" in p ? "stack" : "resource",
        levels: Object.fromEntries(environments.map((e, i) => [e, configs[i]!.get(p.name)!.enforcementLevel])),
        description: p.description,
    }));
    if (options.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
        const width = Math.max(...rows.map((r) => r.name.length));
        io.stdout(`${"POLICY".padEnd(width)}  ${environments.map((e) => e.toUpperCase().padEnd(10)).join(" ")}  DESCRIPTION\n`);
        for (const r of rows) io.stdout(`${r.name.padEnd(width)}  ${environments.map((e) => String(r.levels[e]).padEnd(10)).join(" ")}  ${r.description}\n`);
    }
    return 0;
}

async function dispatch(io: Io, argv: readonly string[]): Promise<number> {
    const options = parseArgs(argv);
    switch (options.command) {
        case "check":
            return check(io, options);
        case "audit":
            return audit(io, options);
        case "list":
            return list(io, options);
        case "help":
            io.stdout(`${USAGE}\n`);
            return 0;
        default:
            throw new UsageError(`unknown command "${options.command}"`);
    }
}

/** Runs the CLI and returns its exit code; problems with the input are messages on stderr, never stack traces. */
export async function runCli(argv: readonly string[], io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
    try {
        return await dispatch(io, argv);
    } catch (error) {
        if (error instanceof UsageError || error instanceof StackExportError) {
            const usage = error instanceof UsageError && /unknown (command|option)|needs/.test(error.message) ? `\n${USAGE}\n` : "";
            io.stderr(`error: ${error.message}\n${usage}`);
            return 2;
        }
        io.stderr(`internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
        return 2;
    }
}

if (require.main === module) {
    runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
