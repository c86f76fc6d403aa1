import { expect } from "chai";
import { RecordedResource, RecordingMocks, unwrap } from "../../harness/mocks";
import { DOCKER_TARGETS } from "../support/stackFiles";
import { runProgram } from "../../harness/runProgram";
import { findTool } from "../support/tools";
import { planContainer } from "./support/containerPlan";
import { goDuration, UntranslatedField } from "./support/containerFields";
import { startEngine, Engine } from "./support/dockerd";
import { EngineApi, EngineError } from "./support/engineApi";
import { ProviderStepError } from "./support/providerSteps";
import { CONTAINER, hostPathMapper, NETWORK, RealisationError, realiseStack, RealisedStack, removeLeftovers, STACK_LABEL } from "./support/realise";
import { busyboxStatic, CONFIG_TEXT, ensureBusyboxImage, hardenedRun, SECRET_TOKEN, TEST_STACK, WORKLOAD_USER } from "./support/realiseFixtures";

/**
 * realiseStack on a real engine: what the Docker provider would create from recorded inputs lands in `docker inspect`
 * as declared, refusals read as the daemon wrote them, and nothing is left behind. Run alone (DOCKER_HOST, or the
 * suite's own daemon):
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 600000 test/containers/realise.test.ts
 */

const APP = `${TEST_STACK}-app`;
const CARRIER = `${TEST_STACK}-app-files`;

function mocksOf(resources: readonly RecordedResource[]): RecordingMocks {
    const mocks = new RecordingMocks();
    mocks.resources.push(...resources);
    return mocks;
}

const plan = (inputs: Record<string, unknown>, map: Record<string, string> = {}) =>
    planContainer(unwrap(inputs) as Record<string, unknown>, { resourceName: "c", mapHost: hostPathMapper(map), apiAtLeast: () => true, readSource: () => Buffer.alloc(0) });

