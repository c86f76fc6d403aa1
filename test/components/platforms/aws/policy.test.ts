import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../../../../policy/policies";
import { OfflineRun, recordStack } from "../../../../scripts/lib/offlineRun";
import { reconcileConfig } from "../../../../scripts/lib/packConfig";
import { evaluate, Evaluation, StackResource } from "../../../../scripts/lib/policyEngine";
import { unwrapSecrets } from "../../../../scripts/lib/validationArgs";
import { ON_AWS } from "../../../support/awsRun";

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "..", "..", "policy", "config");

async function judge(resources: readonly StackResource[], environment: string): Promise<Evaluation> {
    const config = reconcileConfig(allPolicies, JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${environment}.json`), "utf8")));
    return evaluate(allPolicies, resources, config);
}

function findings(evaluation: Evaluation): string[] {
    return evaluation.findings.map((f) => `${f.policy} ${f.level} ${f.resource}: ${f.message}`);
}

/** A copy of the run with one resource's inputs (and outputs) edited, as a hand-made change would look. */
function edited(run: OfflineRun, type: string, name: string, edit: (inputs: Record<string, any>) => void): StackResource[] {
    return run.resources.map((r) => {
        if (r.type !== type || r.name !== name) return r;
        const inputs = structuredClone(unwrapSecrets(r.inputs)) as Record<string, any>;
        edit(inputs);
        return { ...r, inputs, outputs: inputs };
    });
}

describe("the policy pack on the AWS platform (offline check, program under mocks)", () => {
    let production: OfflineRun;
    before(async () => {
        production = await recordStack("production", { ...ON_AWS });
    });

    it("passes production with no finding at all: no mandatory violation, no advisory, no exemption", async () => {
        expect(findings(await judge(production.resources, "production"))).to.deep.equal([]);
    });

    it("passes staging with only the advisories staging accepts (single-AZ database and cache, no deletion protection)", async () => {
        const staging = await recordStack("staging", { ...ON_AWS });
        expect(findings(await judge(staging.resources, "staging"))).to.deep.equal([
            "require-rds-deletion-protection advisory service-stack-staging-postgres: Deletion protection is off.",
            "require-rds-multi-az advisory service-stack-staging-postgres: The instance is single-AZ.",
            "require-elasticache-failover advisory service-stack-staging-redis: Automatic failover is off.",
            "require-elasticache-failover advisory service-stack-staging-redis: Multi-AZ is off.",
        ]);
    });

    it("evaluated the AWS resources the policies are about", () => {
        const types = new Set(production.resources.map((r) => r.type));
        for (const type of ["aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:ecs/taskDefinition:TaskDefinition", "aws:lb/listener:Listener", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup", "aws:secretsmanager/secret:Secret"]) {
            expect(types.has(type), type).to.equal(true);
        }
        const stateful = production.resources.filter((r) => ["aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:efs/fileSystem:FileSystem", "aws:s3/bucket:Bucket", "aws:kms/key:Key"].includes(r.type));
        expect(stateful).to.have.length(7);
        expect(stateful.every((r) => r.protect)).to.equal(true);
    });

    for (const [policy, type, name, edit] of [
        ["disallow-ecs-plaintext-secrets", "aws:ecs/taskDefinition:TaskDefinition", "service-stack-production-api", (i: Record<string, any>) => {
            const defs = JSON.parse(i.containerDefinitions);
            defs.find((d: { name: string }) => d.name === "api").environment.push({ name: "DATABASE_PASSWORD", value: "hunter2" });
            i.containerDefinitions = JSON.stringify(defs);
        }],
        ["require-ecs-container-hardening", "aws:ecs/taskDefinition:TaskDefinition", "service-stack-production-prometheus", (i: Record<string, any>) => {
            // The root init container keeping DAC_OVERRIDE could read and write any file: no longer a bare hand-over.
            i.containerDefinitions = JSON.stringify(JSON.parse(i.containerDefinitions).map((d: Record<string, any>) => (d.name === "config-init"
                ? { ...d, linuxParameters: { ...d.linuxParameters, capabilities: { drop: d.linuxParameters.capabilities.drop.filter((c: string) => c !== "DAC_OVERRIDE") } } }
                : d)));
        }],
        ["require-ecs-container-hardening", "aws:ecs/taskDefinition:TaskDefinition", "service-stack-production-grafana", (i: Record<string, any>) => {
            i.containerDefinitions = JSON.stringify(JSON.parse(i.containerDefinitions).map((d: Record<string, unknown>) => (d.name === "grafana" ? { ...d, user: "0:0" } : d)));
        }],
        ["restrict-security-group-ingress", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "service-stack-production-cluster-tasks-prometheus", (i: Record<string, any>) => {
            delete i.referencedSecurityGroupId;
            i.cidrIpv4 = "0.0.0.0/0";
        }],
        ["require-rds-multi-az", "aws:rds/instance:Instance", "service-stack-production-postgres", (i: Record<string, any>) => { i.multiAz = false; }],
        ["disallow-anonymous-docker-hub-pulls", "aws:ecs/taskDefinition:TaskDefinition", "service-stack-production-grafana", (i: Record<string, any>) => {
            i.containerDefinitions = JSON.stringify(JSON.parse(i.containerDefinitions).map((d: Record<string, unknown>) => (d.name === "grafana" ? { ...d, image: "grafana/grafana:12.2.1" } : d)));
        }],
        ["require-valid-aws-names", "aws:lb/targetGroup:TargetGroup", "service-stack-production-lb-alertmanager", (i: Record<string, any>) => { delete i.name; }],
        ["require-valid-security-group-descriptions", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "service-stack-production-redis-from-tasks", (i: Record<string, any>) => { i.description = "Redis from the stack's tasks"; }],
    ] as const) {
        it(`${policy} catches the production run's ${name} edited to break it`, async () => {
            const found = findings(await judge(edited(production, type, name, edit), "production"));
            expect(found.length, JSON.stringify(found)).to.equal(1);
            expect(found[0]).to.match(new RegExp(`^${policy} mandatory ${name}: `));
        });
    }
});
