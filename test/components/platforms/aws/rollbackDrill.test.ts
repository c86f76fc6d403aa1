import { expect } from "chai";
import { recordingRegistrations } from "../../../../scripts/lib/offlineRun";
import { StackResource } from "../../../../scripts/lib/policyEngine";
import { unwrapSecrets } from "../../../../scripts/lib/validationArgs";
import { ON_AWS, RotatingMocks } from "../../../support/awsRun";
import { AwsStore, Reference } from "../../../support/awsStore";
import { runWithMocks } from "../../../../harness/runProgram";

const PREFIX = "service-stack-production";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const SECRET = "aws:secretsmanager/secret:Secret";

/** One revision of the production stack on AWS: every declared resource with its options and computed outputs. */
async function revision(rotated: readonly string[], overrides: Record<string, unknown> = {}): Promise<StackResource[]> {
    const { resources } = await recordingRegistrations(() => runWithMocks(new RotatingMocks(rotated), "production", { ...ON_AWS, ...overrides }));
    return resources;
}

/** Every object version and secret a task definition names: the init script's downloads, `secrets`, registry credentials. */
function references(task: StackResource): Reference[] {
    const defs = JSON.parse(String(unwrapSecrets(task.inputs.containerDefinitions))) as Record<string, any>[];
    const refs: Reference[] = [];
    for (const d of defs) {
        const bucket = (d.environment as { name: string; value: string }[]).find((e) => e.name === "CONFIG_BUCKET")?.value;
        for (const [, key, versionId] of String(d.command?.[0] ?? "").matchAll(/--key '([^']+)' --version-id '([^']+)'/g)) {
            refs.push({ kind: "object", bucket: bucket!, key: key!, versionId: versionId! });
        }
        for (const valueFrom of [...(d.secrets ?? []).map((s: { valueFrom: string }) => s.valueFrom), ...(d.repositoryCredentials ? [d.repositoryCredentials.credentialsParameter] : [])]) {
            const parts = String(valueFrom).split(":");
            refs.push({ kind: "secret", arn: parts.slice(0, 7).join(":"), ...(parts[9] ? { versionId: parts[9] } : {}) });
        }
    }
    return refs;
}

function taskOf(resources: readonly StackResource[], service: string): StackResource {
    return resources.find((r) => r.type === TASK && r.name === `${PREFIX}-${service}`)!;
}

