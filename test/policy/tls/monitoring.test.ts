import { stringify } from "yaml";
import { requireTlsScrapeTargets, requireWebConfigTlsAndAuth } from "../../../policy/policies/tls/monitoring";
import { changed, compliantContainer, encrypted, secret, upload } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const webConfig = (users: boolean, minVersion = "TLS12") => stringify({
    tls_server_config: { cert_file: "/etc/prometheus/tls/tls.crt", key_file: "/etc/prometheus/tls/tls.key", min_version: minVersion },
    ...(users ? { basic_auth_users: { prometheus: "$2a$10$abcdefghijklmnopqrstuv" } } : {}),
});
const prometheus = compliantContainer("service-stack-test-prometheus", {
    uploads: [{ ...upload("/etc/prometheus/web.yml", webConfig(true), true) }, upload("/etc/node_exporter/web.yml", webConfig(false))],
});
specifyResourcePolicy(requireWebConfigTlsAndAuth, prometheus, [
    { when: "Prometheus' web config has no basic auth", input: changed(prometheus, (i) => { i.uploads[0].content = secret(webConfig(false)); }), violations: [/\/etc\/prometheus\/web.yml has no `basic_auth_users`/] },
    { when: "an exporter's web config has no TLS", input: changed(prometheus, (i) => { i.uploads[1].content = "{}\n"; }), violations: [/node_exporter\/web.yml has no `tls_server_config`/] },
    { when: "TLS 1.2 is accepted where 1.3 is required", input: prometheus, config: { minTlsVersion: "1.3" }, violations: [/prometheus\/web.yml: `min_version` is TLS12/, /node_exporter\/web.yml: `min_version` is TLS12/] },
    { when: "the web config is not YAML", input: changed(prometheus, (i) => { i.uploads[1].content = "tls_server_config: [unclosed"; }), violations: [/is not valid YAML/] },
    { when: "the secret web config is encrypted in a state file", input: changed(prometheus, (i) => { i.uploads[0].content = encrypted(); }) },
]);

const promConfig = (jobs: Record<string, unknown>[]) => stringify({
    scrape_configs: jobs,
    alerting: { alertmanagers: [{ scheme: "https", tls_config: { ca_file: "/etc/prometheus/tls/ca.crt" }, static_configs: [{ targets: ["alertmanager:9093"] }] }] },
});
const JOBS = [
    { job_name: "prometheus", scheme: "https", tls_config: { ca_file: "/etc/prometheus/tls/ca.crt", server_name: "prometheus" } },
    { job_name: "cadvisor", scheme: "http", static_configs: [{ targets: ["cadvisor:8080"] }] },
];
const scraper = compliantContainer("service-stack-test-prometheus", { uploads: [upload("/etc/prometheus/prometheus.yml", promConfig(JOBS))] });
const cadvisorExempt = { exemptions: [{ scrapeJob: "cadvisor", reason: "cAdvisor has no TLS server (google/cadvisor#2539)" }] };
specifyResourcePolicy(requireTlsScrapeTargets, scraper, [
    { when: "a job without an exemption scrapes over HTTP", input: changed(scraper, (i) => { i.uploads[0].content = promConfig([...JOBS, { job_name: "api", scheme: "http" }]); }), violations: [/scrape job api uses plain HTTP/] },
    { when: "a job leaves the scheme at Prometheus' http default", input: changed(scraper, (i) => { i.uploads[0].content = promConfig([...JOBS, { job_name: "redis" }]); }), violations: [/scrape job redis uses plain HTTP/] },
    { when: "a job skips certificate verification", input: changed(scraper, (i) => { i.uploads[0].content = promConfig([{ ...JOBS[0], tls_config: { insecure_skip_verify: true } }, JOBS[1]]); }), violations: [/prometheus skips certificate verification/] },
    { when: "the cadvisor exemption is missing", input: scraper, config: { exemptions: [] }, violations: [/scrape job cadvisor uses plain HTTP/] },
], cadvisorExempt);
