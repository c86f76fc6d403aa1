import { expect } from "chai";
import { parse } from "yaml";
import { PLAIN_HTTP_JOBS, prometheusArgs, renderPrometheusConfig, SCRAPE_JOB_NAMES, scrapeJobs } from "../../../components/render/prometheus";
import { BASIC_AUTH_USERS, BLACKBOX_MODULES, JAEGER_PORTS, SECRET_FILES, workloadSpecs } from "../../../components/workloads/catalogue";
import { buildSettings } from "../../../components/settings/buildSettings";
import type { StackSettings } from "../../../components/settings/types";
import { renderInputs } from "../../support/renderInputs";

function settings(stack: string, values: Record<string, unknown> = {}): StackSettings {
    return buildSettings({ project: "service-stack", stack, values, secretKeys: new Set() });
}

const API_IMAGE = { api: "registry.example.com/api:1.0.0" };
const local = settings("dev");
const staging = settings("staging", {
    environment: "staging",
    domain: "staging.example.com",
    acmeEmail: "ops@example.com",
    images: API_IMAGE,
    prometheus: { scrapeInterval: "30s", evaluationInterval: "20s", retentionTime: "30d", retentionSize: "20GB" },
});
const production = settings("production", { environment: "production", images: API_IMAGE });
const productionOnAws = settings("production", { platform: "aws", environment: "production", domain: "example.com", dnsZone: "example.com", images: API_IMAGE, aws: { region: "eu-west-1", pullThroughCache: false } });

interface ParsedJob {
    job_name: string;
    scheme: string;
    metrics_path?: string;
    tls_config?: { ca_file: string; server_name: string; min_version: string };
    basic_auth?: { username: string; password_file: string };
    authorization?: { type: string; credentials_file: string };
    static_configs: { targets: string[]; labels?: Record<string, string> }[];
    relabel_configs?: { source_labels?: string[]; target_label: string; replacement?: string }[];
}

function jobsOf(s: StackSettings): Map<string, ParsedJob> {
    const config = parse(renderPrometheusConfig(renderInputs(s).prometheusConfig));
    return new Map((config.scrape_configs as ParsedJob[]).map((job) => [job.job_name, job]));
}

