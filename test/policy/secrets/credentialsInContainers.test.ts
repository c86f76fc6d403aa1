import { expect } from "chai";
import { credentialLikeReason, isCredentialName, looksRandom } from "../../../policy/lib/credentials";
import { parseMode } from "../../../policy/lib/docker";
import { disallowCredentialValues, disallowPlaintextCredentialEnv } from "../../../policy/policies/secrets/credentialsInContainers";
import { RANDOM_PASSWORD, requireGrafanaAdminPasswordFile, requireMinimumPasswordLength } from "../../../policy/policies/secrets/passwords";
import { requirePrivateSecretFiles } from "../../../policy/policies/secrets/secretFiles";
import { changed, compliantContainer, encrypted, resource, secret, UNKNOWN, upload } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();
const password = (length: unknown) => resource(RANDOM_PASSWORD, "stack-secrets-redis", { length, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });

specifyResourcePolicy(requireMinimumPasswordLength, password(32), [
    { when: "a password is shorter than the minimum", input: password(16), violations: [/length 16 is below the minimum of 24/] },
    { when: "a 24-character password meets the default minimum", input: password(24) },
    { when: "a 24-character password is below production's 32", input: password(24), config: { minLength: 32 }, violations: [/below the minimum of 32/] },
    { when: "the length is unknown during preview", input: password(UNKNOWN.number), unknown: true },
]);

describe("file modes", () => {
    it("parses octal modes with or without a leading 0 or 0o, and rejects anything else", () => {
        expect([parseMode("0400"), parseMode("600"), parseMode("0o640"), parseMode("rw-------")]).to.deep.equal([0o400, 0o600, 0o640, NaN]);
    });
});

specifyResourcePolicy(requirePrivateSecretFiles, base, [
    { when: "a /run/secrets file is group-readable", input: changed(base, (i) => { i.uploads[2].permissions = "0640"; }), violations: [/postgres-superuser-password has mode 0640/] },
    { when: "a key file has no mode (the provider's 0644)", input: changed(base, (i) => { delete i.uploads[1].permissions; }), violations: [/tls.key has mode \(default 0644\)/] },
    { when: "a private key is uploaded under an innocent name", input: changed(base, (i) => { i.uploads.push(upload("/etc/app/server.pem", "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n")); }), violations: [/server.pem has mode 0444/] },
    { when: "a secret file is 0600", input: changed(base, (i) => { i.uploads[2].permissions = "0600"; }) },
    { when: "a secret file is executable by its owner (0700)", input: changed(base, (i) => { i.uploads[2].permissions = "0700"; }), violations: [/0700/] },
    { when: "a secret's content is encrypted (state file) and its mode is fine", input: changed(base, (i) => { i.uploads[2].content = encrypted(); }) },
    { when: "a certificate (public) is world-readable", input: base },
    { when: "the whole uploads list is encrypted in a state file", input: changed(base, (i) => { i.uploads = encrypted(); }) },
]);

