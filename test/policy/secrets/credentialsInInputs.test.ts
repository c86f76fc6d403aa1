import { expect } from "chai";
import { credentialShapeReason } from "../../../policy/lib/credentials";
import { disallowCredentialsInPlainInputs } from "../../../policy/policies/secrets/credentialsInInputs";
import { changed, compliantContainer, resource, secret, UNKNOWN, upload } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const API = {
    name: "api",
    image: "registry.example.com/api:1.4.2",
    environment: [{ name: "DATABASE_HOST", value: "db.internal" }, { name: "CONFIG_SHA256", value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }],
    secrets: [{ name: "DATABASE_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" }],
};
const task = resource(TASK, "stack-api", { family: "api", containerDefinitions: JSON.stringify([API]), executionRoleArn: "arn:aws:iam::123456789012:role/stack-api-execution" });
const withEnv = (name: string, value: unknown) => changed(task, (i) => { i.containerDefinitions = JSON.stringify([{ ...API, environment: [...API.environment, { name, value }] }]); });
const object = (content: unknown) => resource("aws:s3/bucketObjectv2:BucketObjectv2", "stack-prometheus-config", { bucket: "stack-config", key: "prometheus/prometheus.yml", content });
const container = compliantContainer();
const SLACK_HOOK = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx";
const PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";

specifyResourcePolicy(disallowCredentialsInPlainInputs, task, [
    { when: "a Slack webhook URL is in an ECS container's environment", input: withEnv("ALERT_HOOK", SLACK_HOOK), violations: [/^The input `containerDefinitions\[0\]\.environment\[2\]\.value` contains a Slack webhook URL\.$/] },
    { when: "an AWS access key ID is in a Docker container's label", input: changed(container, (i) => { i.labels.push({ label: "build", value: "AKIAIOSFODNN7EXAMPLE" }); }), violations: [/^The input `labels\[1\]\.value` contains an AWS access key ID\.$/] },
    { when: "a private key is in an S3 object's content", input: object(`global:\n  scrape_interval: 15s\n${PEM}`), violations: [/^The input `content` \(line 3\) contains a PEM private key\.$/] },
    { when: "a GitHub token is in a Lambda function's environment", input: resource("aws:lambda/function:Function", "stack-fn", { environment: { variables: { GH: "ghp_0123456789abcdefABCDEF0123456789abcd" } } }), violations: [/`environment\.variables\.GH` contains a GitHub token/] },
    { when: "a URL with a password is a plain SSM parameter", input: resource("aws:ssm/parameter:Parameter", "stack-dsn", { type: "String", value: "postgres://app:s3cret@db:5432/app" }), violations: [/`value` contains a URL with a password/] },
    { when: "a private key is uploaded world-readable into a container", input: changed(container, (i) => { i.uploads.push(upload("/etc/app/key.pem", PEM)); }), violations: [/`uploads\[3\]\.content` \(line 1\) contains a PEM private key/] },
    { when: "the credential is a Pulumi secret (a state export or the mocks keep the wrapper)", input: withEnv("ALERT_HOOK", secret(SLACK_HOOK)) },
    { when: "the URL with a password is a SecureString parameter", input: resource("aws:ssm/parameter:Parameter", "stack-dsn", { type: "SecureString", value: "postgres://app:s3cret@db:5432/app" }) },
    { when: "the webhook URL is a Secrets Manager secret's value, which the engine shows in plain text", input: resource("aws:secretsmanager/secretVersion:SecretVersion", "stack-slack", { secretId: "arn:aws:secretsmanager:eu-west-1:1:secret:slack", secretString: SLACK_HOOK }) },
    { when: "the private key is an upload private to its owner (0400)", input: changed(container, (i) => { i.uploads.push(upload("/etc/app/key.pem", PEM, true)); }) },
    { when: "the key is the one a certificate request is signed with", input: resource("tls:index/certRequest:CertRequest", "stack-ca-api-csr", { privateKeyPem: PEM, subject: { commonName: "api" } }) },
    { when: "a reviewed location is exempted with a reason", input: withEnv("ALERT_HOOK", SLACK_HOOK), config: { exemptions: [{ resourceName: "stack-api", location: "containerDefinitions[*].environment[2].value", reason: "a public test webhook, reviewed 2026-12" }] } },
    { when: "an exemption names another resource", input: withEnv("ALERT_HOOK", SLACK_HOOK), config: { exemptions: [{ resourceName: "stack-grafana", location: "containerDefinitions*", reason: "a public test webhook, reviewed 2026-12" }] }, violations: [/Slack webhook URL/] },
    { when: "the container definitions are unknown during preview", input: changed(task, (i) => { i.containerDefinitions = UNKNOWN.string; }) },
]);

describe("credential shapes", () => {
    it("recognises the common shapes: cloud keys, issuers' tokens, webhook URLs, passwords in URLs and connection strings", () => {
        for (const [value, what] of [
            ["AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"],
            ["AIzaSyA1234567890abcdefghijklmnopqrstuv", "a Google API key"],
            ["DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH==", "an Azure storage account key"],
            [SLACK_HOOK, "a Slack webhook URL"],
            ["https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz_ABCDEF", "a Discord webhook URL"],
            ["https://contoso.webhook.office.com/webhookb2/abc-def@ghi/IncomingWebhook/0123456789abcdef/xyz", "a Microsoft Teams webhook URL"],
            ["https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t", "a Google Chat webhook URL"],
            ["xoxb-123456789012-abcdefghijkl", "a Slack token"],
            ["github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "a GitHub token"],
            ["glpat-abcdefghij0123456789", "a GitLab token"],
            ["sk_live_0123456789abcdefABCD", "a Stripe key"],
            ["SG.abcdefghijklmnop.qrstuvwxyz0123456789", "a SendGrid key"],
            ["npm_abcdefghijklmnopqrstuvwxyz0123456789", "an npm token"],
            ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "a JSON Web Token"],
            ["host=db user=app password=s3cret sslmode=verify-full", "a password in a connection string (`password=…`)"],
            ["Authorization: Bearer abcdefghijklmnopqrstuvwx", "a bearer token"],
        ]) {
            expect(credentialShapeReason(value), value).to.equal(`contains ${what}`);
        }
    });

    it("leaves what the stack's own resources carry: ARNs, digests, file references, URLs without passwords", () => {
        for (const innocent of [
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password", "auth_password_file: /run/secrets/smtp-password", "rediss://redis:6379/0",
            "https://hooks.slack.example/services/not-slack", "postgres:5432/app?sslmode=verify-full", "Zq3vX9pL2mR7tY4wK8nB6cD1",
        ]) {
            expect(credentialShapeReason(innocent), innocent).to.equal(undefined);
        }
    });
});
