import { expect } from "chai";
import { ConfigError } from "../../components/settings/validate";
import { requiredSecrets, stackSettings, stackValues } from "../../harness/stackSettings";

const ON_ECR = (workload: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${workload.toLowerCase()}:${workload === "postgres" ? "17.6" : "1.0.0"}`;
const WORKLOADS = ["postgres", "redis", "api", "prometheus", "grafana", "alertmanager", "jaeger", "postgresExporter", "redisExporter", "nodeExporter", "cadvisor", "blackboxExporter", "edge"];
const ALL_FROM_ECR = Object.fromEntries(WORKLOADS.map((w) => [w, ON_ECR(w)]));

describe("harness: a stack's settings and secrets", () => {
    it("decodes the stack files as the runtime hands them over: JSON where it is JSON, plain strings as they are", () => {
        const values = stackValues("staging", { dnsTtl: 120 });
        expect(values.environment).to.equal("staging");
        expect(values.dnsTtl).to.equal(120);
        expect(values.alerting).to.deep.include({ slack: { channel: "#alerts-staging" } });
    });

    it("names the secrets each stack's receivers and registries need, registry keys first", () => {
        expect(requiredSecrets("dev")).to.deep.equal([]);
        expect(requiredSecrets("staging")).to.deep.equal(["slackWebhookUrl"]);
        expect(requiredSecrets("production")).to.deep.equal(["dockerHubAccessToken", "teamRegistryPassword", "slackWebhookUrl", "pagerdutyRoutingKey", "watchdogUrl"]);
        expect(requiredSecrets("production", { platform: "docker" })).to.deep.equal(["slackWebhookUrl", "pagerdutyRoutingKey", "watchdogUrl"]);
    });

    it("asks the settings validation, so a Docker Hub account needs its token even when no image comes from Docker Hub", () => {
        const overrides = { aws: { region: "eu-west-1", dockerHubUsername: "examplebot" }, images: ALL_FROM_ECR };
        expect(requiredSecrets("production", overrides)).to.deep.equal(["dockerHubAccessToken", "slackWebhookUrl", "pagerdutyRoutingKey", "watchdogUrl"]);
        expect(() => stackSettings("production", overrides, {})).to.throw(ConfigError, /dockerHubAccessToken` is required/);
    });

    it("needs every secret of an enabled receiver, and only those", () => {
        const email = { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587" };
        expect(requiredSecrets("dev", { alerting: { email } })).to.deep.equal([]);
        expect(requiredSecrets("dev", { alerting: { email: { ...email, username: "alerts" }, webhook: true } })).to.deep.equal(["webhookUrl", "smtpPassword"]);
    });

    it("throws the program's ConfigError for a configuration that is invalid whatever the secrets", () => {
        expect(() => requiredSecrets("dev", { dnsTtl: 5 })).to.throw(ConfigError, /dnsTtl/);
    });
});
