import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InitFile, renderInitScript, secretEnvName, shellQuote } from "../../../components/aws/initScript";

describe("the init container's script", () => {
    it("quotes for the shell, embedded single quotes included", () => {
        expect(shellQuote("/etc/a b/it's")).to.equal(`'/etc/a b/it'\\''s'`);
        expect(execFileSync("sh", ["-c", `printf '%s' ${shellQuote("$HOME `id` it's \"x\"")}`], { encoding: "utf8" })).to.equal("$HOME `id` it's \"x\"");
    });

    it("names each secret's variable after its path", () => {
        expect(secretEnvName("prometheus/run/secrets/prometheus-password")).to.equal("SECRET_PROMETHEUS_RUN_SECRETS_PROMETHEUS_PASSWORD");
        expect(secretEnvName("/etc/api/tls/tls.key")).to.equal("SECRET_ETC_API_TLS_TLS_KEY");
    });

    it("never puts a secret's value, or its variable's expansion, outside printf", () => {
        const script = renderInitScript([{ target: "/out/v/key", source: { kind: "secret", env: "SECRET_KEY" } }]);
        expect(script.split("\n").filter((l) => l.includes("SECRET_KEY"))).to.deep.equal([`printf '%s' "$SECRET_KEY" > '/out/v/key'`]);
        expect(() => renderInitScript([{ target: "/out/x", source: { kind: "secret", env: "bad name" } }])).to.throw('secret variable "bad name"');
    });

    describe("run by sh with stand-ins for the AWS CLI and curl", () => {
        let root: string;
        let out: string;
        const secretValue = "pa$$ 'word' `x` \\n";
        before(() => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "init-script-"));
            out = path.join(root, "out");
            const bin = path.join(root, "bin");
            fs.mkdirSync(bin);
            // `aws s3api get-object --bucket B --key K --version-id V TARGET`: writes what it was asked for.
            fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh\nwhile [ $# -gt 1 ]; do case "$1" in --bucket) b="$2"; shift;; --key) k="$2"; shift;; --version-id) v="$2"; shift;; esac; shift; done\nprintf 'object %s/%s@%s' "$b" "$k" "$v" > "$1"\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(bin, "curl"), `#!/bin/sh\nfor a; do u="$a"; done\nprintf 'cert from %s\\n' "$u"\n`, { mode: 0o755 });
            const files: InitFile[] = [
                { target: `${out}/p-etc-prometheus/prometheus.yml`, source: { kind: "object", key: "prometheus/prometheus/etc/prometheus/prometheus.yml", versionId: "v1" } },
                { target: `${out}/p-etc-prometheus/rules/api.yml`, source: { kind: "object", key: "prometheus/rules/api.yml", versionId: "v2" } },
                { target: `${out}/p-etc-prometheus/tls/aws-ca.pem`, source: { kind: "download", urls: ["https://a.example/1.pem", "https://a.example/2.pem"] } },
                { target: `${out}/p-run-secrets/prometheus-password`, source: { kind: "secret", env: "SECRET_PROMETHEUS_PASSWORD" } },
            ];
            execFileSync("sh", ["-c", renderInitScript(files)], {
                env: { PATH: `${bin}:${process.env.PATH}`, CONFIG_BUCKET: "config-bucket", SECRET_PROMETHEUS_PASSWORD: secretValue },
            });
        });
        after(() => fs.rmSync(root, { recursive: true, force: true }));

        const mode = (file: string) => (fs.statSync(path.join(out, file)).mode & 0o777).toString(8);

        it("fetches each object version from the bucket into its directory", () => {
            expect(fs.readFileSync(path.join(out, "p-etc-prometheus/prometheus.yml"), "utf8")).to.equal("object config-bucket/prometheus/prometheus/etc/prometheus/prometheus.yml@v1");
            expect(fs.readFileSync(path.join(out, "p-etc-prometheus/rules/api.yml"), "utf8")).to.equal("object config-bucket/prometheus/rules/api.yml@v2");
        });

        it("concatenates the downloaded bundles", () => {
            expect(fs.readFileSync(path.join(out, "p-etc-prometheus/tls/aws-ca.pem"), "utf8")).to.equal("cert from https://a.example/1.pem\ncert from https://a.example/2.pem\n");
        });

        it("writes the secret byte for byte, without a trailing newline", () => {
            expect(fs.readFileSync(path.join(out, "p-run-secrets/prometheus-password"), "utf8")).to.equal(secretValue);
        });

        it("leaves configuration 0444 and secrets 0400", () => {
            expect([mode("p-etc-prometheus/prometheus.yml"), mode("p-etc-prometheus/tls/aws-ca.pem"), mode("p-run-secrets/prometheus-password")]).to.deep.equal(["444", "444", "400"]);
        });
    });

    it("stops at the first failure, so the main container never starts half-configured", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "init-script-"));
        const script = renderInitScript([
            { target: `${root}/a/one`, source: { kind: "object", key: "k1", versionId: "v1" } },
            { target: `${root}/a/two`, source: { kind: "object", key: "k2", versionId: "v2" } },
        ]);
        const bin = path.join(root, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "aws"), "#!/bin/sh\nexit 254\n", { mode: 0o755 });
        expect(() => execFileSync("sh", ["-c", script], { env: { PATH: `${bin}:${process.env.PATH}`, CONFIG_BUCKET: "b" }, stdio: "pipe" })).to.throw();
        expect(fs.existsSync(`${root}/a/two`)).to.equal(false);
        fs.rmSync(root, { recursive: true, force: true });
    });
});
