import { expect } from "chai";
import { spawnSync } from "child_process";
import { backupJob } from "../../../components/workloads/backup";
import { offsiteCopy } from "../../../components/workloads/backupOffsite";
import { workloadSpecs } from "../../../components/workloads/catalogue";
import { BACKUP_METRIC_HELP, BACKUP_METRICS } from "../../../components/render/alerts/backup";
import { BACKUP_NAME, BackupJob, pgpassLine, renderBackupScript, shellWord } from "../../../components/render/backup";
import { renderOffsiteAwsConfig, renderOffsiteCredentials, renderOffsiteScript } from "../../../components/render/backupOffsite";
import { renderPostgresBackupRoleScript } from "../../../components/render/postgres";
import { buildSettings } from "../../../components/settings/buildSettings";
import { shellHeader } from "../../support/renderedArtefacts";

const local = buildSettings({ project: "service-stack", stack: "dev", values: {}, secretKeys: new Set() });
const JOB: BackupJob = backupJob(local, workloadSpecs(local));

/** `bash -n`: the script parses as bash reads it. */
function bashParses(script: string): { status: number | null; stderr: string } {
    const run = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    return { status: run.status, stderr: run.stderr };
}

describe("the backup job's script (renderBackupScript)", () => {
    const script = renderBackupScript(JOB);

    it("parses as bash", () => {
        expect(bashParses(script)).to.deep.equal({ status: 0, stderr: "" });
    });

    it("sets exactly the job's values in its header, quoted as single shell words", () => {
        expect(Object.fromEntries(shellHeader(script).assignments)).to.deep.equal({
            STACK: "dev",
            DATABASE: "app",
            SCHEDULE: ["02:30"],
            KEEP_DAYS: "7",
            KEEP_COUNT: "7",
            BACKUP_DIR: "/var/lib/postgresql/backups",
            STATE_DIR: "/var/lib/postgresql/backup-state",
            METRICS_FILE: "/var/lib/backup-metrics/backup.prom",
            PASS_FILE: "/run/secrets/backup-pgpass",
            LAST_STATUS_METRIC: BACKUP_METRICS.lastRunStatus,
            LAST_SUCCESS_METRIC: BACKUP_METRICS.lastSuccessTimestamp,
            LAST_STATUS_HELP: BACKUP_METRIC_HELP.lastRunStatus,
            LAST_SUCCESS_HELP: BACKUP_METRIC_HELP.lastSuccessTimestamp,
            DESTINATION: "volume",
            PGHOST: "postgres",
            PGPORT: "5432",
            PGDATABASE: "app",
            PGUSER: "postgres_backup",
            PGSSLMODE: "verify-full",
            PGSSLROOTCERT: "/etc/backup/tls/ca.crt",
            PGPASSFILE: "/run/secrets/backup-pgpass",
            PGCONNECT_TIMEOUT: "15",
            PGAPPNAME: "service-stack-backup",
            HEARTBEAT: "/tmp/backup-heartbeat",
        });
    });

    it("dumps in the custom format, verifies what it wrote, and writes its metrics atomically", () => {
        expect(script).to.contain('pg_dump --format=custom --no-password --file="$partial"');
        expect(script).to.contain('pg_restore --list -- "$partial" > /dev/null');
        expect(script).to.contain('sha256sum --check --status --strict -- "$name.sha256"');
        expect(script).to.contain('mv -f "$METRICS_FILE.tmp" "$METRICS_FILE"');
        // No password, and no path other than the header's, in the body.
        expect(shellHeader(script).body).to.not.match(/\/run\/secrets|\/var\/lib\/postgresql/);
    });

    it("quotes a schedule and names as bash reads them back", () => {
        const odd = renderBackupScript({ ...JOB, stack: "it's", schedule: ["00:00", "23:59"] });
        expect(bashParses(odd).status).to.equal(0);
        expect(Object.fromEntries(shellHeader(odd).assignments)).to.deep.include({ STACK: "it's", SCHEDULE: ["00:00", "23:59"] });
        const echoed = spawnSync("bash", ["-c", `${odd.split("\n").filter((l) => /^readonly (STACK|SCHEDULE)=/.test(l)).join("\n")}\necho "$STACK|\${SCHEDULE[1]}"`], { encoding: "utf8" });
        expect(echoed.stdout).to.equal("it's|23:59\n");
    });

    it("refuses inputs it cannot render safely", () => {
        expect(() => renderBackupScript({ ...JOB, backupDir: "/var/lib/my backups" })).to.throw('renderBackupScript: "/var/lib/my backups" is not an absolute path of plain characters.');
        expect(() => renderBackupScript({ ...JOB, schedule: ["2:30"] })).to.throw('renderBackupScript: schedule ["2:30"] is not a list of HH:MM times.');
        expect(() => renderBackupScript({ ...JOB, keepCount: 0 })).to.throw("renderBackupScript: keepCount 0 is not a positive integer.");
    });

    it("names dumps `<database>-<UTC time>-<label>.dump`", () => {
        expect("app-20260101T023000Z-scheduled.dump").to.match(BACKUP_NAME);
        for (const bad of ["../app-20260101T023000Z-x.dump", "app-20260101T023000Z-X.dump", "app-2026-x.dump", "app-20260101T023000Z-x.dump.sha256"]) expect(bad).to.not.match(BACKUP_NAME);
    });
});

