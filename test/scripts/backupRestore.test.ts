import { expect } from "chai";
import { spawnSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pipeVerified } from "../../scripts/lib/dockerCli";
import { parseOptions, stackTarget, UsageError } from "../../scripts/lib/stackTarget";
import { restorePlan } from "../../scripts/restore";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * `npm run backup` and `npm run restore` as an operator runs them, with stand-in `docker`, `aws` and `pulumi` CLIs first
 * on PATH that record every call and answer as the real ones do for the case at hand. The real docker CLI against a
 * real engine is the container suite's (test/containers/stack.test.ts); this proves the commands' own decisions.
 */

interface Scratch {
    readonly dir: string;
    readonly calls: () => string[][];
    readonly env: Record<string, string>;
}

/** A scratch dir with stand-in CLIs; `state` files tell them what to answer. */
function scratch(): Scratch {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "service-stack-backup-cli-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const log = path.join(dir, "calls.jsonl");
    // Each stand-in logs its argv as one JSON line, then runs the case's answer script for it (or fails).
    for (const cli of ["docker", "aws", "pulumi"]) {
        fs.writeFileSync(path.join(bin, cli), `#!/usr/bin/env bash
node -e 'process.stdout.write(JSON.stringify([process.argv[1], ...process.argv.slice(2)]) + "\\n")' ${cli} "$@" >> "${log}"
[ -x "${dir}/${cli}.answer" ] || { echo "${cli}: no answer for $*" >&2; exit 97; }
exec "${dir}/${cli}.answer" "$@"
`, { mode: 0o755 });
    }
    return {
        dir,
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]) : []),
        env: { PATH: `${bin}:${process.env.PATH}` },
    };
}

function answer(s: Scratch, cli: string, script: string): void {
    fs.writeFileSync(path.join(s.dir, `${cli}.answer`), `#!/usr/bin/env bash\n${script}\n`, { mode: 0o755 });
}

function command(s: Scratch, script: "backup" | "restore", args: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", `${script}.ts`), ...args], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, ...s.env, DOCKER_HOST: "ssh://deploy@stack-host.example" }, timeout: 60000,
    });
}

/** `docker container inspect` answers: the listed containers run; the postgres one has POSTGRES_DB=app. */
const INSPECT = (running: string) => `if [ "$1 $2" = "container inspect" ]; then
  case " ${running} " in *" \${@: -1} "*) printf '{"Running":true}\\t["POSTGRES_DB=app","POSTGRES_USER=postgres"]\\n'; exit 0;; esac
  echo "Error: No such container: \${@: -1}" >&2; exit 1
fi`;