describe("renderPrometheusConfig", () => {
    const specs = workloadSpecs(local);

    describe("on AWS", () => {
        it("has no host or container job: Fargate has no Docker host, and their targets would never resolve", () => {
            const jobs = jobsOf(productionOnAws);
            expect([...jobs.keys()]).to.deep.equal(["prometheus", "alertmanager", "api", "postgres", "redis", "grafana", "jaeger", "blackbox"]);
        });

        it("scrapes every API task by its address from the file the discovery sidecar writes, verifying the API's name", () => {
            const api = jobsOf(productionOnAws).get("api")! as unknown as Record<string, unknown>;
            expect(api).to.not.have.property("static_configs");
            expect(api.file_sd_configs).to.deep.equal([{ files: ["/run/prometheus-sd/api.json"], refresh_interval: "1m" }]);
            expect(api.tls_config).to.deep.include({ server_name: "api.service-stack-production.internal" });
            // On Docker the one API container stays a fixed target.
            expect(jobsOf(local).get("api")!.static_configs).to.deep.equal([{ targets: ["api:8000"] }]);
        });

        it("probes the public hostnames on the load balancer's port 443, not the edge container's port", () => {
            const targets = jobsOf(productionOnAws).get("blackbox")!.static_configs.map((c) => c.targets[0]);
            expect(targets).to.deep.equal([
                "https://api.example.com/health/live",
                "https://grafana.example.com/api/health",
                "https://prometheus.example.com/-/healthy",
                "https://alertmanager.example.com/-/healthy",
                "https://jaeger.example.com/",
            ]);
        });
    });
    const jobs = jobsOf(local);

    it("takes the scrape and evaluation intervals from settings", () => {
        expect(parse(renderPrometheusConfig(renderInputs(local).prometheusConfig)).global).to.include({ scrape_interval: "15s", evaluation_interval: "15s" });
        expect(parse(renderPrometheusConfig(renderInputs(staging).prometheusConfig)).global).to.include({ scrape_interval: "30s", evaluation_interval: "20s" });
    });

    it("loads every rule file from the rules directory", () => {
        expect(parse(renderPrometheusConfig(renderInputs(local).prometheusConfig)).rule_files).to.deep.equal(["/etc/prometheus/rules/*.yml"]);
    });

    it("sends alerts to Alertmanager by alias over verified TLS with basic auth", () => {
        expect(parse(renderPrometheusConfig(renderInputs(local).prometheusConfig)).alerting).to.deep.equal({
            alertmanagers: [{
                scheme: "https",
                tls_config: { ca_file: "/etc/prometheus/tls/ca.crt", server_name: "alertmanager", min_version: "TLS12" },
                basic_auth: { username: BASIC_AUTH_USERS.alertmanager, password_file: SECRET_FILES.alertmanagerPassword },
                static_configs: [{ targets: ["alertmanager:9093"] }],
            }],
        });
    });

    it("has exactly one job per metric source, named as documented", () => {
        expect([...jobs.keys()]).to.deep.equal(["prometheus", "alertmanager", "api", "postgres", "redis", "grafana", "jaeger", "node", "cadvisor", "blackbox"]);
        expect([...jobs.keys()].sort()).to.deep.equal(Object.values(SCRAPE_JOB_NAMES).sort());
    });

    it("scrapes every workload that serves metrics, at its alias and port", () => {
        const targets = (name: string) => jobs.get(name)!.static_configs.flatMap((c) => c.targets);
        expect(targets("prometheus")).to.deep.equal([`${specs.prometheus.alias}:9090`]);
        expect(targets("alertmanager")).to.deep.equal([`${specs.alertmanager.alias}:9093`]);
        expect(targets("api")).to.deep.equal(["api:8000"]);
        expect(targets("postgres")).to.deep.equal(["postgres-exporter:9187"]);
        expect(targets("redis")).to.deep.equal(["redis-exporter:9121"]);
        expect(targets("grafana")).to.deep.equal(["grafana:3000"]);
        expect(targets("jaeger")).to.deep.equal([`jaeger:${JAEGER_PORTS.metrics}`]);
        expect(targets("node")).to.deep.equal(["node-exporter:9100"]);
        expect(targets("cadvisor")).to.deep.equal(["cadvisor:8080"]);
    });

    it("uses HTTPS with the internal CA and the target's alias as server name for every job but the documented plain-HTTP ones", () => {
        expect([...PLAIN_HTTP_JOBS].sort()).to.deep.equal(["cadvisor", "jaeger"]);
        for (const job of jobs.values()) {
            if (PLAIN_HTTP_JOBS.includes(job.job_name)) {
                expect(job.scheme, job.job_name).to.equal("http");
                expect(job, job.job_name).to.not.have.property("tls_config");
                continue;
            }
            expect(job.scheme, job.job_name).to.equal("https");
            const [address] = job.relabel_configs?.find((r) => r.target_label === "__address__")?.replacement?.split(":")
                ?? job.static_configs[0].targets[0].split(":");
            expect(job.tls_config, job.job_name).to.deep.equal({ ca_file: "/etc/prometheus/tls/ca.crt", server_name: address, min_version: "TLS12" });
        }
    });

    it("verifies TLS 1.3 as the minimum in production, on scrapes and towards Alertmanager", () => {
        const config = parse(renderPrometheusConfig(renderInputs(production).prometheusConfig));
        expect(config.alerting.alertmanagers[0].tls_config.min_version).to.equal("TLS13");
        for (const job of config.scrape_configs as ParsedJob[]) {
            if (job.tls_config) expect(job.tls_config.min_version, job.job_name).to.equal("TLS13");
        }
    });

    it("authenticates to Prometheus and Alertmanager with basic auth, the password from a file", () => {
        expect(jobs.get("prometheus")!.basic_auth).to.deep.equal({ username: "prometheus", password_file: "/run/secrets/prometheus-password" });
        expect(jobs.get("alertmanager")!.basic_auth).to.deep.equal({ username: "alertmanager", password_file: "/run/secrets/alertmanager-password" });
    });

    it("sends the API's metrics key as a bearer token from a file, at the configured path and scheme", () => {
        const api = jobs.get("api")!;
        expect(api.authorization).to.deep.equal({ type: "Bearer", credentials_file: "/run/secrets/api-metrics-token" });
        expect(api.metrics_path).to.equal("/metrics");
        const custom = jobsOf(settings("dev", { api: { scheme: "http", metricsPath: "/internal/metrics", port: 9000 } })).get("api")!;
        expect(custom).to.deep.equal({
            job_name: "api",
            scheme: "http",
            metrics_path: "/internal/metrics",
            authorization: { type: "Bearer", credentials_file: "/run/secrets/api-metrics-token" },
            static_configs: [{ targets: ["api:9000"] }],
        });
    });

    it("probes every public endpoint through the blackbox exporter, by public hostname on the edge's port", () => {
        const blackbox = jobsOf(staging).get("blackbox")!;
        expect(blackbox.metrics_path).to.equal("/probe");
        expect(blackbox.static_configs).to.deep.equal([
            { targets: ["https://api.staging.example.com:8443/health/live"], labels: { endpoint: "api", __param_module: BLACKBOX_MODULES.http2xx } },
            { targets: ["https://grafana.staging.example.com:8443/api/health"], labels: { endpoint: "grafana", __param_module: BLACKBOX_MODULES.http2xx } },
            { targets: ["https://prometheus.staging.example.com:8443/-/healthy"], labels: { endpoint: "prometheus", __param_module: BLACKBOX_MODULES.http401 } },
            { targets: ["https://alertmanager.staging.example.com:8443/-/healthy"], labels: { endpoint: "alertmanager", __param_module: BLACKBOX_MODULES.http401 } },
            { targets: ["https://jaeger.staging.example.com:8443/"], labels: { endpoint: "jaeger", __param_module: BLACKBOX_MODULES.http401 } },
        ]);
        expect(BLACKBOX_MODULES.http2xx).to.equal("http_2xx");
        expect(blackbox.relabel_configs).to.deep.equal([
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: "blackbox-exporter:9115" },
        ]);
    });

    it("never names localhost or a loopback address when a domain is set", () => {
        expect(renderPrometheusConfig(renderInputs(staging).prometheusConfig)).to.not.match(/localhost|127\.0\.0\.1|\[::1\]/);
    });

    it("addresses every target by alias or public hostname, never localhost or loopback, in the local default too", () => {
        const hosts = scrapeJobs(renderInputs(local).prometheusConfig.scrape).flatMap((job) => (job.static_configs ?? []).flatMap((c) => c.targets))
            .map((target) => new URL(target.includes("://") ? target : `tcp://${target}`).hostname);
        expect(hosts).to.have.length(14);
        for (const host of hosts) expect(host).to.not.match(/^(localhost|127\.|\[::1\]$)/);
    });

    it("holds no secret value, only file references", () => {
        const text = renderPrometheusConfig(renderInputs(local).prometheusConfig);
        expect(text).to.not.match(/password:|credentials:|bearer_token:/);
    });
});

describe("prometheusArgs", () => {
    it("points at the config, web config and TSDB, with the retention time from settings and no size cap by default", () => {
        expect(prometheusArgs(renderInputs(local).prometheusArgs)).to.deep.equal([
            "--config.file=/etc/prometheus/prometheus.yml",
            "--web.config.file=/etc/prometheus/web.yml",
            "--web.listen-address=:9090",
            "--web.external-url=https://prometheus.localhost:8443/",
            "--storage.tsdb.path=/prometheus",
            "--storage.tsdb.retention.time=15d",
        ]);
    });

    it("adds the retention size cap when one is configured", () => {
        const args = prometheusArgs(renderInputs(staging).prometheusArgs);
        expect(args).to.include("--storage.tsdb.retention.time=30d");
        expect(args).to.include("--storage.tsdb.retention.size=20GB");
        expect(args).to.include("--web.external-url=https://prometheus.staging.example.com/");
    });

    it("leaves the lifecycle and admin APIs off", () => {
        for (const s of [local, staging, production]) {
            expect(prometheusArgs(renderInputs(s).prometheusArgs).filter((a) => /enable-lifecycle|enable-admin-api/.test(a))).to.deep.equal([]);
        }
    });
});
