import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import type { StackTarget } from "./stackTarget";

/**
 * The AWS side of `npm run backup`: the stack declares a one-off ECS task (components/platforms/aws/BackupTask.ts) and exports
 * how to run it as the stack output `backupTask`; this runs it with the AWS CLI, waits for it, and checks the copy it
 * left in the backup bucket. Nothing here assumes more than the AWS CLI v2 and the Pulumi CLI on PATH.
 */

/** A failure on the AWS side: printed without a stack trace, exit code 1. */
export class AwsError extends Error {
    override name = "AwsError";
}

/** The stack output `backupTask` (components/platforms/aws/BackupTask.ts). */
export interface BackupTaskOutput {
    readonly region: string;
    readonly cluster: string;
    readonly taskDefinition: string;
    readonly subnets: readonly string[];
    readonly securityGroups: readonly string[];
    readonly bucket: string;
    readonly prefix: string;
    /** The two containers and the commands the run overrides with the label. */
    readonly dumpContainer: string;
    readonly dumpCommand: readonly string[];
}

/** How long a dump may take before the command gives up waiting (the task keeps running; its logs say how it ends). */
const WAIT_MS = 60 * 60_000;
const POLL_MS = 10_000;

function cli(program: string, args: readonly string[], what: string): string {
    const run = spawnSync(program, [...args], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    if (run.error) throw new AwsError(`${what}: ${run.error.message} (is \`${program}\` installed?)`);
    if (run.status !== 0) throw new AwsError(`${what}: ${(run.stderr || run.stdout).trim()}`);
    return run.stdout;
}

function awsJson<T>(output: BackupTaskOutput, args: readonly string[], what: string): T {
    return JSON.parse(cli("aws", [...args, "--region", output.region, "--output", "json"], what)) as T;
}

/** The stack output, or undefined when the stack has none (never deployed, or deployed before the backup task). */
function backupTaskOutput(stack: string): BackupTaskOutput | undefined {
    const run = spawnSync("pulumi", ["stack", "output", "backupTask", "--json", "--stack", stack], { encoding: "utf8" });
    if (run.error) throw new AwsError(`pulumi stack output: ${run.error.message} (is the Pulumi CLI installed?)`);
    if (run.status !== 0) {
        if (/current stack does not have output property|no stack named|has no output|does not have output/i.test(run.stderr)) return undefined;
        throw new AwsError(`pulumi stack output backupTask --stack ${stack}: ${run.stderr.trim()}`);
    }
    return JSON.parse(run.stdout) as BackupTaskOutput;
}

interface TaskState {
    readonly lastStatus: string;
    readonly stoppedReason?: string;
    readonly containers: readonly { readonly name: string; readonly exitCode?: number; readonly reason?: string }[];
}

/** Polls the task until it stops (the CLI's own waiter gives up after 10 minutes; a large dump takes longer). */
async function stoppedTask(output: BackupTaskOutput, taskArn: string, log: (line: string) => void): Promise<TaskState> {
    const deadline = Date.now() + WAIT_MS;
    let last = "";
    while (Date.now() < deadline) {
        const { tasks } = awsJson<{ tasks: TaskState[] }>(output, ["ecs", "describe-tasks", "--cluster", output.cluster, "--tasks", taskArn], "aws ecs describe-tasks");
        const task = tasks[0];
        if (!task) throw new AwsError(`ECS no longer knows task ${taskArn}`);
        if (task.lastStatus !== last) log(`task ${taskArn.split("/").pop()}: ${(last = task.lastStatus)}`);
        if (task.lastStatus === "STOPPED") return task;
        await new Promise((r) => setTimeout(r, POLL_MS));
    }
    throw new AwsError(`task ${taskArn} has not stopped after ${WAIT_MS / 60_000} minutes; follow it with aws ecs describe-tasks and its log group`);
}

/** Runs the backup task with `label`, waits for it, and checks the object it copied. Returns the object's key. */
export async function backupOnAws(target: StackTarget, label: string, allowMissing: boolean, log: (line: string) => void): Promise<string | undefined> {
    const output = backupTaskOutput(target.stack);
    if (!output) {
        if (allowMissing) {
            log(`${target.stack} has no backupTask output yet (a first deploy, or the deploy that adds it): nothing to back up before it. RDS keeps its automated backups meanwhile.`);
            return undefined;
        }
        throw new AwsError(`${target.stack} has no stack output \`backupTask\`: run \`pulumi up -s ${target.stack}\` first (or pass --allow-missing).`);
    }
    // A suffix no other run shares: the object this run leaves is found by its name.
    const unique = `${label}-${randomBytes(3).toString("hex")}`;
    const network = { awsvpcConfiguration: { subnets: output.subnets, securityGroups: output.securityGroups, assignPublicIp: "DISABLED" } };
    const overrides = { containerOverrides: [{ name: output.dumpContainer, command: [...output.dumpCommand, unique] }] };
    const started = awsJson<{ tasks: { taskArn: string }[]; failures: { reason: string; detail?: string }[] }>(output, [
        "ecs", "run-task", "--cluster", output.cluster, "--task-definition", output.taskDefinition, "--launch-type", "FARGATE",
        "--platform-version", "1.4.0", "--started-by", "service-stack-backup", "--network-configuration", JSON.stringify(network), "--overrides", JSON.stringify(overrides),
    ], "aws ecs run-task");
    const taskArn = started.tasks[0]?.taskArn;
    if (!taskArn) throw new AwsError(`ECS did not start the backup task: ${started.failures.map((f) => `${f.reason}${f.detail ? ` (${f.detail})` : ""}`).join("; ") || "no reason given"}`);
    const task = await stoppedTask(output, taskArn, log);
    const failed = task.containers.filter((c) => c.exitCode !== 0);
    if (failed.length > 0) {
        throw new AwsError(`the backup task failed: ${failed.map((c) => `${c.name} ${c.exitCode === undefined ? `did not run (${c.reason ?? task.stoppedReason ?? "no reason"})` : `exited ${c.exitCode}`}`).join(", ")}; its log group has the messages`);
    }
    const keys = awsJson<string[] | null>(output, ["s3api", "list-objects-v2", "--bucket", output.bucket, "--prefix", output.prefix, "--query", `Contents[?ends_with(Key, '-${unique}.dump')].Key`], "aws s3api list-objects-v2") ?? [];
    if (keys.length !== 1) throw new AwsError(`expected one dump named *-${unique}.dump under s3://${output.bucket}/${output.prefix}, found ${keys.length}`);
    const key = keys[0] as string;
    const head = awsJson<{ ContentLength: number; Metadata?: Record<string, string>; ServerSideEncryption?: string }>(output, ["s3api", "head-object", "--bucket", output.bucket, "--key", key], "aws s3api head-object");
    if (!/^[0-9a-f]{64}$/.test(head.Metadata?.sha256 ?? "") || head.ServerSideEncryption !== "aws:kms") {
        throw new AwsError(`s3://${output.bucket}/${key} lacks its SHA-256 metadata or KMS encryption: ${JSON.stringify(head)}`);
    }
    log(`s3://${output.bucket}/${key}: taken, verified (SHA-256 ${head.Metadata!.sha256}, pg_restore --list) and copied with KMS encryption, ${head.ContentLength} bytes`);
    return key;
}
