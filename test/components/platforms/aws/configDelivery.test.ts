import { expect } from "chai";
import { CONFIG_VERSION_RETENTION_DAYS, CONFIG_VERSIONS_KEPT } from "../../../../components/platforms/aws/ConfigBucket";
import { pinnedValueFrom, requireVersionId } from "../../../../components/platforms/aws/taskFiles";
import { renderInitScript } from "../../../../components/platforms/aws/initScript";
import { OfflineRun, recordStack } from "../../../../scripts/lib/offlineRun";
import { unwrapSecrets } from "../../../../scripts/lib/validationArgs";
import { ON_AWS } from "../../../support/awsRun";

const URN = "urn:pulumi:production::service-stack::aws:s3/bucketObjectv2:BucketObjectv2::x";
const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:service-stack-production/credentials/api-signing-key-20250101000000000000000001-AbCdEf";

describe("configuration and secrets a task definition names", () => {
    describe("object versions", () => {
        it("passes a version id through", () => {
            expect(requireVersionId("grafana/x.yml", "3HL4kqtJvjVBH40Nrjfkd", URN)).to.equal("3HL4kqtJvjVBH40Nrjfkd");
        });

        for (const missing of ["", undefined, "null"]) {
            it(`refuses ${JSON.stringify(missing)} (an upload made before versioning took effect), saying how to upload again`, () => {
                expect(() => requireVersionId("grafana/x.yml", missing, URN)).to.throw(`config object "grafana/x.yml" was stored without a version id (the bucket's versioning had not taken effect yet); a task definition must name object versions. Upload it again: \`pulumi up --replace '${URN}'\`.`);
            });
        }

        it("is refused by the init script too: it never asks S3 for version ''", () => {
            expect(() => renderInitScript([{ target: "/out/v/x.yml", source: { kind: "object", key: "grafana/x.yml", versionId: "" } }])).to.throw(/object "grafana\/x.yml" has no version id/);
        });
    });

    it("pins a secret in ECS's `arn:json-key:version-stage:version-id` form, the version id last", () => {
        expect(pinnedValueFrom(ARN, "0d1c2b3a-0000-4000-8000-000000000001")).to.equal(`${ARN}:::0d1c2b3a-0000-4000-8000-000000000001`);
        expect(() => pinnedValueFrom(ARN, "")).to.throw(/has no version id to pin/);
    });

    describe("in the production stack on AWS (offline run, with resource options)", () => {
        let run: OfflineRun;
        before(async () => {
            run = await recordStack("production", { ...ON_AWS });
        });
        const ofType = (type: string) => run.resources.filter((r) => r.type === type);

        it("uploads every configuration object only after the bucket's versioning is enabled (the provider waits for it)", () => {
            const versioning = ofType("aws:s3/bucketVersioning:BucketVersioning").find((r) => r.name === "service-stack-production-config")!;
            const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2");
            expect(objects.length).to.be.greaterThan(20);
            for (const o of objects) expect(o.dependencies, o.name).to.include(versioning.urn);
        });

        it("keeps objects and secret versions the program stops declaring: the provider would delete every version of an object", () => {
            for (const r of [...ofType("aws:s3/bucketObjectv2:BucketObjectv2"), ...ofType("aws:secretsmanager/secretVersion:SecretVersion")]) {
                expect(r.retainOnDelete, `${r.type} ${r.name}`).to.equal(true);
            }
            // Nothing stateful is merely forgotten: buckets, secrets and the rest are deleted (or protected) as before.
            expect(run.resources.filter((r) => r.retainOnDelete).map((r) => r.type).filter((t) => !t.includes("bucketObjectv2") && !t.includes("secretVersion"))).to.deep.equal([]);
        });

        it(`expires older object versions after ${CONFIG_VERSION_RETENTION_DAYS} days, but never the newest ${CONFIG_VERSIONS_KEPT}`, () => {
            const lifecycle = unwrapSecrets(ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((r) => r.name === "service-stack-production-config")!.inputs) as { rules: { noncurrentVersionExpiration: unknown }[] };
            expect(lifecycle.rules[0]!.noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 90, newerNoncurrentVersions: 10 });
        });
    });
});
