import { expect } from "chai";
import { FILES_FOR_LABEL } from "../../../../components/platforms/docker/fileDelivery";
import { isSecretWrapper, RecordedResource, unwrap } from "../../../../harness/mocks";
import { EXAMPLE_SECRETS, ProgramRun, runProgram } from "../../../../harness/runProgram";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const S3_SECRETS = { ...EXAMPLE_SECRETS, backupS3AccessKeyId: "AKIAIOSFODNN7EXAMPLE", backupS3SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const OFFSITE = { backup: { offsite: { endpoint: "https://minio.internal.example:9000", region: "us-east-1", bucket: "acme-backups" } } };

interface Inputs {
    name: string;
    user: string;
    command?: string[];
    entrypoints?: string[];
    envs: string[];
    readOnly: boolean;
    capabilities: { drops: string[]; adds: string[] };
    securityOpts: string[];
    memory: number;
    volumes: { volumeName: string; containerPath: string; readOnly?: boolean }[];
    mounts: { source: string; target: string; readOnly: boolean }[];
    networksAdvanced: { name: string; aliases: string[] }[];
    healthcheck: { tests: string[] };
}

function byName(run: ProgramRun, type: string, name: string): RecordedResource {
    const found = run.mocks.ofType(type).find((r) => unwrap(r.inputs.name) === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
}

function inputsOf(r: RecordedResource): Inputs {
    return unwrap(r.inputs) as Inputs;
}

/** The files its carrier uploads: path, owner, mode, and whether the upload list is a secret. */
function carried(run: ProgramRun, consumer: string): { file: string; owner: string; permissions: string; content: string }[] {
    const carrier = run.mocks.ofType(CONTAINER).find((c) => (unwrap(c.inputs.labels) as { label: string; value: string }[]).some((l) => l.label === FILES_FOR_LABEL && l.value === consumer));
    if (!carrier) throw new Error(`no carrier for ${consumer}`);
    expect(isSecretWrapper(carrier.inputs.uploads), `${consumer}'s uploads hold a secret`).to.equal(true);
    return (unwrap(carrier.inputs.uploads) as { file: string; owner: string; permissions: string; content: string }[]).map((u) => ({ ...u, content: String(u.content) }));
}

describe("the backup job on Docker (components/platforms/docker/Backup.ts)", function () {
    let dev: ProgramRun;
    let production: ProgramRun;
    let withOffsite: ProgramRun;
    before(async () => {
        dev = await runProgram("dev");
        production = await runProgram("production", { platform: "docker" });
        withOffsite = await runProgram("dev", OFFSITE, S3_SECRETS);
    });

    it("runs the postgres image as its own user with the container baseline, on the data network only", () => {
        const job = inputsOf(byName(dev, CONTAINER, "service-stack-dev-backup"));
        expect(job.user).to.equal("999:999");
        expect(job.command).to.deep.equal(["bash", "/etc/backup/backup.sh", "schedule"]);
        expect(job.readOnly).to.equal(true);
        expect(job.capabilities).to.deep.equal({ drops: ["ALL"], adds: [] });
        expect(job.securityOpts).to.deep.equal(["no-new-privileges:true"]);
        expect(job.memory).to.equal(256);
        expect(job.networksAdvanced).to.deep.equal([{ name: "service-stack-dev-data", aliases: ["backup"] }]);
        expect(job.healthcheck.tests).to.deep.equal(["CMD", "bash", "/etc/backup/backup.sh", "health"]);
        expect(job.envs).to.deep.equal([]);
        const image = dev.mocks.ofType("docker:index/remoteImage:RemoteImage").find((r) => r.name === "service-stack-dev-backup-image");
        expect(unwrap(image?.inputs.name)).to.equal("postgres:18.1");
    });

    it("keeps the dumps on a volume of their own (protected in production), and its metrics in memory for node_exporter", () => {
        for (const [run, stack] of [[dev, "dev"], [production, "production"]] as const) {
            byName(run, VOLUME, `service-stack-${stack}-backup-data`);
            const declared = (run.outputs.stack.statefulVolumes as unknown as { __name: string; __protect?: boolean }[]).find((v) => v.__name === `service-stack-${stack}-backup-data`);
            expect(declared?.__protect ?? false, `${stack}: one of the stack's stateful volumes, protected in production`).to.equal(stack === "production");
            const metrics = inputsOf(byName(run, VOLUME, `service-stack-${stack}-backup-metrics`)) as unknown as { driver: string; driverOpts: Record<string, string> };
            expect(metrics.driverOpts).to.deep.equal({ type: "tmpfs", device: "tmpfs", o: "size=1m,uid=999,gid=999,mode=0755" });
            const job = inputsOf(byName(run, CONTAINER, `service-stack-${stack}-backup`));
            expect(job.volumes).to.deep.equal([
                { volumeName: `service-stack-${stack}-backup-data`, containerPath: "/var/lib/postgresql" },
                { volumeName: `service-stack-${stack}-backup-metrics`, containerPath: "/var/lib/backup-metrics" },
            ]);
            const node = inputsOf(byName(run, CONTAINER, `service-stack-${stack}-node-exporter`));
            expect(node.volumes).to.deep.include({ volumeName: `service-stack-${stack}-backup-metrics`, containerPath: "/var/lib/backup-metrics", readOnly: true });
            expect(node.command).to.include("--collector.textfile.directory=/var/lib/backup-metrics");
        }
    });

    it("delivers its script, the CA and its password file through a carrier, the password file 0400 for its user only", () => {
        const files = carried(dev, "service-stack-dev-backup");
        expect(files.map((f) => [f.file, f.owner, f.permissions])).to.deep.equal([
            ["/etc/backup/backup.sh", "0", "0444"],
            ["/etc/backup/tls/ca.crt", "0", "0444"],
            ["/run/secrets/backup-pgpass", "999", "0400"],
        ]);
        const password = unwrap(dev.mocks.stateOf("random:index/randomPassword:RandomPassword", "service-stack-dev-secrets-postgres-backup").result);
        expect(files[2]!.content).to.equal(`postgres:5432:app:postgres_backup:${String(password)}\n`);
        // The postgres container gets the same password for the role script, and the script itself.
        const postgres = carried(dev, "service-stack-dev-postgres");
        expect(postgres.find((f) => f.file === "/run/secrets/postgres-backup-password")).to.deep.include({ owner: "999", permissions: "0400", content: String(password) });
        expect(postgres.map((f) => f.file)).to.include("/docker-entrypoint-initdb.d/20-backup-role.sh");
    });

    it("declares no off-host copy unless `backup.offsite` is set", () => {
        expect(dev.mocks.ofType(CONTAINER).map((c) => String(unwrap(c.inputs.name))).filter((n) => n.includes("offsite"))).to.deep.equal([]);
    });

    it("copies off the host from the AWS CLI's image on the edge network, dumps read-only, credentials as a 0400 file", () => {
        const copy = inputsOf(byName(withOffsite, CONTAINER, "service-stack-dev-backup-offsite"));
        expect(copy.user).to.equal("999:999");
        expect(copy.entrypoints).to.deep.equal(["bash"]);
        expect(copy.command).to.deep.equal(["/etc/backup-offsite/offsite.sh"]);
        expect(copy.networksAdvanced).to.deep.equal([{ name: "service-stack-dev-edge", aliases: ["backup-offsite"] }]);
        expect(copy.volumes).to.deep.equal([
            { volumeName: "service-stack-dev-backup-data", containerPath: "/var/lib/postgresql", readOnly: true },
            { volumeName: "service-stack-dev-backup-metrics", containerPath: "/var/lib/backup-metrics" },
        ]);
        expect(copy.envs).to.deep.equal(["HOME=/tmp", "AWS_CONFIG_FILE=/etc/backup-offsite/aws-config", "AWS_SHARED_CREDENTIALS_FILE=/run/secrets/backup-s3-credentials"]);
        const files = carried(withOffsite, "service-stack-dev-backup-offsite");
        expect(files.find((f) => f.file === "/run/secrets/backup-s3-credentials")).to.deep.equal({
            file: "/run/secrets/backup-s3-credentials", owner: "999", group: "999", permissions: "0400",
            content: `[default]\naws_access_key_id = ${S3_SECRETS.backupS3AccessKeyId}\naws_secret_access_key = ${S3_SECRETS.backupS3SecretAccessKey}\n`,
        });
        const image = withOffsite.mocks.ofType("docker:index/remoteImage:RemoteImage").find((r) => r.name === "service-stack-dev-backup-offsite-image");
        expect(unwrap(image?.inputs.name)).to.equal("amazon/aws-cli:2.27.0");
    });

    it("renders the backup alerts per destination with `backup.maxAgeHours`", () => {
        const rules = carried(withOffsite, "service-stack-dev-prometheus").find((f) => f.file === "/etc/prometheus/rules/backup.yml")!.content;
        expect(rules).to.contain('time() - max by (destination) (backup_last_success_timestamp_seconds or label_replace(vector(0), "destination", "volume", "", "") or label_replace(vector(0), "destination", "s3", "", "")) > 26 * 3600');
    });
});