describe("the libpq password file line (pgpassLine)", () => {
    it("escapes `:` and `\\` and refuses a line break", () => {
        expect(pgpassLine("postgres", 5432, "app", "postgres_backup", "a:b\\c")).to.equal("postgres:5432:app:postgres_backup:a\\:b\\\\c\n");
        expect(() => pgpassLine("postgres", 5432, "app", "u", "a\nb")).to.throw("pgpassLine: a password holds a line break");
    });

    it("shell words survive bash", () => {
        for (const value of ["plain", "it's", "$(id)", "a b", "'"]) {
            expect(spawnSync("bash", ["-c", `printf %s ${shellWord(value)}`], { encoding: "utf8" }).stdout, value).to.equal(value);
        }
    });
});

describe("the backup role's init script (renderPostgresBackupRoleScript)", () => {
    const script = renderPostgresBackupRoleScript(local);
    it("parses as bash and gives the role reading and nothing else, idempotently", () => {
        expect(bashParses(script).status).to.equal(0);
        expect(script).to.contain("\\if :create_role\nCREATE ROLE \"postgres_backup\" LOGIN;\n\\endif");
        expect(script).to.contain("WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION BYPASSRLS PASSWORD :'backup_password';");
        expect(script).to.contain("GRANT pg_read_all_data TO \"postgres_backup\";");
        expect(script).to.contain('backup_password="$(cat /run/secrets/postgres-backup-password)"');
    });
});

describe("the off-host copy (renderOffsiteScript and its AWS CLI files)", () => {
    const copy = offsiteCopy({ region: "eu-west-1", bucket: "acme-backups", prefix: "db/", serverSideEncryption: "aws:kms", kmsKeyId: "alias/backups", endpoint: "https://minio.example:9000" });
    const script = renderOffsiteScript(copy);

    it("parses as bash and carries the bucket, prefix, endpoint and encryption", () => {
        expect(bashParses(script).status).to.equal(0);
        expect(Object.fromEntries(shellHeader(script).assignments)).to.deep.include({
            BACKUP_DIR: "/var/lib/postgresql/backups",
            METRICS_FILE: "/var/lib/backup-metrics/backup-offsite.prom",
            BUCKET: "acme-backups",
            PREFIX: "db/",
            SSE: "aws:kms",
            ENDPOINT_ARGS: ["--endpoint-url", "https://minio.example:9000"],
            SSE_ARGS: ["--sse", "aws:kms", "--sse-kms-key-id", "alias/backups"],
            DESTINATION: "s3",
        });
        const aws = renderOffsiteScript({ ...copy, endpoint: undefined, serverSideEncryption: "AES256", kmsKeyId: undefined });
        expect(Object.fromEntries(shellHeader(aws).assignments)).to.deep.include({ ENDPOINT_ARGS: [], SSE_ARGS: ["--sse", "AES256"] });
    });

    it("writes the shared gauges with the backup job's own help texts (node_exporter refuses a family whose files disagree)", () => {
        const job = Object.fromEntries(shellHeader(renderBackupScript(JOB)).assignments);
        const copy = Object.fromEntries(shellHeader(script).assignments);
        for (const key of ["LAST_STATUS_METRIC", "LAST_SUCCESS_METRIC", "LAST_STATUS_HELP", "LAST_SUCCESS_HELP"]) expect(copy[key], key).to.equal(job[key]);
    });

    it("reads every copy back before it counts it, and deletes nothing", () => {
        expect(script).to.contain("s3api head-object");
        expect(script).to.not.match(/\b(rm|s3 rm|delete-object)\b/);
    });

    it("writes the AWS CLI's config with path-style addressing for an S3-compatible endpoint only", () => {
        expect(renderOffsiteAwsConfig({ region: "eu-west-1", pathStyle: true })).to.equal("[default]\nregion = eu-west-1\ns3 =\n    addressing_style = path\n");
        expect(renderOffsiteAwsConfig({ region: "eu-west-1", pathStyle: false })).to.equal("[default]\nregion = eu-west-1\n");
    });

    it("writes credentials in the shared-credentials format, refusing characters that would change the file", () => {
        expect(renderOffsiteCredentials("AKIAEXAMPLE", "abc/def+ghi=")).to.equal("[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = abc/def+ghi=\n");
        for (const bad of ["a\nb", "a b", "a#b", "a;b", ""]) expect(() => renderOffsiteCredentials("AKIAEXAMPLE", bad), JSON.stringify(bad)).to.throw("renderOffsiteCredentials");
    });
});
