import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ConfigError } from "../../../../components/settings/validate";
import { FILES_FOR_LABEL, FILES_REVISION_LABEL } from "../../../../components/platforms/docker/fileDelivery";
import { KEY_MARKER, isSecretWrapper, mockId, RecordedResource, SECRET_MARKER, unwrap } from "../../../../harness/mocks";
import { ProgramRun, runProgram, valueOf } from "../../../../harness/runProgram";

const CONTAINER = "docker:index/container:Container";
const SERVICE_COMPONENTS = ["Postgres", "Redis", "Api", "Prometheus", "Grafana", "Alertmanager", "Jaeger", "Edge"];
const DATA_PORTS = [5432, 6379, 9090, 9093, 3000, 4317, 4318, 16686, 9187, 9121, 9100, 9115, 8080];

interface Upload { file: string; content: unknown; owner?: string; group?: string; permissions?: string }
interface ContainerInputs {
    name: string;
    user?: string;
    envs?: string[];
    uploads?: Upload[];
    ports?: { internal: number; external: number; ip?: string }[];
    volumes?: { hostPath?: string; volumeName?: string; containerPath: string; readOnly?: boolean }[];
    [key: string]: unknown;
}

function inputs(r: RecordedResource): ContainerInputs {
    return r.inputs as unknown as ContainerInputs;
}

/** Every string in `value` that contains `marker` outside a secret wrapper, with its path. */
function plainOccurrences(value: unknown, marker: string, path = "", inSecret = false): string[] {
    if (isSecretWrapper(value)) return plainOccurrences(value.value, marker, path, true);
    if (typeof value === "string") return !inSecret && value.includes(marker) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plainOccurrences(v, marker, `${path}[${i}]`, inSecret));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => plainOccurrences(v, marker, `${path}.${k}`, inSecret));
    }
    return [];
}

/**
 * A container's uploads with whether each is secret. When any content is a secret the engine marks the whole list
 * secret (Pulumi lifts an Output inside a list to the list), so a file counts as secret when its content or the
 * list is wrapped.
 */
function uploads(container: RecordedResource): (Upload & { isSecret: boolean })[] {
    const list = container.inputs.uploads;
    const listSecret = isSecretWrapper(list);
    const items = (listSecret ? list.value : list ?? []) as unknown[];
    return items.map((item) => {
        const itemSecret = isSecretWrapper(item);
        const u = (itemSecret ? item.value : item) as Upload;
        return { ...u, content: unwrap(u.content), isSecret: listSecret || itemSecret || isSecretWrapper(u.content) } as Upload & { isSecret: boolean };
    });
}

/** Never-started containers that only carry a workload's files into its volumes (components/platforms/docker/fileDelivery.ts). */
function isCarrier(c: RecordedResource): boolean {
    return c.inputs.start === false;
}

/** The carrier of the workload container `consumer`, found by its label. */
function carrierOf(run: ProgramRun, consumer: RecordedResource): RecordedResource {
    const found = run.mocks.ofType(CONTAINER).filter(isCarrier)
        .find((c) => (c.inputs.labels as { label: string; value: string }[]).some((l) => l.label === FILES_FOR_LABEL && l.value === inputs(consumer).name));
    if (!found) throw new Error(`no carrier delivers files to ${inputs(consumer).name}`);
    return found;
}

/** The content of `file` as delivered to the workload container. */
function upload(run: ProgramRun, consumer: RecordedResource, file: string): string {
    const found = uploads(carrierOf(run, consumer)).find((u) => u.file === file);
    if (!found) throw new Error(`${consumer.name} receives no file ${file}`);
    return String(unwrap(found.content));
}

function container(run: ProgramRun, suffix: string): RecordedResource {
    const found = run.mocks.ofType(CONTAINER).find((c) => !isCarrier(c) && inputs(c).name.endsWith(`-${suffix}`));
    if (!found) throw new Error(`no container named *-${suffix}`);
    return found;
}

