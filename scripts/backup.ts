import * as path from "path";
import { CONFIG_PATHS } from "../components/workloads/catalogue";
import { AwsError, backupOnAws } from "./lib/awsBackup";
import { containerState, dockerOk, DockerError } from "./lib/dockerCli";
import { parseOptions, stackTarget, StackTarget, UsageError } from "./lib/stackTarget";

/**
 * Takes and verifies a PostgreSQL backup of a stack now:
 *   npm run backup -- --stack <stack> [--label pre-deploy] [--allow-missing]
 * Docker: runs the stack's backup job in its container through the docker CLI (DOCKER_HOST is honoured), after making
 * sure its dump-only role exists (the init script, run again); the dump lands on the backup volume, verified.
 * AWS: runs the stack's one-off backup task on ECS (pg_dump, verified, into the export bucket) and waits for it.
 * Exit codes: 0 taken and verified, 1 the backup failed, 2 bad input.
 */

const ROOT = path.resolve(__dirname, "..");

const USAGE = `usage: npm run backup -- --stack <stack> [--label <label>] [--allow-missing] [--platform docker|aws]
  --label          what the dump is for, in its name (default on-demand; the deploy job uses pre-deploy)
  --allow-missing  exit 0 when the stack has no backup job yet (its first deploy, or the one that adds the job)
  --platform       where the stack runs, when its stack file does not say (default: the stack file, else docker)
Docker stacks are reached through the docker CLI (DOCKER_HOST=ssh://… works); AWS stacks through the AWS CLI and
\`pulumi stack output\`. Exit codes: 0 backed up and verified, 1 failed, 2 bad input.`;

const LABEL = /^[a-z][a-z0-9-]{0,31}$/;

/** The Docker path: ensure the role, run the job, verify the dump it names. Returns the dump's name, or undefined. */
export function backupOnDocker(target: StackTarget, label: string, allowMissing: boolean, log: (line: string) => void): string | undefined {
    const job = `${target.namePrefix}-backup`;
    const postgres = `${target.namePrefix}-postgres`;
    const jobState = containerState(job);
    const postgresState = containerState(postgres);
    if (!jobState) {
        if (allowMissing) {
            log(`${job}: no such container on ${dockerHost()}: this stack has no backup job yet (a first deploy, or the deploy that adds it). Nothing to back up before it.`);
            return undefined;
        }
        throw new DockerError(`${job}: no such container on ${dockerHost()}. Is DOCKER_HOST the stack's host, and has \`pulumi up -s ${target.stack}\` run since the backup job was added?`);
    }
    if (!jobState.running) throw new DockerError(`${job} is not running: start it with \`docker start ${job}\` and look at \`docker logs ${job}\`.`);
    if (!postgresState?.running) throw new DockerError(`${postgres} is not running: there is no database to back up (see docs/runbook.md#databasedown).`);
    // A database initialised before the backup job existed has no dump-only role: the init script creates it (idempotent).
    dockerOk(["exec", postgres, "bash", CONFIG_PATHS.postgresBackupRoleScript], `creating or updating the backup role in ${postgres}`, { showErrors: true });
    const name = dockerOk(["exec", job, "bash", CONFIG_PATHS.backupScript, "run", label], `the backup run in ${job} failed (its messages are above)`, { showErrors: true }).trim();
    dockerOk(["exec", job, "bash", CONFIG_PATHS.backupScript, "verify", name], `${name} did not verify`, { showErrors: true });
    log(`${name}: taken and verified (SHA-256 and pg_restore --list) on ${dockerHost()}, in ${job}:/var/lib/postgresql/backups`);
    return name;
}

function dockerHost(): string {
    return process.env.DOCKER_HOST || "the local Docker engine";
}

async function main(argv: readonly string[]): Promise<number> {
    const options = parseOptions(argv, ["stack", "label", "platform"], ["allow-missing", "help"]);
    if (options.help) {
        console.log(USAGE);
        return 0;
    }
    if (typeof options.stack !== "string") throw new UsageError("--stack is required");
    const label = typeof options.label === "string" ? options.label : "on-demand";
    if (!LABEL.test(label)) throw new UsageError(`--label "${label}": expected 1 to 32 lower-case letters, digits and hyphens, a letter first.`);
    const target = stackTarget(ROOT, options.stack, options.platform);
    const log = (line: string) => console.log(`backup: ${line}`);
    if (target.platform === "aws") {
        // The task's dump gets a random suffix after the label: the name stays within the label's 32 characters.
        if (label.length > 25) throw new UsageError(`--label "${label}": at most 25 characters on AWS.`);
        await backupOnAws(target, label, options["allow-missing"] === true, log);
    } else {
        backupOnDocker(target, label, options["allow-missing"] === true, log);
    }
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code), (error: Error) => {
        if (error instanceof UsageError) {
            console.error(`backup: ${error.message}\n${USAGE}`);
            process.exitCode = 2;
        } else if (error instanceof DockerError || error instanceof AwsError) {
            console.error(`backup: ${error.message}`);
            process.exitCode = 1;
        } else {
            console.error(error);
            process.exitCode = 1;
        }
    });
}
