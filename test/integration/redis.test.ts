import { expect } from "chai";
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { SECRET_FILES } from "../../components/workloads/catalogue";
import { freePort, suiteServers } from "../support/servers";
import { DOCKER_TARGETS, materialise, Materialised, RenderedContainer, RenderedStack, renderedStack, systemUser, TestCa, uploadAt } from "../support/stackFiles";
import { announceVersion, requireTool, tempDir, toolEnv } from "../support/tools";

/**
 * Redis 8.0 (Debian sid, .ci/install-tools.sh) started as the redis container starts it, `redis-server <redis.conf>`, on the files the program
 * uploads: our redis.conf, its secret include with the password, the internal-CA certificate and key. Clients connect
 * with the settings the program gives its consumers (the API's REDIS_* variables, redis_exporter's password map),
 * to the server's alias with the certificate verified against the CA. Host substitutions only: file paths (under a
 * temp root, `/data` included), and, on the command line after the file, the listen address and the TLS port.
 */

/** `directive value…` lines of a redis.conf; a double-quoted value unquoted. */
function parseRedisConf(text: string): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const line of text.split("\n")) {
        const match = /^([a-z-]+)\s+(.*)$/.exec(line.trim());
        if (match) entries[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
    }
    return entries;
}

/** openssl s_client's flag for a client capped at one TLS version, and for one capped just below the stack's minimum. */
const TLS_VERSIONS = { "1.3": { minimum: "-tls1_3", below: "-tls1_2" }, "1.2": { minimum: "-tls1_2", below: "-tls1_1" } } as const;