describe("credential heuristics", () => {
    it("recognises credential names by token, and lets *_FILE names point at files", () => {
        expect(["DB_PASSWORD", "API_TOKEN", "JWT_SIGNING_KEY", "aws-secret", "REDIS_PASS"].map((n) => isCredentialName(n))).to.deep.equal([true, true, true, true, true]);
        expect(["DB_PASSWORD_FILE", "GF_SECURITY_ADMIN_PASSWORD__FILE", "MONKEY_BUSINESS", "KEYBOARD", "GF_AUTH_ANONYMOUS_ENABLED"].map((n) => isCredentialName(n))).to.deep.equal([false, false, false, false, false]);
    });

    it("flags key material, AWS keys, URL passwords and random tokens, but not paths, URLs or flags", () => {
        expect(credentialLikeReason("-----BEGIN RSA PRIVATE KEY-----\nMII")).to.match(/PEM private key/);
        expect(credentialLikeReason("AKIAIOSFODNN7EXAMPLE")).to.match(/AWS access key/);
        expect(credentialLikeReason("postgres://app:s3cret@postgres:5432/app")).to.match(/URL with a password/);
        expect(credentialLikeReason("Zq3vX9pL2mR7tY4wK8nB6cD1")).to.match(/random-looking 24-character/);
        for (const innocent of ["/etc/postgres_exporter/tls/ca.crt", "rediss://redis:6379/0", "--auth-local=scram-sha-256 --auth-host=scram-sha-256 --data-checksums",
            "https://grafana.staging.example.com", "--housekeeping_interval=15s", "--disable_metrics=percpu,sched,tcp,udp,disk,diskIO,hugetlb", "k8s-node-exporter-2025-11-03-release-candidate", "postgres:5432/app?sslmode=verify-full&sslrootcert=/etc/postgres_exporter/tls/ca.crt", "OTEL_EXPORTER_OTLP_CERTIFICATE"]) {
            expect(credentialLikeReason(innocent), innocent).to.equal(undefined);
        }
    });

    it("needs mixed case and digits before calling a non-hex token random", () => {
        expect(looksRandom("Zq3vX9pL2mR7tY4wK8nB6cD1")).to.equal(true);
        expect(looksRandom("zq3vx9pl2mr7ty4wk8nb6cd1")).to.equal(false);
    });

    it("judges hex tokens against hex's own maximum entropy", () => {
        expect(looksRandom("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).to.equal(true);
        expect(looksRandom("0000000000000000000000000000000a")).to.equal(false);
    });
});

const withEnv = (...envs: unknown[]) => changed(base, (i) => { i.envs.push(...envs); });
specifyResourcePolicy(disallowPlaintextCredentialEnv, base, [
    { when: "a password is passed as a value", input: withEnv("POSTGRES_PASSWORD=hunter2"), violations: [/POSTGRES_PASSWORD carries a credential/] },
    { when: "a credential variable holds a secret-wrapped value", input: withEnv(secret("API_TOKEN=abc")), violations: [/API_TOKEN/] },
    { when: "a credential variable's value is encrypted in state", input: changed(base, (i) => { i.envs = [encrypted()]; }) },
    { when: "a KEY variable names a file path", input: withEnv("GF_SERVER_CERT_KEY=/etc/grafana/tls/tls.key") },
    { when: "a reviewed name is allowed", input: withEnv("PUBLIC_KEY_ID=k-123"), config: { allowedNames: ["PUBLIC_KEY_ID"] } },
    { when: "an env entry is unknown during preview", input: withEnv(UNKNOWN.string) },
]);

specifyResourcePolicy(disallowCredentialValues, base, [
    { when: "an env value holds an AWS access key", input: withEnv("S3_ACCESS=AKIAIOSFODNN7EXAMPLE"), violations: [/env S3_ACCESS contains an AWS access key/] },
    { when: "a label holds a private key", input: changed(base, (i) => { i.labels.push({ label: "tls", value: "-----BEGIN PRIVATE KEY-----" }); }), violations: [/label tls contains a PEM private key/] },
    { when: "the command carries a random token", input: changed(base, (i) => { i.command.push("--requirepass", "Zq3vX9pL2mR7tY4wK8nB6cD1"); }), violations: [/command contains a random-looking/] },
    { when: "a healthcheck embeds a URL password", input: changed(base, (i) => { i.healthcheck.tests = ["CMD", "wget", "https://u:p4ss@api/health"]; }), violations: [/healthcheck contains a URL with a password/] },
    { when: "a reviewed location is allowed", input: withEnv("BUILD_ID=Zq3vX9pL2mR7tY4wK8nB6cD1"), config: { allowedLocations: ["env BUILD_ID"] } },
]);

const grafana = compliantContainer("service-stack-test-grafana", {
    user: "472:0",
    envs: ["GF_SECURITY_ADMIN_USER=admin", "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password"],
});
specifyResourcePolicy(requireGrafanaAdminPasswordFile, grafana, [
    { when: "the admin password is set inline", input: changed(grafana, (i) => { i.envs.push("GF_SECURITY_ADMIN_PASSWORD=admin"); }), violations: [/GF_SECURITY_ADMIN_PASSWORD is set/] },
    { when: "no password file is configured (admin/admin)", input: changed(grafana, (i) => { i.envs = ["GF_SECURITY_ADMIN_USER=admin"]; }), violations: [/default admin\/admin/] },
    { when: "the password file is not an absolute path", input: changed(grafana, (i) => { i.envs[1] = "GF_SECURITY_ADMIN_PASSWORD__FILE=admin-password"; }), violations: [/not an absolute file path/] },
    { when: "a Grafana container is recognised by its GF_ variables alone", input: changed(grafana, (i) => { i.name = "dashboards"; i.envs = ["GF_SERVER_PROTOCOL=https"]; }), violations: [/default admin\/admin/] },
    { when: "the container is not Grafana", input: base },
    { when: "one of Grafana's variables is unknown during preview (the file setting may be it)", input: changed(grafana, (i) => { i.envs = ["GF_SECURITY_ADMIN_USER=admin", UNKNOWN.string]; }) },
]);