describe("container translation (no engine)", () => {
    it("translates every container the program declares for dev and for production's settings on Docker, naming no untranslated field", async () => {
        for (const target of DOCKER_TARGETS) {
            const { mocks } = await runProgram(target.stack, target.overrides);
            const containers = mocks.ofType(CONTAINER);
            expect(containers.length, target.label).to.be.greaterThan(10);
            for (const c of containers) expect(() => plan(c.inputs), `${target.label}: ${c.name}`).to.not.throw();
        }
    });

    it("parses durations as Go does and maps host paths by prefix", () => {
        expect([goDuration("15s", "x"), goDuration("5m", "x"), goDuration("1h30m", "x"), goDuration("250ms", "x")]).to.deep.equal([15e9, 300e9, 5400e9, 250e6]);
        expect(() => goDuration("5 minutes", "healthcheck.interval")).to.throw(/healthcheck.interval is "5 minutes": not a Go duration/);
        const map = hostPathMapper({ "/var/run/docker.sock": "/tmp/dk/docker.sock", "/var/lib/docker": "/tmp/dk/data" });
        expect([map("/var/run/docker.sock"), map("/var/lib/docker"), map("/var/lib/docker/containers"), map("/var/lib/dockerd"), map("/")]).to.deep.equal(["/tmp/dk/docker.sock", "/tmp/dk/data", "/tmp/dk/data/containers", "/var/lib/dockerd", "/"]);
    });

    it("fails by name on a declared field it does not translate, and on options the provider would ignore", () => {
        const base = { name: "probe", image: "sha256:x" };
        expect(() => plan({ ...base, gpus: "all" })).to.throw(UntranslatedField, /container probe: `gpus` is declared/);
        expect(() => plan({ ...base, mounts: [{ type: "volume", target: "/d", source: "v", bogus: 1 }] })).to.throw(/container probe: `mounts\[0\].bogus` is declared but the harness does not translate it/);
        expect(() => plan({ ...base, mounts: [{ type: "bind", target: "/d", source: "/s", volumeOptions: { noCopy: true } }] })).to.throw(/`mounts\[0\].volumeOptions` is declared but the provider ignores it on a bind mount/);
        expect(() => plan({ ...base, cpus: "1", cpuQuota: 50000 })).to.throw(/`cpuQuota` is declared but the provider ignores it when `cpus` is set/);
        expect(() => plan({ ...base, uploads: [{ file: "/a", content: "x", owner: "postgres" }] })).to.throw(/`uploads\[0\].owner` is declared but is "postgres", a name/);
        expect(() => plan({ ...base, uploads: [{ file: "/a", content: "" }] })).to.throw(/one of 'content', 'content_base64', or 'source' must be set/);
        expect(() => plan({ ...base, notAField: true })).to.throw(/`notAField` is declared but it is not a field of @pulumi\/docker 5.2's Container/);
    });
});

describe("realiseStack on the engine", function () {
    let engine: Engine;
    let api: EngineApi;
    let image: string;

    before(async function () {
        const busybox = busyboxStatic();
        if (!busybox) {
            if (process.env.CI === "true") throw new Error("busybox-static is not installed; CI must run this suite");
            console.log("      skipped: busybox-static is not installed (apt-get install busybox-static)");
            this.skip();
        }
        engine = await startEngine();
        api = await EngineApi.connect(engine.dockerHost);
        await removeLeftovers(api, TEST_STACK, { ownDaemon: engine.ownDaemon });
        image = await ensureBusyboxImage(api, busybox!);
    });

    after(async () => {
        api?.close();
        await engine?.stop();
    });

    describe("a hardened workload and its never-started file carrier, in the program's shape", () => {
        let stack: RealisedStack;
        let dataRoot: string;

        before(async () => {
            dataRoot = (await api.info()).DockerRootDir;
            stack = await realiseStack(api, mocksOf(hardenedRun(image)), { hostPathMap: { "/var/lib/docker": dataRoot } });
            await stack.waitHealthy(APP, 60_000);
        });

        after(() => stack?.destroy());

        it("lands in docker inspect as declared: process, limits, restart, logs, healthcheck and hardening", async () => {
            const c = await api.inspectContainer(stack.container(APP).id);
            expect(c.Config).to.include({ User: "10001:10002", WorkingDir: "/run/app", Hostname: "app-host" });
            expect(c.Config.Entrypoint).to.deep.equal(["/bin/busybox"]);
            expect(c.Config.Cmd).to.deep.equal(["sleep", "3600"]);
            expect(c.Config.Env).to.include.members(["APP_CONFIG=/run/app/app.yaml", "TOKEN_FILE=/run/app/secret/token"]);
            expect(c.Config.Labels).to.include({ [STACK_LABEL]: TEST_STACK });
            expect(c.Config.Healthcheck).to.deep.equal({ Test: ["CMD", "/bin/busybox", "test", "-r", "/run/app/secret/token"], Interval: 1e9, Timeout: 5e9, StartPeriod: 2e9, StartInterval: 5e8, Retries: 3 });
            expect(c.HostConfig).to.deep.include({
                Memory: 64 * 1024 * 1024, MemorySwap: 64 * 1024 * 1024, CpuShares: 512, NanoCpus: 5e8, ReadonlyRootfs: true, Privileged: false, Init: false,
                CapDrop: ["ALL"], CapAdd: ["NET_BIND_SERVICE"], SecurityOpt: ["no-new-privileges:true"],
                RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 },
                LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
                Tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
            });
        });

        it("joins exactly its networks with its aliases, after leaving the default bridge", async () => {
            const c = await api.inspectContainer(stack.container(APP).id);
            expect(Object.keys(c.NetworkSettings.Networks).sort()).to.deep.equal([`${TEST_STACK}-data`, `${TEST_STACK}-edge`]);
            expect(c.NetworkSettings.Networks[`${TEST_STACK}-data`]!.Aliases).to.include.members(["app", "app.internal"]);
            expect(c.NetworkSettings.Networks[`${TEST_STACK}-edge`]!.Aliases).to.include("app-edge");
            expect(stack.container(APP).payload.disconnectDefault).to.equal(true);
            expect((await api.inspectNetwork(`${TEST_STACK}-data`)).Internal).to.equal(true);
        });

        it("mounts its volumes, host paths (through the host path map), tmpfs, and publishes its port on the declared address", async () => {
            const c = await api.inspectContainer(stack.container(APP).id);
            expect(c.HostConfig.Binds).to.deep.equal([`${TEST_STACK}-state:/var/lib/app:rw`, "/proc:/host/proc:ro", `${dataRoot}:/host/docker:ro`]);
            const mounts = Object.fromEntries(c.Mounts.map((m) => [m.Destination, m]));
            expect(mounts["/run/app"]).to.include({ Type: "volume", Name: `${TEST_STACK}-app-files-run-app`, RW: false });
            expect(mounts["/var/lib/app"]).to.include({ Type: "volume", Name: `${TEST_STACK}-state`, RW: true });
            expect(mounts["/host/docker"]).to.include({ Type: "bind", Source: dataRoot, RW: false });
            expect((c.HostConfig.Mounts as { Target: string; TmpfsOptions?: unknown }[]).find((m) => m.Target === "/run/scratch")?.TmpfsOptions).to.deep.equal({ SizeBytes: 8 * 1024 * 1024, Mode: 0o1777 });
            expect(c.HostConfig.PortBindings).to.deep.equal({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "0" }] });
        });

        it("runs as declared: its uid and gid, only the capability added back, a read-only root and a noexec /tmp", async () => {
            expect((await stack.exec(APP, ["/bin/busybox", "id"])).stdout.trim()).to.equal(`uid=${WORKLOAD_USER.uid} gid=${WORKLOAD_USER.gid} groups=${WORKLOAD_USER.gid}`);
            const status = (await stack.exec(APP, ["/bin/busybox", "cat", "/proc/self/status"])).stdout;
            expect(/^CapBnd:\s+(\S+)$/m.exec(status)?.[1]).to.equal("0000000000000400");
            expect(/^NoNewPrivs:\s+(\d)$/m.exec(status)?.[1]).to.equal("1");
            const write = await stack.exec(APP, ["/bin/busybox", "touch", "/etc/x"], { user: "0:0" });
            expect(write.exitCode).to.not.equal(0);
            expect(write.stderr).to.match(/Read-only file system/);
            const exec = await stack.exec(APP, ["/bin/busybox", "sh", "-c", "cp /bin/busybox /tmp/b && /tmp/b true"]);
            expect(exec.stderr).to.match(/Permission denied/);
        });

        it("delivers uploads through the carrier with the declared owner and mode; the workload reads them on its read-only mount", async () => {
            const token = await stack.readEntry(CARRIER, "/run/app/secret/token");
            expect({ mode: token.mode, uid: token.uid, gid: token.gid, content: token.content!.toString() }).to.deep.equal({ mode: 0o400, ...WORKLOAD_USER, content: SECRET_TOKEN });
            expect(await stack.readEntry(CARRIER, "/run/app/app.yaml")).to.deep.include({ mode: 0o444, uid: 0, gid: 0 });
            expect(await stack.readEntry(CARRIER, "/run/app/bin/hook")).to.deep.include({ mode: 0o744 });
            expect(await stack.readEntry(CARRIER, "/run/app/plain.txt")).to.deep.include({ mode: 0o644 });
            expect((await stack.exec(APP, ["/bin/busybox", "cat", "/run/app/secret/token", "/run/app/app.yaml"])).stdout).to.equal(SECRET_TOKEN + CONFIG_TEXT);
            expect(stack.container(CARRIER).payload.uploads.map((u) => u.query)).to.deep.equal(Array(4).fill({ path: "/", noOverwriteDirNonDir: "true" }));
        });

        it("creates the start: false carrier and never starts it", async () => {
            const c = await api.inspectContainer(stack.container(CARRIER).id);
            expect(c.State).to.include({ Status: "created", Running: false, StartedAt: "0001-01-01T00:00:00Z" });
            expect(c.HostConfig).to.deep.include({ NetworkMode: "none", ReadonlyRootfs: false });
            expect((c.HostConfig.Mounts as { VolumeOptions?: { NoCopy?: boolean } }[])[0]!.VolumeOptions?.NoCopy).to.equal(true);
        });

        it("sends init as declared", async () => {
            expect((await api.inspectContainer(stack.container(`${TEST_STACK}-init`).id)).HostConfig.Init).to.equal(true);
        });

        it("describes a container with its state, health and last healthcheck output", async () => {
            const text = await stack.describe(APP);
            expect(text).to.match(new RegExp(`^container ${APP} \\(`));
            expect(text).to.match(/state: running/).and.match(/health: healthy/).and.match(/last healthchecks:/);
        });

        it("destroy() removes every container, volume and network it created, and a second destroy() does nothing", async () => {
            const created = stack.resources.map((r) => r);
            await stack.destroy();
            await stack.destroy();
            for (const r of created) {
                const probe = r.type === CONTAINER ? api.inspectContainer(r.id) : r.type === NETWORK ? api.inspectNetwork(r.id) : api.inspectVolume(r.id);
                const error = await probe.then(() => undefined, (e: unknown) => e);
                expect(error, `${r.type} ${r.name} still exists`).to.be.instanceOf(EngineError).and.have.property("status", 404);
            }
            const filters = { label: [`${STACK_LABEL}=${TEST_STACK}`] };
            expect([...await api.listContainers(filters), ...await api.listVolumes(filters), ...await api.listNetworks(filters)]).to.deep.equal([]);
        });
    });

    describe("refusals", () => {
        const labels = [{ label: STACK_LABEL, value: TEST_STACK }];
        const network = { type: NETWORK, name: "net", inputs: { name: `${TEST_STACK}-refusal`, labels } };

        const partial: RealisedStack[] = [];
        afterEach(async () => {
            for (const stack of partial.splice(0)) await stack.destroy();
        });

        async function refused(resources: RecordedResource[]): Promise<RealisationError> {
            const error = await realiseStack(api, mocksOf(resources)).then((stack) => { partial.push(stack); }, (e: unknown) => e);
            expect(error).to.be.instanceOf(RealisationError);
            partial.push((error as RealisationError).realised);
            return error as RealisationError;
        }

        it("an untranslated field fails naming it and the container, before anything is created for that container", async () => {
            const error = await refused([network, { type: CONTAINER, name: "gpu", inputs: { name: `${TEST_STACK}-gpu`, image, gpus: "all", labels } }]);
            expect(error.message).to.match(new RegExp(`container ${TEST_STACK}-gpu: \`gpus\` is declared`));
            expect(error.realised.resources.map((r) => r.name)).to.deep.equal([`${TEST_STACK}-refusal`]);
            await error.realised.destroy();
            expect(await api.listContainers({ name: [`${TEST_STACK}-gpu`] })).to.deep.equal([]);
        });

        it("a value unknown in the run (a preview's output) fails naming where it is, before anything is sent", async () => {
            const error = await refused([{ type: CONTAINER, name: "unknown", inputs: { name: `${TEST_STACK}-unknown`, image, envs: ["A=1", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"], labels } }]);
            expect(error.message).to.equal("docker:index/container:Container unknown: `envs[1]` is unknown in this run (a preview?); only an applied run's inputs can be realised");
            expect(error.realised.resources).to.deep.equal([]);
        });

        it("an upload into a read-only root is refused by the daemon in its own words, and the container it created is removed", async () => {
            const error = await refused([{ type: CONTAINER, name: "ro", inputs: { name: `${TEST_STACK}-ro`, image, readOnly: true, start: false, networkMode: "none", labels, uploads: [{ file: "/etc/app.conf", content: "x\n" }] } }]);
            expect(error.cause).to.be.instanceOf(ProviderStepError);
            expect((error.cause as ProviderStepError).daemonMessage).to.equal("container rootfs is marked read-only");
            expect(error.message).to.match(new RegExp(`container ${TEST_STACK}-ro: upload of /etc/app.conf: Unable to upload volume content: Error response from daemon: container rootfs is marked read-only`));
            await error.realised.destroy();
            expect(await api.listContainers({ name: [`${TEST_STACK}-ro`] })).to.deep.equal([]);
        });

        it("a file uploaded where the image has a directory is refused (noOverwriteDirNonDir), as the provider's copy is", async () => {
            const error = await refused([{ type: CONTAINER, name: "dir", inputs: { name: `${TEST_STACK}-dir`, image, start: false, networkMode: "none", labels, uploads: [{ file: "/tmp", content: "x\n" }] } }]);
            expect((error.cause as ProviderStepError).daemonMessage).to.equal('cannot overwrite directory "tmp" with non-directory "/"');
        });
    });

    it("reaches an ssh:// engine through `ssh … docker system dial-stdio`, pooling the sessions", async function () {
        const docker = findTool("docker");
        if (!engine.dockerHost.startsWith("unix://") || !docker) this.skip();
        const { fakeSsh } = await import("./support/fakeSsh");
        const fake = fakeSsh(docker!, engine.dockerHost);
        try {
            const remote = await EngineApi.connect("ssh://deploy@engine.example:2222", { ...process.env, PATH: `${fake.dir}:${process.env.PATH}` });
            await Promise.all(Array.from({ length: 12 }, () => remote.listContainers()));
            expect((await remote.version()).Version).to.equal(api.server.Version);
            remote.close();
            const sessions = fake.argv();
            expect(sessions[0]).to.equal("-l deploy -p 2222 -o ConnectTimeout=30 -T -- engine.example docker system dial-stdio");
            expect(sessions.length).to.be.within(1, 4);
        } finally {
            fake.remove();
        }
    });
});