for (const target of DOCKER_TARGETS) {
    describe(`Redis 8 on loopback with the files uploaded for ${target.label}`, function () {
        const servers = suiteServers();
        let redisCli: string;
        let openssl: string;
        let stack: RenderedStack;
        let redis: RenderedContainer;
        let files: Materialised;
        let api: { container: RenderedContainer; files: Materialised };
        let exporter: { container: RenderedContainer; files: Materialised };
        /** Our redis.conf as rendered (container paths). */
        let conf: Record<string, string>;
        let port: number;
        let alias: string;
        let otherCaFile: string;

        /** The generated password, as the redis container itself reads it (its healthcheck's file). */
        const password = () => files.read(SECRET_FILES.redisPassword);

        /**
         * A redis-cli run with TLS verified against `cacert` (default: the API's CA file), SNI the alias, and the
         * password (when given) in REDISCLI_AUTH so it is never on a command line.
         */
        function cli(args: readonly string[], options: { password?: string; cacert?: string; tls?: boolean; sni?: string } = {}) {
            const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "REDISCLI_AUTH")) as Record<string, string>;
            if (options.password !== undefined) env.REDISCLI_AUTH = options.password;
            const tls = options.tls === false ? [] : ["--tls", "--cacert", options.cacert ?? api.files.hostPath(api.container.env.REDIS_CA_FILE!), "--sni", options.sni ?? alias];
            return spawnSync(redisCli, [...tls, "-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", env, timeout: 15000 });
        }

        /** A TLS handshake by openssl s_client with the given extra flags, verifying the chain against the stack's CA. */
        function handshake(flags: readonly string[]) {
            return spawnSync(openssl, [
                "s_client", "-connect", `127.0.0.1:${port}`, "-servername", alias, "-CAfile", files.hostPath(conf["tls-ca-cert-file"]!),
                "-verify_return_error", "-brief", ...flags,
            ], { encoding: "utf8", input: "", timeout: 15000 });
        }

        before(async function () {
            this.timeout(180000);
            const redisServer = requireTool(this, "redis-server", "bash .ci/install-tools.sh");
            announceVersion("Redis", redisServer);
            redisCli = requireTool(this, "redis-cli", "bash .ci/install-tools.sh");
            openssl = requireTool(this, "openssl", "apt-get install openssl");
            stack = await renderedStack(target.stack, target.overrides);
            redis = stack.containers.redis!;
            const temp = tempDir(`redis-${target.stack}`);
            servers.onStop(temp.cleanup);
            fs.chmodSync(temp.dir, 0o755);
            const ca = new TestCa(openssl, path.join(temp.dir, "pki"));
            // Redis would run as root here; the container runs it as its own user, and so do we.
            const owner = process.getuid?.() === 0 ? systemUser("redis") : undefined;
            files = materialise(redis, { root: path.join(temp.dir, "redis"), ca, stack, hostUser: owner });
            api = { container: stack.containers.api!, files: materialise(stack.containers.api!, { root: path.join(temp.dir, "api"), ca, stack }) };
            exporter = {
                container: stack.containers["redis-exporter"]!,
                files: materialise(stack.containers["redis-exporter"]!, { root: path.join(temp.dir, "redis-exporter"), ca, stack }),
            };
            otherCaFile = path.join(temp.dir, "other-ca.crt");
            fs.writeFileSync(otherCaFile, new TestCa(openssl, path.join(temp.dir, "other-pki")).caPem);

            expect(redis.command, "the container's command").to.have.length(2);
            const [program, configFile] = redis.command as [string, string];
            expect(program).to.equal("redis-server");
            conf = parseRedisConf(uploadAt(redis, configFile).content);
            alias = new URL(api.container.env.REDIS_URL!).hostname;
            port = await freePort();

            // Options after the file override it (Redis appends them to the file's text), so the file runs unchanged.
            servers.start("redis-server", redisServer, [files.hostPath(configFile), "--bind", "127.0.0.1", "--tls-port", String(port)], {
                uid: owner?.uid,
                gid: owner?.gid,
                cwd: files.hostPath("/data"),
            });

            // The container's healthcheck, pointed at this host: its files relocated, the alias's address and port.
            const [kind, shellLine] = redis.healthcheck as [string, string];
            expect(kind).to.equal("CMD-SHELL");
            const uploaded = redis.uploads.map((u) => u.file).sort((a, b) => b.length - a.length);
            const healthcheck = uploaded
                .reduce((line, file) => line.replace(new RegExp(`${file.replace(/[.]/g, "\\.")}(?=[\\s)"']|$)`, "g"), files.hostPath(file)), shellLine)
                .replace(`-h ${alias} -p ${conf["tls-port"]}`, `-h 127.0.0.1 --sni ${alias} -p ${port}`);
            expect(healthcheck, "the healthcheck names the alias and the configured TLS port").to.contain(`-p ${port}`);
            await servers.ready("the redis container's healthcheck passing", 30000, async () =>
                spawnSync("sh", ["-c", healthcheck], { encoding: "utf8", timeout: 10000, env: toolEnv() }).status === 0 || undefined);
        });

        it("runs our redis.conf: memory bound, eviction policy, persistence, TLS only, data in the volume", () => {
            const names = ["maxmemory", "maxmemory-policy", "appendonly", "port", "tls-protocols", "dir"];
            const shown = cli(["CONFIG", "GET", ...names], { password: password() });
            expect(shown.status, shown.stderr).to.equal(0);
            const lines = shown.stdout.trim().split("\n");
            const values: Record<string, string> = {};
            for (let i = 0; i + 1 < lines.length; i += 2) values[lines[i]!] = lines[i + 1]!;
            expect(values).to.deep.equal({
                maxmemory: String(stack.settings.redis.maxmemoryMiB * 1024 * 1024),
                "maxmemory-policy": stack.settings.redis.maxmemoryPolicy,
                appendonly: "yes",
                port: "0",
                "tls-protocols": stack.settings.tls.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2 TLSv1.3",
                dir: files.hostPath("/data"),
            });
            // Append-only persistence writes into the container's volume.
            expect(fs.readdirSync(files.hostPath("/data"))).to.include("appendonlydir");
        });

        it("takes the password from the secret include, not from redis.conf", () => {
            // Booleans, so a failure cannot print the password.
            const configFile = redis.command[1]!;
            expect(uploadAt(redis, configFile).content.includes(password()), "redis.conf holds the password").to.equal(false);
            expect(conf.include).to.equal(SECRET_FILES.redisAuthConf);
            const include = uploadAt(redis, SECRET_FILES.redisAuthConf);
            expect(include.permissions).to.equal("0400");
            expect(include.content === `requirepass ${password()}\n`, "the include is exactly the requirepass line").to.equal(true);
        });

        it("lets the API in as it is configured (REDIS_URL, REDIS_PASSWORD_FILE, REDIS_CA_FILE): PING and a SET/GET round trip", () => {
            const url = new URL(api.container.env.REDIS_URL!);
            expect(url.protocol, "the API connects over TLS").to.equal("rediss:");
            expect(url.port).to.equal(conf["tls-port"]);
            const apiPassword = api.files.read(api.container.env.REDIS_PASSWORD_FILE!);
            const database = ["-n", url.pathname.slice(1) || "0"];
            const ping = cli([...database, "PING"], { password: apiPassword });
            expect(ping.status, ping.stderr).to.equal(0);
            expect(ping.stdout.trim()).to.equal("PONG");

            const value = randomBytes(12).toString("hex");
            const set = cli([...database, "SET", "integration:round-trip", value], { password: apiPassword });
            expect(set.stdout.trim(), set.stderr).to.equal("OK");
            const get = cli([...database, "GET", "integration:round-trip"], { password: apiPassword });
            expect(get.stdout.trim(), get.stderr).to.equal(value);
        });

        it("lets redis_exporter in with the password its map holds for its REDIS_ADDR, whose host is the alias", () => {
            const env = exporter.container.env;
            const map = JSON.parse(exporter.files.read(env.REDIS_PASSWORD_FILE!)) as Record<string, string>;
            // redis_exporter looks the password up by the address it scrapes.
            expect(Object.keys(map)).to.deep.equal([env.REDIS_ADDR]);
            const url = new URL(env.REDIS_ADDR!);
            expect([url.protocol, url.hostname, url.port]).to.deep.equal(["rediss:", alias, conf["tls-port"]]);
            const ping = cli(["PING"], { password: map[env.REDIS_ADDR!]!, sni: url.hostname, cacert: exporter.files.hostPath(env.REDIS_EXPORTER_TLS_CA_CERT_FILE!) });
            expect(ping.status, ping.stderr).to.equal(0);
            expect(ping.stdout.trim()).to.equal("PONG");
        });

        it("refuses a plaintext connection", () => {
            const plain = cli(["PING"], { password: password(), tls: false });
            expect(plain.stdout.trim()).to.not.equal("PONG");
            expect(plain.stdout + plain.stderr).to.match(/Error: (Connection reset by peer|Server closed the connection)/);
        });

        it("answers NOAUTH over TLS without a password", () => {
            const anonymous = cli(["PING"]);
            expect(anonymous.stdout + anonymous.stderr).to.match(/NOAUTH Authentication required/);
            expect(anonymous.stdout).to.not.match(/PONG/);
        });

        it("refuses a wrong password", () => {
            const wrong = cli(["PING"], { password: `not-${randomBytes(6).toString("hex")}` });
            expect(wrong.stdout + wrong.stderr).to.match(/WRONGPASS invalid username-password pair/);
            expect(wrong.stdout).to.not.match(/PONG/);
        });

        it("is refused by a client that trusts a different CA", () => {
            const untrusted = cli(["PING"], { password: password(), cacert: otherCaFile });
            expect(untrusted.status).to.not.equal(0);
            expect(untrusted.stdout + untrusted.stderr).to.match(/certificate verify failed/);
        });

        it("presents a certificate valid for the alias and no other name", () => {
            // redis-cli (hiredis) checks the chain but not the host name (--sni only sets the SNI extension), so the
            // host name check that a verifying client such as the API's makes is done with openssl.
            const right = handshake(["-verify_hostname", alias]);
            expect(right.status, right.stderr).to.equal(0);
            expect(right.stderr).to.match(/Verification: OK/);
            const wrong = handshake(["-verify_hostname", "not-redis.invalid"]);
            expect(wrong.status).to.not.equal(0);
            expect(wrong.stderr).to.match(/hostname mismatch/);
        });

        it("accepts a client at the configured minimum TLS version and refuses one capped below it", () => {
            const { minimum, below } = TLS_VERSIONS[stack.settings.tls.minVersion];
            const atMinimum = handshake([minimum]);
            expect(atMinimum.status, atMinimum.stderr).to.equal(0);
            expect(atMinimum.stderr).to.match(new RegExp(`Protocol version: TLSv${stack.settings.tls.minVersion}`));
            // SECLEVEL=0 lets this client offer TLS 1.1 at all; the alert it receives is the server's refusal.
            const belowMinimum = handshake([below, "-cipher", "DEFAULT@SECLEVEL=0"]);
            expect(belowMinimum.status).to.not.equal(0);
            expect(belowMinimum.stderr).to.match(/tlsv1 alert protocol version/);
        });
    });
}
