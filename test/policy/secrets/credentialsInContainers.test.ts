import { expect } from "chai";
import { credentialLikeReason, isCredentialName, looksRandom } from "../../../policy/lib/credentials";
import { disallowCredentialValues, disallowPlaintextCredentialEnv } from "../../../policy/policies/secrets/credentialsInContainers";
import { changed, compliantContainer, encrypted, secret, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();

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