describe("npm run backup on a Docker stack (stand-in docker CLI)", function () {
    this.timeout(60000);

    it("makes sure the role exists, runs the job, verifies the dump it names, all through DOCKER_HOST's engine", () => {
        const s = scratch();
        answer(s, "docker", `${INSPECT("service-stack-staging-backup service-stack-staging-postgres")}
case "$*" in
  "exec service-stack-staging-postgres bash /docker-entrypoint-initdb.d/20-backup-role.sh") exit 0;;
  "exec service-stack-staging-backup bash /etc/backup/backup.sh run pre-deploy") echo "backup: app-20260101T000000Z-pre-deploy.dump verified" >&2; echo app-20260101T000000Z-pre-deploy.dump;;
  "exec service-stack-staging-backup bash /etc/backup/backup.sh verify app-20260101T000000Z-pre-deploy.dump") exit 0;;
  *) echo "unexpected: $*" >&2; exit 98;;
esac`);
        const run = command(s, "backup", ["--stack", "staging", "--label", "pre-deploy"]);
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.contain("backup: app-20260101T000000Z-pre-deploy.dump: taken and verified (SHA-256 and pg_restore --list) on ssh://deploy@stack-host.example");
        expect(s.calls().map((c) => c.slice(1).join(" "))).to.deep.equal([
            "container inspect --format {{json .State}}\t{{json .Config.Env}} service-stack-staging-backup",
            "container inspect --format {{json .State}}\t{{json .Config.Env}} service-stack-staging-postgres",
            "exec service-stack-staging-postgres bash /docker-entrypoint-initdb.d/20-backup-role.sh",
            "exec service-stack-staging-backup bash /etc/backup/backup.sh run pre-deploy",
            "exec service-stack-staging-backup bash /etc/backup/backup.sh verify app-20260101T000000Z-pre-deploy.dump",
        ]);
    });

    it("fails with the job's own messages when the run fails, and exits 1", () => {
        const s = scratch();
        answer(s, "docker", `${INSPECT("service-stack-staging-backup service-stack-staging-postgres")}
case "$*" in
  *20-backup-role.sh) exit 0;;
  *" run on-demand") echo "backup: PostgreSQL at postgres:5432 is not reachable" >&2; exit 1;;
esac`);
        const run = command(s, "backup", ["--stack", "staging"]);
        expect(run.status).to.equal(1);
        expect(run.stderr).to.contain("backup: PostgreSQL at postgres:5432 is not reachable").and.contain("the backup run in service-stack-staging-backup failed (its messages are above)");
    });

    it("skips a stack without a backup job only when told (--allow-missing), and says which engine it asked", () => {
        const s = scratch();
        answer(s, "docker", INSPECT(""));
        const skipped = command(s, "backup", ["--stack", "staging", "--allow-missing"]);
        expect(skipped.status, skipped.stderr).to.equal(0);
        expect(skipped.stdout).to.contain("service-stack-staging-backup: no such container on ssh://deploy@stack-host.example: this stack has no backup job yet");
        const refused = command(s, "backup", ["--stack", "staging"]);
        expect(refused.status).to.equal(1);
        expect(refused.stderr).to.contain("service-stack-staging-backup: no such container on ssh://deploy@stack-host.example. Is DOCKER_HOST the stack's host");
    });

    it("refuses bad arguments with exit code 2", () => {
        const s = scratch();
        for (const args of [[], ["--stack", "staging", "--label", "Pre Deploy"], ["--stack", "a/b"], ["--stack", "staging", "--frobnicate"], ["--stack", "staging", "--platform", "gcp"]]) {
            const run = command(s, "backup", args);
            expect(run.status, args.join(" ")).to.equal(2);
        }
        expect(s.calls()).to.deep.equal([]);
    });
});

