import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InitFile, renderInitScript, secretEnvName, shellQuote } from "../../../../components/platforms/aws/initScript";
import { requireTool } from "../../../support/tools";

const RUNNING_AS_ROOT = process.getuid?.() === 0;
/** Root's capabilities on Fargate in the init container: everything but CHOWN dropped (setpriv's bounding set). */
const CHOWN_ONLY = ["--bounding-set=-all,+chown", "--inh-caps=-all", "--"];

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
        const script = renderInitScript([{ target: "/out/v/key", source: { kind: "secret", env: "SECRET_KEY", owner: "10001:10001" } }]);
        expect(script.split("\n").filter((l) => l.includes("SECRET_KEY"))).to.deep.equal([`printf '%s' "$SECRET_KEY" > '/out/v/key'`]);
        expect(() => renderInitScript([{ target: "/out/x", source: { kind: "secret", env: "bad name", owner: "10001:10001" } }])).to.throw('secret variable "bad name"');
    });

    it("sets each secret's mode before handing it to its owner, and hands over nothing else", () => {
        const script = renderInitScript([
            { target: "/out/a/config.yml", source: { kind: "object", key: "k", versionId: "v" } },
            { target: "/out/a/ca.pem", source: { kind: "download", urls: ["https://a.example/ca.pem"] } },
            { target: "/out/a/tls.key", source: { kind: "secret", env: "SECRET_A", owner: "65534:65534" } },
            { target: "/out/b/password", source: { kind: "secret", env: "SECRET_B", owner: "59000" } },
        ]);
        const lines = script.trimEnd().split("\n");
        expect(lines.slice(-6)).to.deep.equal([
            `printf '%s' "$SECRET_A" > '/out/a/tls.key'`, "chmod 0400 '/out/a/tls.key'", "chown 65534:65534 '/out/a/tls.key'",
            `printf '%s' "$SECRET_B" > '/out/b/password'`, "chmod 0400 '/out/b/password'", "chown 59000 '/out/b/password'",
        ]);
        expect(lines.filter((l) => l.startsWith("chown"))).to.have.length(2);
    });

    it("refuses to hand a secret to root or to a user that is not numeric", () => {
        for (const owner of ["0:0", "0", "root", "65534:", "$(id)"]) {
            expect(() => renderInitScript([{ target: "/out/x", source: { kind: "secret", env: "SECRET_X", owner } }]), owner).to.throw(`secret "/out/x" is handed to "${owner}": expected a numeric, non-root uid[:gid].`);
        }
    });

    describe(`run by sh with stand-ins for the AWS CLI and curl${RUNNING_AS_ROOT ? ", as root keeping only CHOWN, like the Fargate init container" : " (not root: secrets handed to this user)"}`, () => {
        let root: string;
        let out: string;
        const secretValue = "pa$$ 'word' `x` \\n";
        const self = `${process.getuid?.()}:${process.getgid?.()}`;
        // Two consumers with distinct users (and a gid unlike the uid), as in the Prometheus task; as non-root only ourselves.
        const prometheusUser = RUNNING_AS_ROOT ? "65534:65534" : self;
        const exporterUser = RUNNING_AS_ROOT ? "59000:59001" : self;
        before(function () {
            if (RUNNING_AS_ROOT) requireTool(this, "setpriv", "util-linux");
            root = fs.mkdtempSync(path.join(os.tmpdir(), "init-script-"));
            // Fargate's task volumes are root's with mode 0755; mkdtemp's 0700 would also keep the consumers out.
            fs.chmodSync(root, 0o755);
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
                { target: `${out}/p-run-secrets/prometheus-password`, source: { kind: "secret", env: "SECRET_PROMETHEUS_PASSWORD", owner: prometheusUser } },
                { target: `${out}/r-run-secrets/redis-password-map.json`, source: { kind: "secret", env: "SECRET_REDIS_MAP", owner: exporterUser } },
            ];
            const [command, args] = RUNNING_AS_ROOT ? ["setpriv", [...CHOWN_ONLY, "sh", "-c", renderInitScript(files)]] : ["sh", ["-c", renderInitScript(files)]];
            execFileSync(command, args, {
                env: { PATH: `${bin}:${process.env.PATH}`, CONFIG_BUCKET: "config-bucket", SECRET_PROMETHEUS_PASSWORD: secretValue, SECRET_REDIS_MAP: "{}" },
                stdio: "pipe",
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

        it("leaves configuration 0444 and secrets 0400, in directories everyone may enter", () => {
            expect([mode("p-etc-prometheus/prometheus.yml"), mode("p-etc-prometheus/tls/aws-ca.pem"), mode("p-run-secrets/prometheus-password"), mode("r-run-secrets/redis-password-map.json")]).to.deep.equal(["444", "444", "400", "400"]);
            expect([mode("p-etc-prometheus"), mode("p-etc-prometheus/tls"), mode("p-run-secrets")]).to.deep.equal(["755", "755", "755"]);
        });

        it("hands each secret to its consumer's user and group; configuration stays the writer's (root on Fargate)", () => {
            const owner = (file: string) => { const st = fs.statSync(path.join(out, file)); return `${st.uid}:${st.gid}`; };
            expect(owner("p-run-secrets/prometheus-password")).to.equal(prometheusUser);
            expect(owner("r-run-secrets/redis-password-map.json")).to.equal(exporterUser);
            expect([owner("p-etc-prometheus/prometheus.yml"), owner("p-etc-prometheus/tls/aws-ca.pem")]).to.deep.equal([self, self]);
        });

        it("lets each consumer read its own secret and the configuration, but not another consumer's secret", function () {
            if (!RUNNING_AS_ROOT) this.skip();
            const readAs = (user: string, file: string) => {
                const [uid, gid] = user.split(":");
                const read = spawnSync("setpriv", [`--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "cat", path.join(out, file)], { encoding: "utf8" });
                if (read.status === 0) return read.stdout;
                expect(read.stderr, `${user} reading ${file}`).to.match(/Permission denied/);
                return "denied";
            };
            expect(readAs(prometheusUser, "p-run-secrets/prometheus-password")).to.equal(secretValue);
            expect(readAs(prometheusUser, "p-etc-prometheus/rules/api.yml")).to.equal("object config-bucket/prometheus/rules/api.yml@v2");
            expect(readAs(exporterUser, "r-run-secrets/redis-password-map.json")).to.equal("{}");
            expect(readAs(exporterUser, "p-run-secrets/prometheus-password")).to.equal("denied");
            expect(readAs(prometheusUser, "r-run-secrets/redis-password-map.json")).to.equal("denied");
        });

        it("needs chmod before chown: keeping only CHOWN, root cannot change the mode of a file it handed over", function () {
            if (!RUNNING_AS_ROOT) this.skip();
            const file = path.join(root, "order-check");
            const attempt = (script: string) => spawnSync("setpriv", [...CHOWN_ONLY, "sh", "-c", script], { encoding: "utf8" });
            const handedOverFirst = attempt(`set -e; : > '${file}'; chown 65534:65534 '${file}'; chmod 0400 '${file}'`);
            expect(handedOverFirst.status, handedOverFirst.stderr).not.to.equal(0);
            expect(handedOverFirst.stderr).to.match(/Operation not permitted/);
            fs.rmSync(file);
            expect(attempt(`set -e; : > '${file}'; chmod 0400 '${file}'; chown 65534:65534 '${file}'`).status).to.equal(0);
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
