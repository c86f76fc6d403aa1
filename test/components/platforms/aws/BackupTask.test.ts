import { expect } from "chai";
import { AWS_CLI_IMAGE, AWS_TRUST_BUNDLE } from "../../../../components/platforms/aws/context";
import { RecordedResource, unwrap } from "../../../../harness/mocks";
import { containerDefinitionsOf, ProviderRecordingMocks, sharedRunOnAws } from "../../../support/awsRun";
import { ProgramRun, valueOf } from "../../../../harness/runProgram";
import { shellHeader } from "../../../support/renderedArtefacts";

type Run = ProgramRun & { mocks: ProviderRecordingMocks };

function inputs(r: RecordedResource): Record<string, any> {
    return unwrap(r.inputs) as Record<string, any>;
}

describe("the pre-deploy backup task on AWS under mocks (components/platforms/aws/BackupTask.ts)", function () {
    const prefix = "service-stack-production";
    let run: Run;
    before(async () => {
        run = await sharedRunOnAws("production");
    });

    /** A config object the task's init container copies in, by its key. */
    function configObject(key: string): string {
        const found = run.mocks.ofType("aws:s3/bucketObjectv2:BucketObjectv2").map(inputs).find((o) => o.key === `backup/${key}`);
        if (!found) throw new Error(`no config object backup/${key}`);
        return String(found.content);
    }

    it("declares a service of zero tasks holding a definition: the dump, then the upload after it succeeded", () => {
        const service = run.mocks.ofType("aws:ecs/service:Service").map(inputs).find((s) => s.name === "backup");
        expect(service).to.deep.include({ desiredCount: 0, launchType: "FARGATE" });
        const defs = containerDefinitionsOf(run.mocks.named("aws:ecs/taskDefinition:TaskDefinition", `${prefix}-backup`));
        const dump = defs.find((d) => d.name === "dump")!;
        const upload = defs.find((d) => d.name === "upload")!;
        expect([dump.user, dump.essential, dump.command, dump.readonlyRootFilesystem]).to.deep.equal(["999:999", false, ["bash", "/etc/backup/backup.sh", "run", "pre-deploy"], true]);
        expect(dump.image).to.match(/\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/service-stack-production-hub\/library\/postgres:18\.1$/);
        expect(dump.secrets ?? [], "the password reaches it as a file, not a variable").to.deep.equal([]);
        expect([upload.user, upload.entryPoint, upload.command, upload.readonlyRootFilesystem]).to.deep.equal(["999:999", ["bash"], ["/etc/backup-offsite/offsite.sh", "once"], true]);
        expect(upload.image).to.contain(AWS_CLI_IMAGE.split("/").pop()!.split(":")[0]);
        expect(upload.dependsOn).to.deep.include({ containerName: "dump", condition: "SUCCESS" });
        expect(upload.mountPoints?.find((m) => m.containerPath === "/backup")).to.deep.include({ readOnly: true });
        expect(dump.mountPoints?.find((m) => m.containerPath === "/backup")).to.deep.include({ readOnly: false });
    });

    it("dumps RDS over TLS verify-full against the AWS trust bundle as the dump-only role", () => {
        const header = Object.fromEntries(shellHeader(configObject("dump/etc/backup/backup.sh")).assignments);
        const rds = inputs(run.mocks.named("aws:rds/instance:Instance", `${prefix}-postgres`));
        expect(header.PGHOST).to.match(new RegExp(`^${rds.identifier ?? `${prefix}-postgres`}\\.c[0-9a-f]+\\.eu-west-1\\.rds\\.amazonaws\\.com$`));
        expect(header).to.deep.include({
            PGUSER: "postgres_backup",
            PGSSLMODE: "verify-full",
            PGSSLROOTCERT: `/etc/backup/${AWS_TRUST_BUNDLE}`,
            PGPASSFILE: "/run/secrets/backup-pgpass",
            BACKUP_DIR: "/backup/dumps",
        });
    });

    it("copies into the backup bucket under pre-deploy/ with the stack key, and may write nowhere else", () => {
        const header = Object.fromEntries(shellHeader(configObject("upload/etc/backup-offsite/offsite.sh")).assignments);
        expect(header.PREFIX).to.equal("pre-deploy/");
        expect(header.SSE_ARGS).to.deep.equal(["--sse", "aws:kms", "--sse-kms-key-id", `arn:aws:kms:eu-west-1:123456789012:key/${prefix}-kms`]);
        expect(header.ENDPOINT_ARGS).to.deep.equal([]);
        expect(header.BUCKET, "the backups bucket").to.equal(String(run.mocks.stateOf("aws:s3/bucket:Bucket", `${prefix}-backups`).bucket));
        const policy = run.mocks.ofType("aws:iam/rolePolicy:RolePolicy").map(inputs).find((p) => String(p.role).includes("backup-task"));
        const statements = JSON.parse(String(policy!.policy)).Statement as { Sid: string; Action: string | string[]; Resource: string }[];
        const write = statements.find((s) => s.Sid === "WritePreDeployDumps")!;
        expect(write.Action).to.deep.equal(["s3:PutObject", "s3:GetObject"]);
        expect(write.Resource).to.match(/\/pre-deploy\/\*$/);
        expect(statements.some((s) => [s.Action].flat().some((a) => /Delete/.test(a))), "no delete").to.equal(false);
    });

    it("exports how to run it as the stack output `backupTask`", async () => {
        const output = run.outputs.backupTask!;
        expect(output).to.include({ region: "eu-west-1", prefix: "pre-deploy/", dumpContainer: "dump" });
        expect(output.dumpCommand).to.deep.equal(["bash", "/etc/backup/backup.sh", "run"]);
        expect(await valueOf(output.taskDefinition)).to.equal(`${prefix}-backup`);
        expect(await valueOf(output.cluster)).to.equal(`${prefix}-cluster`);
    });
});
