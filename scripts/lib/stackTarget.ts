import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Where a stack runs, as the backup and restore commands need to know it: no Pulumi CLI for Docker stacks. */
export interface StackTarget {
    readonly project: string;
    readonly stack: string;
    readonly platform: "docker" | "aws";
    /** `<project>-<stack>`: the prefix of every container name on the Docker host. */
    readonly namePrefix: string;
}

/** A problem with what the user asked for: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

/** Pulumi's stack name grammar: letters, digits, `-`, `_`, `.` (the commands put it into container names). */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The project (Pulumi.yaml's `name`) and the stack's platform: its stack file's `<project>:platform`, else the
 * project default (`docker`). `root` is the directory holding Pulumi.yaml.
 */
export function stackTarget(root: string, stack: string, platformOption?: string | true): StackTarget {
    if (!STACK_NAME.test(stack)) throw new UsageError(`--stack "${stack}": expected a Pulumi stack name (letters, digits, \`-\`, \`_\`, \`.\`).`);
    const project = String((parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name);
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    const config = fs.existsSync(stackFile) ? ((parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) : {};
    if (platformOption !== undefined && platformOption !== "docker" && platformOption !== "aws") throw new UsageError(`--platform ${String(platformOption)}: expected docker or aws.`);
    const platform = platformOption ?? config[`${project}:platform`] ?? "docker";
    if (platform !== "docker" && platform !== "aws") throw new UsageError(`${path.basename(stackFile)}: \`${project}:platform\` is ${JSON.stringify(platform)}: expected docker or aws.`);
    return { project, stack, platform, namePrefix: `${project}-${stack}` };
}

/** `--name value` options and bare flags from argv; unknown ones are refused by the caller's list. */
export function parseOptions(argv: readonly string[], valued: readonly string[], flags: readonly string[]): Record<string, string | true> {
    const options: Record<string, string | true> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] as string;
        const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(2, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg.slice(2), undefined];
        if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
        if (flags.includes(name)) {
            if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
            options[name] = true;
        } else if (valued.includes(name)) {
            const value = inline ?? argv[++i];
            if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
            options[name] = value;
        } else {
            throw new UsageError(`unknown option --${name}`);
        }
    }
    return options;
}
