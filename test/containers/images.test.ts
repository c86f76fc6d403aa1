/**
 * The stand-in images on a real engine: each builds (or comes from the cache), a second call is a cache hit, and each
 * honours the contract of the official image the program relies on (users, modes, file capabilities, binaries,
 * versions, entrypoints). Run alone with:
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 1800000 test/containers/images.test.ts
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureImage, ensureImages, ImageBuildError, loadRecipes, recipeHash } from "./images/build";
import { Recipe, RECIPE_HASH_LABEL } from "./images/recipe";
import { CommandResult, docker, Engine, startEngine } from "./support/dockerd";

/** Every container and volume this file creates carries it, so `after` removes exactly those. */
const TEST_LABEL = "com.service-stack.images-test";
/** The Debian-server stand-ins this file proves (grafana, jaeger and cadvisor are proven beside their programs). */
const DEBIAN_STANDINS = ["postgres", "redis", "prometheus", "alertmanager", "postgres-exporter", "redis-exporter", "node-exporter", "blackbox-exporter", "caddy", "aws-cli", "s3-standin"];

describe("stand-in images on the engine", function () {
    this.timeout(30 * 60_000);
    let engine: Engine;
    const recipes = loadRecipes().filter((r) => DEBIAN_STANDINS.includes(r.name));
    const byName = (name: string): Recipe => {
        const recipe = recipes.find((r) => r.name === name);
        if (!recipe) throw new Error(`no recipe ${name}`);
        return recipe;
    };
    const run = (args: string[], allowFailure = false): Promise<CommandResult> => docker(engine, args, { allowFailure, timeoutMs: 5 * 60_000 });
    const output = (r: CommandResult) => `${r.stdout}${r.stderr}`.trim();

    /** reference -> image ID, from the first call (which builds whatever the cache lacks). */
    let images: Map<string, string>;

    before(async () => {
        engine = await startEngine();
        process.stderr.write(`[images.test] engine ${engine.version} (${engine.storageDriver}) at ${engine.dockerHost}${engine.ownDaemon ? ", started by this run" : ""}\n`);
        const started = Date.now();
        images = await ensureImages(engine, recipes.flatMap((r) => r.standsInFor));
        process.stderr.write(`[images.test] first ensureImages: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    });

    after(async () => {
        if (!engine) return;
        const containers = await run(["ps", "-aq", "--filter", `label=${TEST_LABEL}`], true);
        const ids = containers.stdout.split("\n").filter(Boolean);
        if (ids.length > 0) await run(["rm", "-f", "-v", ...ids], true);
        const volumes = await run(["volume", "ls", "-q", "--filter", `label=${TEST_LABEL}`], true);
        const names = volumes.stdout.split("\n").filter(Boolean);
        if (names.length > 0) await run(["volume", "rm", "-f", ...names], true);
        await engine.stop();
    });

    it("maps every official reference to its stand-in, tagged as exactly that reference; a second call is a cache hit", async () => {
        const references = recipes.flatMap((r) => r.standsInFor);
        const started = Date.now();
        const again = await ensureImages(engine, references);
        const seconds = (Date.now() - started) / 1000;
        process.stderr.write(`[images.test] second ensureImages (${references.length} references): ${seconds.toFixed(1)}s\n`);
        expect([...again.entries()]).to.deep.equal([...images.entries()]);
        for (const recipe of recipes) {
            expect((await ensureImage(engine, recipe)).source, recipe.name).to.equal("engine");
            for (const ref of recipe.standsInFor) {
                const inspect = await run(["image", "inspect", "--format", `{{.Id}} {{index .Config.Labels "${RECIPE_HASH_LABEL}"}}`, ref]);
                expect(inspect.stdout.trim(), ref).to.equal(`${images.get(ref)} ${recipeHash(recipe)}`);
            }
        }
        expect(seconds, "cache hits only inspect and tag").to.be.below(30);
    });

    for (const recipe of loadRecipes().filter((r) => DEBIAN_STANDINS.includes(r.name))) {
        it(`${recipe.name}: ${recipe.standsInFor.join(", ")} — ${recipe.checks.length} contract checks`, async () => {
            await ensureImage(engine, recipe);
            const image = recipe.standsInFor[0]!;
            for (const check of recipe.checks) {
                const args = ["run", "--rm", "--label", TEST_LABEL, ...(check.user ? ["--user", check.user] : [])];
                const [first, ...rest] = check.argv;
                const result = check.viaEntrypoint
                    ? await run([...args, image, ...check.argv], true)
                    : await run([...args, "--entrypoint", first!, image, ...rest], true);
                expect(output(result), `${check.argv.join(" ")}${check.user ? ` as ${check.user}` : ""}`).to.match(check.expect);
            }
        });
    }

    describe("caddy: the file capability the official image carries", () => {
        const image = "caddy:2.10.2";
        it("survives the import (getcap in a container)", async () => {
            const r = await run(["run", "--rm", "--label", TEST_LABEL, "--entrypoint", "getcap", image, "/usr/bin/caddy"]);
            expect(r.stdout.trim()).to.equal("/usr/bin/caddy cap_net_bind_service=ep");
        });
        it("makes caddy unexecutable with every capability dropped", async () => {
            const r = await run(["run", "--rm", "--label", TEST_LABEL, "--cap-drop", "ALL", image, "caddy", "version"], true);
            expect(r.code).to.not.equal(0);
            expect(output(r)).to.match(/operation not permitted/);
        });
        it("runs with NET_BIND_SERVICE added back, as root and as a non-root user with no-new-privileges", async () => {
            for (const user of [[], ["--user", "10001:10001", "--security-opt", "no-new-privileges:true"]]) {
                const r = await run(["run", "--rm", "--label", TEST_LABEL, "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE", ...user, image, "caddy", "version"]);
                expect(r.stdout.trim()).to.match(/^v?2\.11\.4/);
            }
        });
    });

    it("busybox wget speaks TLS 1.2 only (as prom/busybox's); with OpenSSL (alpine's stand-ins) TLS 1.3; both print Go's 400 to plain HTTP", async () => {
        const name = `ss-images-tls-${process.pid}`;
        const caddyfile = [
            "{", "\tadmin off", "\tlocal_certs", "\tskip_install_trust", "}",
            "https://localhost:8443 {", "\ttls internal {", "\t\tprotocols {$PROTOCOLS}", "\t}", "\trespond \"tls-ok\"", "}", "",
        ].join("\n");
        const serve = async (protocols: string) => {
            await run(["rm", "-f", name], true);
            await run(["run", "-d", "--name", name, "--label", TEST_LABEL, "-e", `PROTOCOLS=${protocols}`, "--entrypoint", "sh", "caddy:2.10.2",
                "-c", `printf '%s' "$0" > /tmp/Caddyfile && exec caddy run --config /tmp/Caddyfile --adapter caddyfile`, caddyfile]);
            for (let i = 0; i < 50; i++) {
                const ready = await run(["exec", name, "wget", "-q", "-O-", "--no-check-certificate", "https://localhost:8443/"], true);
                if (ready.stdout.includes("tls-ok")) return;
                await new Promise((r) => setTimeout(r, 200));
            }
            throw new Error(`caddy did not serve TLS (${protocols}):\n${(await run(["logs", name], true)).stderr}`);
        };
        const fetch = (image: string) => run(["run", "--rm", "--label", TEST_LABEL, "--network", `container:${name}`, "--entrypoint", "wget", image, "-q", "-O-", "--no-check-certificate", "https://localhost:8443/"], true);

        await serve("tls1.3");
        const busybox13 = await fetch("prom/prometheus:v3.5.0");
        expect(busybox13.code, output(busybox13)).to.not.equal(0);
        expect((await fetch("oliver006/redis_exporter:v1.76.0-alpine")).stdout).to.equal("tls-ok");
        // The exporters' healthcheck (components/workloads/healthchecks.ts): plain HTTP to a Go TLS port, Go's 400 in
        // wget's message. Caddy is a Go server too.
        for (const image of ["prom/node-exporter:v1.9.1", "oliver006/redis_exporter:v1.76.0-alpine"]) {
            const probe = await run(["run", "--rm", "--label", TEST_LABEL, "--network", `container:${name}`, "--entrypoint", "sh", image, "-c",
                "wget -q -O /dev/null http://localhost:8443/ 2>&1 | grep -q 'HTTP/1.0 400'"], true);
            expect(probe.code, `${image}: ${output(probe)}`).to.equal(0);
        }

        await serve("tls1.2 tls1.3");
        const busybox12 = await fetch("prom/prometheus:v3.5.0");
        expect(busybox12.stdout, output(busybox12)).to.equal("tls-ok");
        await run(["rm", "-f", name], true);
    });

    describe("postgres: the entrypoint as the program runs it", () => {
        const image = "postgres:18.1";
        const id = `${process.pid}-${randomBytes(3).toString("hex")}`;
        const name = `ss-images-pg-${id}`;
        const volume = `ss-images-pg-${id}`;
        let dir: string;
        const superuserPassword = randomBytes(18).toString("base64url");
        const appPassword = randomBytes(18).toString("base64url");

        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "ss-images-pg-"));
            fs.chmodSync(dir, 0o755);
            const write = (rel: string, content: string, mode: number, owner = 0) => {
                const file = path.join(dir, rel);
                fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
                fs.writeFileSync(file, content);
                fs.chownSync(file, owner, owner);
                fs.chmodSync(file, mode);
            };
            write("conf/postgresql.conf", "listen_addresses = '*'\nhba_file = '/etc/postgresql/pg_hba.conf'\npassword_encryption = 'scram-sha-256'\n", 0o444);
            write("conf/pg_hba.conf", "local all all scram-sha-256\nhost all all 0.0.0.0/0 scram-sha-256\n", 0o444);
            write("secrets/postgres-superuser-password", superuserPassword, 0o400, 999);
            write("secrets/postgres-app-password", appPassword, 0o400, 999);
            // Not executable: sourced, so it sees the entrypoint's POSTGRES_* and PGPASSWORD, as the program's script does.
            write("init/10-app-user.sh", [
                "#!/usr/bin/env bash",
                "set -euo pipefail",
                "app_password=\"$(cat /run/secrets/postgres-app-password)\"",
                "psql -v ON_ERROR_STOP=1 --username \"$POSTGRES_USER\" --dbname \"$POSTGRES_DB\" -v app_password=\"$app_password\" <<'SQL'",
                "CREATE ROLE app LOGIN PASSWORD :'app_password';",
                "ALTER DATABASE appdb OWNER TO app;",
                "SQL",
                "",
            ].join("\n"), 0o444);
            write("init/20-marker.sql", "CREATE TABLE init_runs (at timestamptz DEFAULT now()); INSERT INTO init_runs DEFAULT VALUES;\n", 0o444);
        });

        after(async () => {
            if (engine) {
                await run(["rm", "-f", "-v", name], true);
                await run(["volume", "rm", "-f", volume], true);
            }
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });

        const runArgs = () => [
            "--label", TEST_LABEL, "--user", "999:999", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true",
            "--tmpfs", "/tmp:rw,noexec,nosuid,size=64m", "--tmpfs", "/var/run/postgresql:rw,noexec,nosuid,size=16m,mode=1777",
            "-v", `${volume}:/var/lib/postgresql`,
            "-v", `${dir}/conf:/etc/postgresql:ro`, "-v", `${dir}/secrets:/run/secrets:ro`, "-v", `${dir}/init:/docker-entrypoint-initdb.d:ro`,
            "-e", "POSTGRES_USER=postgres", "-e", "POSTGRES_PASSWORD_FILE=/run/secrets/postgres-superuser-password", "-e", "POSTGRES_DB=appdb",
            "-e", "POSTGRES_INITDB_ARGS=--auth-local=scram-sha-256 --auth-host=scram-sha-256 --data-checksums",
        ];
        const psql = (sql: string, user = "postgres", password = superuserPassword) =>
            run(["exec", "-e", `PGPASSWORD=${password}`, name, "psql", "-h", "/var/run/postgresql", "-U", user, "-d", "appdb", "-tAc", sql]);
        const waitReady = async () => {
            for (let i = 0; i < 150; i++) {
                const ready = await run(["exec", name, "pg_isready", "-h", "/var/run/postgresql", "-U", "postgres", "-d", "appdb"], true);
                const logs = await run(["logs", name], true);
                if (ready.code === 0 && /ready for start up|Skipping initialization/.test(output(logs))) return output(logs);
                const state = await run(["inspect", "--format", "{{.State.Running}}", name], true);
                if (state.stdout.trim() !== "true") throw new Error(`postgres exited:\n${output(logs)}`);
                await new Promise((r) => setTimeout(r, 400));
            }
            throw new Error(`postgres not ready:\n${output(await run(["logs", name], true))}`);
        };

        it("refuses to initialise without a superuser password, naming the variables", async () => {
            const r = await run(["run", "--rm", "--label", TEST_LABEL, "--user", "999:999", "--read-only", "--tmpfs", "/var/run/postgresql",
                "--mount", `type=volume,source=${volume}-nopw,target=/var/lib/postgresql,volume-label=${TEST_LABEL}=1`, image], true);
            expect(r.code).to.not.equal(0);
            expect(output(r)).to.match(/no superuser password is given: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE/);
        });

        it("initialises a cluster as 999 on a read-only root, runs the init scripts once, and serves on the socket", async () => {
            await run(["volume", "create", "--label", `${TEST_LABEL}=1`, volume]);
            await run(["run", "-d", "--name", name, ...runArgs(), image, "postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"]);
            const logs = await waitReady();
            expect(logs).to.match(/sourcing \/docker-entrypoint-initdb.d\/10-app-user.sh/);
            expect(logs).to.match(/running \/docker-entrypoint-initdb.d\/20-marker.sql/);
            expect(logs).to.match(/PostgreSQL init process complete; ready for start up/);

            // The init script's role logs in with its password; the database exists and belongs to it.
            expect((await psql("SELECT current_user, (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb')", "app", appPassword)).stdout.trim()).to.equal("app|app");
            expect((await psql("SHOW data_checksums")).stdout.trim()).to.equal("on");
            expect((await psql("SHOW data_directory")).stdout.trim()).to.equal("/var/lib/postgresql/18/docker");
            expect((await psql("SHOW config_file")).stdout.trim()).to.equal("/etc/postgresql/postgresql.conf");
            // The password, not trust: a wrong one is refused on the socket.
            const wrong = await run(["exec", "-e", "PGPASSWORD=wrong", name, "psql", "-h", "/var/run/postgresql", "-U", "postgres", "-d", "appdb", "-tAc", "SELECT 1"], true);
            expect(output(wrong)).to.match(/password authentication failed/);
            // The server is PID 1, as 999; the socket directory is the tmpfs with the image's mode.
            expect((await run(["exec", name, "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; id -u; stat -c '%a %n' /var/run/postgresql $PGDATA"])).stdout.trim())
                .to.equal("postgres -c config_file=/etc/postgresql/postgresql.conf \n999\n3777 /var/run/postgresql\n700 /var/lib/postgresql/18/docker");

            // Stopped (SIGINT, fast shutdown) and started again: no second initialisation, no second run of the scripts.
            await run(["stop", name]);
            await run(["start", name]);
            expect(await waitReady()).to.match(/Skipping initialization/);
            expect((await psql("SELECT count(*) FROM init_runs")).stdout.trim()).to.equal("1");
        });
    });

    it("postgres: started as root (no --user), the entrypoint initialises as postgres and the server runs as 999", async () => {
        const name = `ss-images-pg-root-${process.pid}`;
        try {
            await run(["run", "-d", "--name", name, "--label", TEST_LABEL, "-e", "POSTGRES_PASSWORD=root-start",
                "--mount", `type=volume,source=${name},target=/var/lib/postgresql,volume-label=${TEST_LABEL}=1`, "postgres:18.1"]);
            let ready = false;
            for (let i = 0; i < 150 && !ready; i++) {
                const logs = output(await run(["logs", name], true));
                ready = /init process complete/.test(logs) && (await run(["exec", name, "pg_isready", "-U", "postgres"], true)).code === 0;
                if (!ready) await new Promise((r) => setTimeout(r, 400));
            }
            expect(ready, output(await run(["logs", name], true))).to.equal(true);
            expect((await run(["exec", name, "sh", "-c", "awk '/^Uid:/{print $2}' /proc/1/status; stat -c '%U %a' $PGDATA"])).stdout.trim()).to.equal("999\npostgres 700");
        } finally {
            await run(["rm", "-f", "-v", name], true);
            await run(["volume", "rm", "-f", name], true);
        }
    });

    describe("redis: the entrypoint's user handling", () => {
        const id = `${process.pid}-${randomBytes(3).toString("hex")}`;
        after(async () => {
            if (!engine) return;
            await run(["rm", "-f", "-v", `ss-images-redis-root-${id}`, `ss-images-redis-999-${id}`], true);
            await run(["volume", "rm", "-f", `ss-images-redis-${id}`], true);
        });
        const waitPong = async (name: string, extra: string[] = []) => {
            for (let i = 0; i < 50; i++) {
                const r = await run(["exec", name, "redis-cli", ...extra, "ping"], true);
                if (r.stdout.trim() === "PONG") return;
                await new Promise((res) => setTimeout(res, 200));
            }
            throw new Error(`redis did not answer:\n${output(await run(["logs", name], true))}`);
        };

        it("started as root, runs redis-server as redis (999)", async () => {
            const name = `ss-images-redis-root-${id}`;
            await run(["run", "-d", "--name", name, "--label", TEST_LABEL, "redis:8.2.2"]);
            await waitPong(name);
            expect((await run(["exec", name, "sh", "-c", "grep -E '^(Uid|Gid):' /proc/1/status | awk '{print $2}'"])).stdout.trim()).to.equal("999\n999");
        });

        it("runs as 999 on a read-only root with every capability dropped; its files are its own (umask 0077)", async () => {
            const name = `ss-images-redis-999-${id}`;
            await run(["run", "-d", "--name", name, "--label", TEST_LABEL, "--user", "999:999", "--read-only", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges:true", "--mount", `type=volume,source=ss-images-redis-${id},target=/data,volume-label=${TEST_LABEL}=1`,
                "redis:8.2.2", "redis-server", "--save", "3600 1"]);
            await waitPong(name);
            await run(["exec", name, "redis-cli", "save"]);
            expect((await run(["exec", name, "stat", "-c", "%a %u:%g %n", "/data", "/data/dump.rdb"])).stdout.trim()).to.equal("755 999:999 /data\n600 999:999 /data/dump.rdb");
        });
    });

    describe("failures name what failed", () => {
        it("a pinned version that is not served names the image, package, wanted and served versions", async () => {
            const bad: Recipe = { ...byName("redis"), name: "bad-version", packages: { "redis-server": "5:0.0.1-1", "redis-tools": "5:8.0.6-3" } };
            const error = await ensureImage(engine, bad).then(() => undefined, (err: Error) => err);
            expect(error).to.be.instanceOf(ImageBuildError);
            expect(error!.message).to.match(/^image "bad-version" \(stand-in for redis:8\.2\.2\): package redis-server version 5:0\.0\.1-1 is not served by \S+ trixie\/sid \(served: [^)]*5:8\.0\.6-3 \(sid\)/);
            expect(error!.message).to.not.match(/redis-tools/);
        });

        it("a failing step names the image and the step, with its output", async () => {
            // The first step after the version check fails: no install needed to prove the message.
            const bad: Recipe = {
                ...byName("node-exporter"), name: "bad-step", standsInFor: ["example/bad-step:1"],
                preInstall: "echo 'the step says why' >&2; exit 3",
            };
            const error = await ensureImage(engine, bad).then(() => undefined, (err: Error) => err);
            expect(error).to.be.instanceOf(ImageBuildError);
            expect(error!.message).to.match(/^image "bad-step": step "preInstall" failed \(exit 3\):\n(.|\n)*the step says why/);
        });

        it("no engine binary and no DOCKER_HOST: says how to get one", async () => {
            const saved = { host: process.env.DOCKER_HOST, prefix: process.env.SERVICE_STACK_ENGINE_PREFIX, path: process.env.PATH };
            try {
                delete process.env.DOCKER_HOST;
                process.env.SERVICE_STACK_ENGINE_PREFIX = "/nonexistent";
                process.env.PATH = "/nonexistent";
                const error = await startEngine().then((e) => e.stop().then(() => undefined), (err: Error) => err);
                expect(error?.message).to.match(/^no Docker engine: run `bash \.ci\/install-engine\.sh` or set DOCKER_HOST/);
            } finally {
                for (const [key, value] of [["DOCKER_HOST", saved.host], ["SERVICE_STACK_ENGINE_PREFIX", saved.prefix], ["PATH", saved.path]] as const) {
                    if (value === undefined) delete process.env[key];
                    else process.env[key] = value;
                }
            }
        });
    });
});
