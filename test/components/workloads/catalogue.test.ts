import { expect } from "chai";
import { NOT_ON_AWS, PROMETHEUS_TASK_SIDECARS, serviceNamespace, servingSpecs, workloadSpecs } from "../../../components/workloads/catalogue";
import { buildSettings } from "../../../components/settings/buildSettings";
import { WORKLOADS } from "../../../components/settings/types";

const docker = buildSettings({ project: "service-stack", stack: "production", values: { environment: "production", images: { api: "registry.example.com/api:1.4.2" } }, secretKeys: new Set() });
const aws = buildSettings({
    project: "service-stack",
    stack: "production",
    values: { platform: "aws", environment: "production", domain: "example.com", dnsZone: "example.com", images: { api: "registry.example.com/api:1.4.2" }, aws: { region: "eu-west-1", pullThroughCache: false } },
    secretKeys: new Set(),
});

describe("workloadSpecs", () => {
    it("keeps the Docker network aliases on Docker", () => {
        expect(Object.fromEntries(WORKLOADS.map((w) => [w, workloadSpecs(docker)[w].alias]))).to.deep.equal({
            postgres: "postgres", redis: "redis", api: "api", prometheus: "prometheus", grafana: "grafana", alertmanager: "alertmanager",
            jaeger: "jaeger", postgresExporter: "postgres-exporter", redisExporter: "redis-exporter", nodeExporter: "node-exporter",
            cadvisor: "cadvisor", blackboxExporter: "blackbox-exporter", edge: "edge", backup: "backup", backupOffsite: "backup-offsite",
        });
    });

    it("gives the backup job and its off-host copy no port and no certificate, only the CA, and the postgres image's user", () => {
        const specs = workloadSpecs(docker);
        expect(specs.backup).to.deep.equal({ alias: "backup", user: "999:999", ca: "/etc/backup/tls/ca.crt" });
        expect(specs.backupOffsite).to.deep.equal({ alias: "backup-offsite", user: "999:999", ca: "/etc/backup-offsite/tls/ca.crt" });
        expect(Object.keys(servingSpecs(specs))).to.not.include.members(["backup", "backupOffsite"]);
    });

    it("names services in the stack's Cloud Map namespace on AWS", () => {
        expect(serviceNamespace(aws)).to.equal("service-stack-production.internal");
        const specs = workloadSpecs(aws);
        for (const service of ["postgres", "redis", "api", "prometheus", "grafana", "alertmanager", "jaeger"] as const) {
            expect(specs[service].alias).to.equal(`${service}.service-stack-production.internal`);
        }
    });

    it("reaches the Prometheus task's sidecar exporters by the task's name", () => {
        for (const sidecar of PROMETHEUS_TASK_SIDECARS) expect(workloadSpecs(aws)[sidecar].alias).to.equal("prometheus.service-stack-production.internal");
    });

    it("leaves the workloads AWS does not run with their Docker names", () => {
        for (const w of NOT_ON_AWS) expect(workloadSpecs(aws)[w].alias).to.equal(workloadSpecs(docker)[w].alias);
    });

    it("changes nothing but aliases between platforms", () => {
        for (const w of WORKLOADS) {
            const { alias: _a, ...onAws } = workloadSpecs(aws)[w];
            const { alias: _d, ...onDocker } = workloadSpecs(docker)[w];
            expect(onAws, w).to.deep.equal(onDocker);
        }
    });
});