interface Mount { type: string; source: string; target: string; readOnly?: boolean; volumeOptions?: { noCopy?: boolean } }

for (const stack of ["dev", "staging", "production"]) {
    describe(`the ${stack} stack under mocks`, function () {
        let run: ProgramRun;
        let containers: RecordedResource[];
        let carriers: RecordedResource[];
        before(async () => {
            run = await runProgram(stack, stack === "production" ? { platform: "docker" } : {});
            containers = run.mocks.ofType(CONTAINER).filter((c) => !isCarrier(c));
            carriers = run.mocks.ofType(CONTAINER).filter(isCarrier);
        });

        it("declares one component per service and the edge", () => {
            for (const service of SERVICE_COMPONENTS) {
                expect(run.mocks.ofType(`service-stack:docker:${service}`), service).to.have.length(1);
            }
            expect(containers.map((c) => inputs(c).name.replace(`service-stack-${stack}-`, "")).sort()).to.deep.equal([
                "alertmanager", "api", "backup", "blackbox-exporter", "cadvisor", "edge", "grafana", "jaeger", "node-exporter",
                "postgres", "postgres-exporter", "prometheus", "redis", "redis-exporter",
            ]);
        });

        it("delivers every workload's files through one never-started carrier on volumes the workload mounts read-only", () => {
            for (const c of containers) {
                const name = inputs(c).name;
                if (name.endsWith("-cadvisor")) {
                    expect(carriers.filter((k) => JSON.stringify(k.inputs.labels).includes(`"${name}"`)), name).to.deep.equal([]);
                    continue;
                }
                const carrier = carrierOf(run, c);
                expect(c.inputs.uploads, `${name} has no uploads of its own: its root is read-only`).to.equal(undefined);
                expect(carrier.inputs).to.deep.include({ start: false, mustRun: false, restart: "no", networkMode: "none", readOnly: false, image: c.inputs.image, user: c.inputs.user });
                expect(carrier.inputs.ports, name).to.equal(undefined);
                const carried = carrier.inputs.mounts as Mount[];
                const mounted = (c.inputs.mounts as Mount[]).filter((m) => m.type === "volume");
                expect(mounted.map((m) => [m.source, m.target]), name).to.deep.equal(carried.map((m) => [m.source, m.target]));
                for (const m of mounted) expect(m.readOnly, `${name} ${m.target}`).to.equal(true);
                for (const m of carried) expect(m.volumeOptions, `${name} ${m.target}`).to.deep.equal({ noCopy: true });
                for (const u of uploads(carrier)) {
                    expect(carried.some((m) => u.file.startsWith(`${m.target}/`)), `${name} ${u.file} lands in a carried volume`).to.equal(true);
                }
                const revision = (c.inputs.labels as { label: string; value: string }[]).find((l) => l.label === FILES_REVISION_LABEL);
                expect(revision?.value, name).to.equal(mockId(CONTAINER, carrier.name));
            }
            expect(carriers).to.have.length(containers.length - 1);
        });

        it("names each files volume after its consumer, directory and file set, and never protects it", () => {
            const volumes = run.mocks.ofType("docker:index/volume:Volume").filter((v) => String(v.inputs.name).includes("-files-"));
            const prometheus = volumes.filter((v) => String(v.inputs.name).startsWith(`service-stack-${stack}-prometheus-files-`)).map((v) => String(v.inputs.name).replace(/-[0-9a-f]{8}$/, ""));
            expect(prometheus.sort()).to.deep.equal([`service-stack-${stack}-prometheus-files-etc-prometheus`, `service-stack-${stack}-prometheus-files-run-secrets`]);
            for (const v of volumes) expect(JSON.stringify(v.inputs.labels), String(v.inputs.name)).to.contain('"com.service-stack.stateful","value":"false"');
            for (const v of volumes) expect(v.inputs.name, "a files volume is not state").not.to.match(/-data$/);
        });

        it("pulls every image by a pinned tag", () => {
            for (const image of run.mocks.ofType("docker:index/remoteImage:RemoteImage")) {
                expect(String(image.inputs.name)).to.match(/:[A-Za-z0-9_][A-Za-z0-9_.-]*(@sha256:[a-f0-9]{64})?$/).and.not.match(/:latest$/);
            }
        });

        it("applies the container baseline to every container", () => {
            for (const c of containers) {
                const i = c.inputs;
                const label = inputs(c).name;
                expect(i.privileged, label).to.equal(false);
                expect(i.capabilities, label).to.deep.include({ drops: ["ALL"] });
                expect(i.securityOpts, label).to.deep.equal(["no-new-privileges:true"]);
                expect(i.readOnly, label).to.equal(true);
                expect(i.memory, label).to.be.a("number").greaterThan(0);
                expect(i.cpuShares, label).to.be.a("number").greaterThan(0);
                expect(i.restart, label).to.equal("unless-stopped");
                expect(i.logDriver, label).to.equal("json-file");
                expect(i.logOpts, label).to.deep.equal({ "max-size": "10m", "max-file": "3" });
                const health = i.healthcheck as { tests: string[]; startPeriod: string };
                expect(health.tests.length, label).to.be.greaterThan(1);
                expect(health.startPeriod, label).to.match(/^\d+s$/);
                expect(i.networkMode, label).to.equal(undefined);
                expect(i.pidMode, label).to.equal(undefined);
                expect(i.ipcMode, label).to.equal(undefined);
            }
        });

        it("stops every container cleanly before removing it: a grace period for the provider's delete and for docker stop", () => {
            for (const c of containers) {
                expect(c.inputs.destroyGraceSeconds, inputs(c).name).to.be.a("number").at.least(30);
                expect(c.inputs.stopTimeout, inputs(c).name).to.equal(c.inputs.destroyGraceSeconds);
            }
            expect(container(run, "postgres").inputs).to.deep.include({ stopSignal: "SIGINT", destroyGraceSeconds: 120 });
            expect(container(run, "redis").inputs).to.deep.include({ destroyGraceSeconds: 60 });
        });

        it("runs as non-root except the two named exemptions", () => {
            const root = containers.filter((c) => /^0(:|$)/.test(String(inputs(c).user))).map((c) => inputs(c).name);
            expect(root).to.deep.equal([`service-stack-${stack}-cadvisor`, `service-stack-${stack}-edge`]);
        });

        it("mounts the Docker socket and host paths only into the metric sources", () => {
            for (const c of containers) {
                const hostPaths = (inputs(c).volumes ?? []).filter((v) => v.hostPath);
                if (!/-(cadvisor|node-exporter)$/.test(inputs(c).name)) expect(hostPaths, inputs(c).name).to.deep.equal([]);
                for (const v of hostPaths) expect(v.readOnly, `${inputs(c).name} ${v.hostPath}`).to.equal(true);
            }
        });

        it("publishes ports from the edge only, bound explicitly, never a data port", () => {
            const publishing = containers.filter((c) => (inputs(c).ports ?? []).length > 0);
            expect(publishing.map((c) => inputs(c).name)).to.deep.equal([`service-stack-${stack}-edge`]);
            const ports = inputs(publishing[0]).ports ?? [];
            const expected = stack === "dev" ? { ip: "127.0.0.1", http: 8080, https: 8443 } : { ip: "0.0.0.0", http: 80, https: 443 };
            expect(ports.map((p) => [p.ip, p.external])).to.deep.equal([[expected.ip, expected.http], [expected.ip, expected.https]]);
            for (const p of ports) expect(DATA_PORTS.filter((d) => d !== 8080)).not.to.include(p.external);
        });

        it("never puts a generated secret or private key in plain text anywhere", () => {
            for (const r of run.mocks.resources) {
                expect(plainOccurrences(r.inputs, SECRET_MARKER), `${r.type} ${r.name}`).to.deep.equal([]);
                expect(plainOccurrences(r.inputs, KEY_MARKER), `${r.type} ${r.name}`).to.deep.equal([]);
            }
        });

        it("never puts a generated secret in a container's environment, even wrapped", () => {
            for (const c of containers) {
                const env = JSON.stringify(unwrap(c.inputs.envs));
                expect(env, inputs(c).name).not.to.contain(SECRET_MARKER);
                expect(env, inputs(c).name).not.to.contain("BEGIN");
            }
        });

        it("uploads every secret file wrapped, mode 0400, owned by the process user", () => {
            let secretFiles = 0;
            for (const c of carriers) {
                const [uid] = String(inputs(c).user).split(":");
                for (const u of uploads(c)) {
                    if (u.file.startsWith("/run/secrets/") || u.file.endsWith(".key")) {
                        secretFiles++;
                        expect(u.isSecret, `${inputs(c).name} ${u.file}`).to.equal(true);
                        expect(u.permissions, `${inputs(c).name} ${u.file}`).to.equal("0400");
                        expect(u.owner, `${inputs(c).name} ${u.file}`).to.equal(uid);
                    }
                }
            }
            expect(secretFiles).to.be.greaterThan(20);
        });

        it("addresses services by alias, never localhost", () => {
            for (const c of containers) {
                // Public URLs under `*.localhost` are fine; a service address of localhost is the source documents' bug.
                for (const env of (unwrap(c.inputs.envs) as string[]) ?? []) expect(env, inputs(c).name).not.to.match(/(^[A-Z_]+=|\/\/|@)localhost\b|127\.0\.0\.1/);
            }
            const api = container(run, "api");
            const env = unwrap(api.inputs.envs) as string[];
            expect(env).to.include("DATABASE_HOST=postgres").and.include("REDIS_URL=rediss://redis:6379/0");
            expect(env).to.include("DATABASE_PASSWORD_FILE=/run/secrets/postgres-app-password");
        });

        it("keeps the data tier on the internal network", () => {
            const networks = run.mocks.ofType("docker:index/network:Network");
            const data = networks.find((n) => String(n.inputs.name).endsWith("-data"));
            expect(data?.inputs.internal).to.equal(true);
            const onData = (c: RecordedResource) => JSON.stringify(c.inputs.networksAdvanced).includes(`service-stack-${stack}-data`);
            const onEdge = (c: RecordedResource) => JSON.stringify(c.inputs.networksAdvanced).includes(`service-stack-${stack}-edge`);
            expect(onData(container(run, "postgres")) && !onEdge(container(run, "postgres"))).to.equal(true);
            expect(onData(container(run, "redis")) && !onEdge(container(run, "redis"))).to.equal(true);
            expect(onData(container(run, "edge"))).to.equal(false);
        });

        it("tells Grafana its admin password only through a file", () => {
            const env = unwrap(container(run, "grafana").inputs.envs) as string[];
            expect(env).to.include("GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password");
            expect(env.filter((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD="))).to.deep.equal([]);
        });

        it("scrapes every metric source from the rendered prometheus.yml", () => {
            const config = parse(upload(run, container(run, "prometheus"), "/etc/prometheus/prometheus.yml")) as { scrape_configs: { static_configs?: { targets: string[] }[]; relabel_configs?: { replacement?: string }[] }[] };
            // Probes name the probed URL as target and reach the exporter through a relabelled address.
            const targets = config.scrape_configs.flatMap((j) => [
                ...(j.static_configs ?? []).flatMap((s) => s.targets),
                ...(j.relabel_configs ?? []).map((r) => r.replacement ?? ""),
            ]).join(" ");
            for (const alias of ["prometheus", "alertmanager", "api", "postgres-exporter", "redis-exporter", "grafana", "jaeger", "node-exporter", "cadvisor", "blackbox-exporter"]) {
                expect(targets, alias).to.contain(alias);
            }
        });

        it("gives PostgreSQL a TLS-only, SCRAM-only pg_hba", () => {
            const hba = upload(run, container(run, "postgres"), "/etc/postgresql/pg_hba.conf");
            expect(hba).to.match(/^hostnossl\s+all\s+all\s+\S+\s+reject/m);
            expect(hba).not.to.match(/^host\s/m);
            expect(hba).not.to.match(/\b(trust|md5|password)\s*$/m);
        });

        it("gives Redis a TLS-only config", () => {
            const conf = upload(run, container(run, "redis"), "/usr/local/etc/redis/redis.conf");
            expect(conf).to.match(/^port 0$/m);
            expect(conf).to.match(/^tls-port 6379$/m);
        });

        it("exports the connection details as a secret", async () => {
            expect(await pulumi.isSecret(run.outputs.connection)).to.equal(true);
            expect(await valueOf(run.outputs.caCertificate)).to.contain("BEGIN CERTIFICATE");
        });

        it("protects stateful volumes exactly in production", () => {
            const volumes = run.outputs.stack.statefulVolumes;
            // PostgreSQL, Redis, Prometheus, Grafana, Alertmanager, the edge's certificates, and the backups.
            expect(volumes).to.have.length(7);
            for (const v of volumes) expect((v as unknown as { __protect?: boolean }).__protect ?? false).to.equal(stack === "production");
        });

        it("makes DNS records exactly when a zone is configured", () => {
            const records = run.mocks.ofType("aws:route53/record:Record");
            if (stack === "dev") {
                expect(records).to.deep.equal([]);
                expect(run.mocks.calls).to.deep.equal([]);
                expect(run.mocks.ofType("pulumi:providers:aws")).to.deep.equal([]);
                return;
            }
            const domain = stack === "staging" ? "staging.example.com" : "example.com";
            const address = stack === "staging" ? "203.0.113.10" : "203.0.113.20";
            expect(records.map((r) => r.inputs.name).sort()).to.deep.equal(["alertmanager", "api", "grafana", "jaeger", "prometheus"].map((h) => `${h}.${domain}`));
            for (const r of records) {
                expect(r.inputs).to.deep.include({ type: "A", ttl: 60, records: [address], zoneId: "Z0123456789EXAMPLE" });
            }
        });

        it("publishes the endpoints' URLs", () => {
            const port = stack === "dev" ? ":8443" : "";
            const domain = stack === "dev" ? "localhost" : stack === "staging" ? "staging.example.com" : "example.com";
            expect(run.outputs.publicUrls.grafana).to.equal(`https://grafana.${domain}${port}/`);
        });
    });
}

describe("bad configuration stops the program before any resource", () => {
    for (const [what, overrides, message] of [
        ["an unknown platform", { platform: "k8s" }, "`service-stack:platform` is \"k8s\""],
        ["an unpinned image", { images: { postgres: "postgres:latest" } }, "`service-stack:images.postgres` is \"postgres:latest\""],
        ["a malformed domain", { domain: "Example..com", acmeEmail: "ops@example.com" }, "`service-stack:domain` is \"Example..com\""],
    ] as const) {
        it(`fails on ${what}, naming it, with nothing declared`, async () => {
            let error: unknown;
            let declared = -1;
            try {
                await runProgram("dev", overrides as Record<string, unknown>);
            } catch (e) {
                error = e;
            }
            expect(error).to.be.instanceOf(ConfigError);
            expect((error as Error).message).to.contain(message);
            declared = (pulumi.runtime as unknown as { getMonitor(): { resources?: Map<string, unknown> } }).getMonitor()?.resources?.size ?? 0;
            expect(declared).to.equal(0);
        });
    }
});