describe("rollback drill on AWS (production under mocks): revision N+1 changes a config file and renews a certificate", () => {
    let n: StackResource[];
    let next: StackResource[];
    let store: AwsStore;
    let named: Reference[];
    const declaredSecretArns = (resources: readonly StackResource[]) => new Set(resources.filter((r) => r.type === SECRET).map((r) => String(unwrapSecrets(r.outputs.arn))));

    before(async () => {
        n = await revision([]);
        // N+1: Prometheus scrapes every 30 s (a new prometheus.yml) and its certificate is renewed (a new key and certificate).
        next = await revision([`${PREFIX}-ca-prometheus-key`, `${PREFIX}-ca-prometheus`], { prometheus: { scrapeInterval: "30s" } });
        store = AwsStore.deploy(n);
        store.update(n, next);
        named = n.filter((r) => r.type === TASK).flatMap(references);
    });

    it("really changed them: N+1's Prometheus task names a new prometheus.yml version and new key and certificate versions", () => {
        const before = references(taskOf(n, "prometheus"));
        const after = references(taskOf(next, "prometheus"));
        const version = (refs: Reference[], match: (r: Reference) => boolean) => refs.find(match);
        const config = (r: Reference) => r.kind === "object" && r.key === "prometheus/prometheus/etc/prometheus/prometheus.yml";
        const cert = (r: Reference) => r.kind === "object" && r.key === "prometheus/prometheus/etc/prometheus/tls/tls.crt";
        expect(version(after, config)).to.not.deep.equal(version(before, config));
        expect(version(after, cert)).to.not.deep.equal(version(before, cert));
        const keyArn = String(unwrapSecrets(next.find((r) => r.type === SECRET && r.name === `${PREFIX}-prometheus-prometheus-etc-prometheus-tls-tls-key`)!.outputs.arn));
        const key = (refs: Reference[]) => refs.find((r) => r.kind === "secret" && r.arn === keyArn) as { versionId?: string };
        expect(key(before).versionId).to.match(/^[0-9a-f]{36}$/);
        expect(key(after).versionId).to.match(/^[0-9a-f]{36}$/).and.not.equal(key(before).versionId);
    });

    it("still declares every object and stack secret that task definition N names (only RDS's own administrator secret is not the stack's)", () => {
        const objects = new Set(next.filter((r) => r.type === OBJECT).map((r) => { const i = unwrapSecrets(r.inputs) as Record<string, string>; return `${i.bucket}/${i.key}`; }));
        const secrets = declaredSecretArns(next);
        const undeclared = named.filter((r) => (r.kind === "object" ? !objects.has(`${r.bucket}/${r.key}`) : !secrets.has(r.arn)));
        expect(undeclared).to.have.length(1);
        expect(undeclared[0]).to.deep.include({ kind: "secret" }).and.not.have.property("versionId");
        expect((undeclared[0] as { arn: string }).arn).to.match(/:secret:rds!db-/);
        expect(named.filter((r) => r.kind === "object").length).to.be.greaterThan(30);
        expect(named.filter((r) => r.kind === "secret" && r.versionId).length).to.be.greaterThan(15);
    });

    it("can still read every object version and pinned secret version revision N names, right after N+1", () => {
        const stack = declaredSecretArns(n);
        const problems = named.filter((r) => r.kind === "object" || stack.has(r.arn)).map((r) => store.unreadable(r)).filter((p) => p !== undefined);
        expect(problems).to.deep.equal([]);
    });

    it("can still read N's object versions a year on: the lifecycle rule keeps the newest ten older versions however old", () => {
        store.advance(365);
        const problems = named.filter((r) => r.kind === "object").map((r) => store.unreadable(r)).filter((p) => p !== undefined);
        expect(problems).to.deep.equal([]);
    });

    describe("what the drill would catch", () => {
        const prometheusYml = (resources: readonly StackResource[]) => resources.find((r) => r.type === OBJECT && r.name.endsWith("-prometheus-prometheus-etc-prometheus-prometheus-yml"))!;
        const nPrometheusYml = () => references(taskOf(n, "prometheus")).find((r) => r.kind === "object" && r.key.endsWith("/prometheus.yml"))!;

        it("a file N+1 no longer declares stays readable because Pulumi only forgets it; deleting it would delete every version", () => {
            const dropped = next.filter((r) => r !== prometheusYml(next));
            const kept = AwsStore.deploy(n);
            kept.update(n, dropped);
            expect(kept.unreadable(nPrometheusYml())).to.equal(undefined);
            const deleting = AwsStore.deploy(n.map((r) => (r.type === OBJECT ? { ...r, retainOnDelete: false } : r)));
            deleting.update(n.map((r) => (r.type === OBJECT ? { ...r, retainOnDelete: false } : r)), dropped);
            expect(deleting.unreadable(nPrometheusYml())).to.match(/has no version/);
        });

        it("without the count rule, a revision untouched for 90 days would lose its files after the next change", () => {
            const noCount = (resources: StackResource[]) => resources.map((r) => (r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" && r.name.endsWith("-config")
                ? { ...r, inputs: { ...r.inputs, rules: [{ ...(unwrapSecrets(r.inputs) as any).rules[0], noncurrentVersionExpiration: { noncurrentDays: 90 } }] } }
                : r));
            const store90 = AwsStore.deploy(noCount(n));
            store90.update(noCount(n), noCount(next));
            store90.advance(120);
            expect(store90.unreadable(nPrometheusYml())).to.match(/expired under the lifecycle rule/);
        });

        it("marks where the window ends: after a second renewal N's key version has no label, and Secrets Manager may delete it", () => {
            const third = AwsStore.deploy(n);
            third.update(n, next);
            const keyRef = references(taskOf(n, "prometheus")).find((r) => r.kind === "secret" && r.arn.includes("/prometheus/prometheus/etc/prometheus/tls/tls.key-") && r.versionId)!;
            expect(third.unreadable(keyRef)).to.equal(undefined);
            // N+2 renews again: N's version loses AWSPREVIOUS to N+1's.
            const twice = next.map((r) => (r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.name.endsWith("-prometheus-prometheus-etc-prometheus-tls-tls-key")
                ? { ...r, inputs: { ...r.inputs, secretString: "renewed again" }, outputs: { ...r.outputs, versionId: "0000000000000000000000000000000000ff" } }
                : r));
            third.update(next, twice);
            expect(third.unreadable(keyRef)).to.match(/no staging label/);
        });
    });
});
