import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { recordStack } from "../../scripts/lib/offlineRun";
import type { StackResource } from "../../scripts/lib/policyEngine";
import { runCli } from "../../scripts/policy";
import { ON_AWS } from "../support/awsRun";
import { toStackExport } from "../support/stackExportWriter";

async function audit(resources: readonly StackResource[]): Promise<{ code: number; stdout: string }> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-aws-")), "state.json");
    fs.writeFileSync(file, toStackExport(resources));
    let stdout = "";
    const code = await runCli(["audit", file], { stdout: (t) => { stdout += t; }, stderr: (t) => { stdout += t; } });
    return { code, stdout };
}

/** A copy of `resources` with the one named `name` of `type` changed by `edit` (inputs and outputs alike). */
function edited(resources: readonly StackResource[], type: string, name: string, edit: (props: Record<string, any>) => void): StackResource[] {
    let found = false;
    const result = resources.map((r) => {
        if (r.type !== type || r.name !== name) return r;
        found = true;
        const inputs = structuredClone(r.inputs) as Record<string, any>;
        edit(inputs);
        const outputs = structuredClone(r.outputs) as Record<string, any>;
        edit(outputs);
        return { ...r, inputs, outputs };
    });
    if (!found) throw new Error(`no ${type} ${name}`);
    return result;
}

const P = "service-stack-production";

describe("npm run policy -- audit on an AWS production export the tests build", function () {
    this.timeout(60000);
    let resources: StackResource[];
    before(async () => {
        resources = (await recordStack("production", { ...ON_AWS })).resources;
    });

    it("passes the program's own production state with no finding", async () => {
        const out = await audit(resources);
        expect(out.code, out.stdout).to.equal(0);
        expect(out.stdout).to.match(/Result: 0 mandatory, 0 errors, 0 advisory, 0 exempt: PASS$/m);
    });

    it("flags each class the pack now checks: credentials in an ECS definition and an S3 object, a bucket without access logs, unencrypted EFS, an unprotected load balancer, public task IPs", async () => {
        let broken = edited(resources, "aws:ecs/taskDefinition:TaskDefinition", `${P}-api`, (i) => {
            const defs = JSON.parse(i.containerDefinitions) as { name: string; environment: { name: string; value: string }[] }[];
            defs.find((d) => d.name === "api")!.environment.push({ name: "ALERT_HOOK", value: "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx" });
            i.containerDefinitions = JSON.stringify(defs);
        });
        broken = edited(broken, "aws:s3/bucketObjectv2:BucketObjectv2", `${P}-prometheus-prometheus-etc-prometheus-prometheus-yml`, (i) => { i.content = `${String(i.content)}# aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n`; });
        broken = broken.filter((r) => !(r.type === "aws:s3/bucketLogging:BucketLogging" && r.name === `${P}-config`));
        broken = edited(broken, "aws:efs/fileSystem:FileSystem", `${P}-cluster`, (i) => { i.encrypted = false; delete i.kmsKeyId; });
        broken = edited(broken, "aws:lb/loadBalancer:LoadBalancer", `${P}-lb`, (i) => { i.enableDeletionProtection = false; });
        broken = edited(broken, "aws:ecs/service:Service", `${P}-grafana`, (i) => { i.networkConfiguration.assignPublicIp = true; });

        const out = await audit(broken);
        expect(out.code).to.equal(1);
        for (const expected of [
            /disallow-credentials-in-plain-inputs\s+service-stack-production-api \(TaskDefinition\)\s+mandatory\s+The input `containerDefinitions\[\d\]\.environment\[\d+\]\.value` contains a Slack webhook URL\./,
            /disallow-credentials-in-plain-inputs\s+service-stack-production-prometheus-prometheus-etc-prometheus-prometheus-yml \(BucketObjectv2\)\s+mandatory\s+The input `content` \(line \d+\) contains an AWS access key ID\./,
            /require-s3-access-logging\s+service-stack-production-config \(Bucket\)\s+mandatory\s+Bucket service-stack-production-config has no server access logging/,
            /require-efs-encryption\s+service-stack-production-cluster \(FileSystem\)\s+mandatory\s+The file system is not encrypted at rest/,
            /require-lb-deletion-protection\s+service-stack-production-lb \(LoadBalancer\)\s+mandatory\s+Deletion protection is off/,
            /disallow-ecs-public-ip\s+service-stack-production-grafana \(Service\)\s+mandatory\s+Tasks get public IP addresses/,
        ]) {
            expect(out.stdout).to.match(expected);
        }
        expect(out.stdout).to.match(/^Result: 6 mandatory, 0 errors, 0 advisory, 0 exempt: FAIL/m);
    });
});