describe("npm run backup on an AWS stack (stand-in aws and pulumi CLIs)", function () {
    this.timeout(60000);
    const OUTPUT = {
        region: "eu-west-1", cluster: "service-stack-production-cluster", taskDefinition: "service-stack-production-backup",
        subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-tasks"], bucket: "service-stack-production-backups-1234", prefix: "pre-deploy/",
        dumpContainer: "dump", dumpCommand: ["bash", "/etc/backup/backup.sh", "run"],
    };
    const SHA = "a".repeat(64);

    function awsAnswers(s: Scratch, dumpExit: number): void {
        answer(s, "pulumi", `[ "$*" = "stack output backupTask --json --stack production" ] && echo '${JSON.stringify(OUTPUT)}' && exit 0; echo "error: current stack does not have output property 'backupTask'" >&2; exit 1`);
        answer(s, "aws", `case "$1 $2" in
  "ecs run-task") echo '{"tasks":[{"taskArn":"arn:aws:ecs:eu-west-1:123456789012:task/c/0123"}],"failures":[]}';;
  "ecs describe-tasks") echo '{"tasks":[{"lastStatus":"STOPPED","containers":[{"name":"dump","exitCode":${dumpExit}},{"name":"upload","exitCode":${dumpExit === 0 ? 0 : "null"},"reason":"dependency dump did not succeed"}]}]}' | sed 's/,"exitCode":null//';;
  "s3api list-objects-v2") q=$(printf '%s\\n' "$@" | grep -o "\\-[a-z0-9-]*\\.dump"); echo "[\\"pre-deploy/app-20260101T000000Z$q\\"]";;
  "s3api head-object") echo '{"ContentLength":4096,"Metadata":{"sha256":"${SHA}"},"ServerSideEncryption":"aws:kms"}';;
  *) echo "unexpected: $*" >&2; exit 98;;
esac`);
    }

    it("runs the task from the stack output in the private subnets, waits for it, and checks the encrypted copy", () => {
        const s = scratch();
        awsAnswers(s, 0);
        const run = command(s, "backup", ["--stack", "production", "--label", "pre-deploy"]);
        expect(run.status, run.stderr).to.equal(0);
        const calls = s.calls().filter((c) => c[0] === "aws").map((c) => c.slice(1));
        const runTask = calls[0]!;
        const arg = (name: string) => runTask[runTask.indexOf(name) + 1];
        expect([arg("--cluster"), arg("--task-definition"), arg("--launch-type"), arg("--region")]).to.deep.equal(["service-stack-production-cluster", "service-stack-production-backup", "FARGATE", "eu-west-1"]);
        expect(JSON.parse(arg("--network-configuration")!)).to.deep.equal({ awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-tasks"], assignPublicIp: "DISABLED" } });
        const override = JSON.parse(arg("--overrides")!).containerOverrides[0];
        expect(override.name).to.equal("dump");
        expect(override.command.slice(0, 3)).to.deep.equal(["bash", "/etc/backup/backup.sh", "run"]);
        expect(override.command[3]).to.match(/^pre-deploy-[0-9a-f]{6}$/);
        expect(calls.map((c) => `${c[0]} ${c[1]}`)).to.deep.equal(["ecs run-task", "ecs describe-tasks", "s3api list-objects-v2", "s3api head-object"]);
        expect(run.stdout).to.match(new RegExp(`s3://service-stack-production-backups-1234/pre-deploy/app-20260101T000000Z-${override.command[3]}\\.dump: taken, verified \\(SHA-256 ${SHA}, pg_restore --list\\) and copied with KMS encryption, 4096 bytes`));
    });

    it("fails naming the container that failed", () => {
        const s = scratch();
        awsAnswers(s, 1);
        const run = command(s, "backup", ["--stack", "production"]);
        expect(run.status).to.equal(1);
        expect(run.stderr).to.contain("the backup task failed: dump exited 1, upload did not run (dependency dump did not succeed)");
    });

    it("skips a stack without the output only with --allow-missing, and never starts a task then", () => {
        const s = scratch();
        answer(s, "pulumi", `echo "error: current stack does not have output property 'backupTask'" >&2; exit 255`);
        expect(command(s, "backup", ["--stack", "production", "--allow-missing"]).status).to.equal(0);
        const refused = command(s, "backup", ["--stack", "production"]);
        expect(refused.status).to.equal(1);
        expect(refused.stderr).to.contain("production has no stack output `backupTask`");
        expect(s.calls().filter((c) => c[0] === "aws")).to.deep.equal([]);
    });
});

describe("npm run restore (stand-in docker CLI)", function () {
    this.timeout(60000);

    it("decides what to do with the live database, and never drops it without --replace-live-database", () => {
        expect(restorePlan("app", 0, { replaceLive: false })).to.deep.equal({ kind: "into-empty-live", database: "app" });
        expect(restorePlan("app", 3, { intoDatabase: "app_restore", replaceLive: false })).to.deep.equal({ kind: "into-new", database: "app_restore" });
        expect(restorePlan("app", 3, { replaceLive: true })).to.deep.equal({ kind: "replace-live", database: "app" });
        expect(() => restorePlan("app", 3, { replaceLive: false })).to.throw("the live database app holds 3 tables, views or sequences: refusing to restore over it. Restore beside it with --into-database app_restore, or drop it and restore in its place with --replace-live-database.");
        expect(() => restorePlan("app", 0, { intoDatabase: "app", replaceLive: false })).to.throw(UsageError, "--into-database app is the live database");
        expect(() => restorePlan("app", 0, { intoDatabase: "App; DROP", replaceLive: false })).to.throw(UsageError, "--into-database \"App; DROP\"");
        expect(() => restorePlan("app", 0, { intoDatabase: "x", replaceLive: true })).to.throw(UsageError, "exclude each other");
    });

    it("refuses a dump that does not verify, before touching the database", () => {
        const s = scratch();
        answer(s, "docker", `${INSPECT("service-stack-staging-backup service-stack-staging-postgres")}
case "$*" in
  *" verify "*) echo "backup: app-20260101T000000Z-scheduled.dump does not match its SHA-256 (app-20260101T000000Z-scheduled.dump.sha256): refusing it" >&2; exit 1;;
  *) echo "unexpected: $*" >&2; exit 98;;
esac`);
        const run = command(s, "restore", ["--stack", "staging", "--backup", "app-20260101T000000Z-scheduled.dump", "--replace-live-database"]);
        expect(run.status).to.equal(1);
        expect(run.stderr).to.contain("does not match its SHA-256").and.contain("refusing app-20260101T000000Z-scheduled.dump: it did not verify");
        expect(s.calls().some((c) => c.join(" ").includes("psql") || c.join(" ").includes("stop"))).to.equal(false);
    });

    it("streams the dump into pg_restore and holds the last bytes back until their SHA-256 matches", async () => {
        const s = scratch();
        const bytes = randomBytes(300_000);
        fs.writeFileSync(path.join(s.dir, "dump"), bytes);
        answer(s, "docker", `case "$2" in
  source) cat "${s.dir}/dump";;
  -i) cat > "${s.dir}/received";;
esac`);
        const digest = createHash("sha256").update(bytes).digest("hex");
        const previous = process.env.PATH;
        process.env.PATH = s.env.PATH;
        try {
            const ok = await pipeVerified({ container: "source", argv: ["cat", "x"] }, { container: "sink", argv: ["pg_restore"] }, digest);
            expect(ok.bytes).to.equal(bytes.length);
            expect(fs.readFileSync(path.join(s.dir, "received")).equals(bytes)).to.equal(true);
            fs.rmSync(path.join(s.dir, "received"));
            let refused: Error | undefined;
            await pipeVerified({ container: "source", argv: ["cat", "x"] }, { container: "sink", argv: ["pg_restore"] }, "0".repeat(64)).catch((e: Error) => (refused = e));
            expect(refused?.message).to.match(/do not match the backup's checksum 0{64}: nothing was restored/);
            // The consumer may be stopped before it even opened its output: it never gets the whole archive.
            const received = fs.existsSync(path.join(s.dir, "received")) ? fs.readFileSync(path.join(s.dir, "received")).length : 0;
            expect(received, "pg_restore never got the whole archive").to.be.lessThan(bytes.length);
        } finally {
            process.env.PATH = previous;
        }
    });

    it("refuses AWS stacks with what to do instead, and bad names with exit code 2", () => {
        const s = scratch();
        const aws = command(s, "restore", ["--stack", "production", "--backup", "app-20260101T000000Z-x.dump"]);
        expect(aws.status).to.equal(2);
        expect(aws.stderr).to.contain("production runs on AWS: restore with RDS point-in-time recovery or a snapshot");
        expect(command(s, "restore", ["--stack", "staging", "--backup", "../../etc/passwd"]).status).to.equal(2);
        expect(s.calls()).to.deep.equal([]);
    });
});

describe("the commands' option and stack readers", () => {
    it("reads the platform from the stack file, the project default, or --platform", () => {
        expect(stackTarget(ROOT, "production")).to.deep.equal({ project: "service-stack", stack: "production", platform: "aws", namePrefix: "service-stack-production" });
        expect(stackTarget(ROOT, "staging").platform).to.equal("docker");
        expect(stackTarget(ROOT, "dev").platform).to.equal("docker");
        expect(stackTarget(ROOT, "production", "docker").platform).to.equal("docker");
    });

    it("parses `--name value`, `--name=value` and flags, refusing the rest", () => {
        expect(parseOptions(["--stack", "a", "--label=b", "--list"], ["stack", "label"], ["list"])).to.deep.equal({ stack: "a", label: "b", list: true });
        expect(() => parseOptions(["--stack"], ["stack"], [])).to.throw("--stack needs a value");
        expect(() => parseOptions(["--list=1"], [], ["list"])).to.throw("--list takes no value");
        expect(() => parseOptions(["stack"], ["stack"], [])).to.throw('unexpected argument "stack"');
    });
});
