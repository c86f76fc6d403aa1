import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { DEFAULT_IMAGES } from "../../../components/settings/defaults";
import { RecordedResource, unwrap } from "../../../harness/mocks";
import { EXAMPLE_SECRETS, runProgram, valueOf } from "../../../harness/runProgram";
import { freePort } from "../../support/servers";
import { findTool } from "../../support/tools";
import { ensureImages } from "../images/build";
import { S3_STANDIN_IMAGE } from "../images/s3-standin";
import { TestCa } from "../../support/stackFiles";
import { tarArchive } from "./engineStreams";
import type { StackSettings } from "../../../components/settings/types";
import { Engine } from "./dockerd";
import { ContainerInspect, EngineApi, ExecResult } from "./engineApi";
import type { TarEntry } from "./engineStreams";
import { removeContainer, removeVolume } from "./providerSteps";
import { RealisticMocks, runRealistic } from "./realMocks";
import { CONTAINER, NETWORK, RealisationError, realiseStack, RealisedStack, removeLeftovers, STACK_LABEL, VOLUME } from "./realise";

/**
 * One stack of the program, realised on a real engine for the container suite: the program run under mocks whose
 * outputs are real (passwords, bcrypt hashes, keys, certificates, local image IDs), its declared networks, volumes
 * and containers created as the Docker provider creates them, and a receiver for Alertmanager's webhooks.
 */

/** The two Docker targets the suite proves. */
export interface Target {
    readonly label: string;
    readonly stack: string;
    /** Whether its settings route Watchdog to a dead-man's switch (`alerting.watchdog`). */
    readonly deadMansSwitch: boolean;
    /** Whether it copies its backups off the host, to the suite's S3 stand-in (`backup.offsite`). */
    readonly offsite: boolean;
    /** Stack configuration the suite changes, and why (the README lists these). */
    readonly overrides: (ports: EdgePorts, fixtures: SuiteFixtures) => Record<string, unknown>;
}

/** What the suite runs beside a stack, which its configuration names. */
export interface SuiteFixtures {
    /** The CA that issued the S3 stand-in's certificate (`backup.offsite.caCertificate`). */
    readonly s3CaPem: string;
}

export interface EdgePorts {
    readonly http: number;
    readonly https: number;
}

/**
 * The backup job's schedule in the suite: every minute for 24 minutes from a minute after the program runs (a slot the
 * job is not up for yet is simply missed), so scheduled runs happen while the suite looks. 24 is the most it may hold.
 */
export function suiteBackupSchedule(now: Date = new Date()): string[] {
    return Array.from({ length: 24 }, (_, i) => new Date(now.getTime() + (1 + i) * 60_000).toISOString().slice(11, 16));
}

/**
 * Both publish the edge on free loopback ports (a shared machine may hold 8080/8443), and run the backup job every
 * minute (suiteBackupSchedule). Production runs on Docker without its domain: no ACME CA is reachable here, so the
 * edge serves the internal CA's certificates for the `*.localhost` names as the local default does; the team's API
 * image is replaced by the local stand-in.
 */
export const TARGETS: readonly Target[] = [
    {
        label: "the local default stack (dev)",
        stack: "dev",
        deadMansSwitch: false,
        offsite: true,
        overrides: (ports, fixtures) => ({
            edge: { httpPort: ports.http, httpsPort: ports.https },
            backup: {
                schedule: suiteBackupSchedule(),
                offsite: { endpoint: `https://${S3_ALIAS}:${S3_PORT}`, region: "us-east-1", bucket: S3_BUCKET, caCertificate: fixtures.s3CaPem },
            },
        }),
    },
    {
        label: "production's settings on Docker",
        stack: "production",
        deadMansSwitch: true,
        offsite: false,
        overrides: (ports) => ({
            platform: "docker",
            domain: undefined,
            acmeEmail: undefined,
            dnsZone: undefined,
            publicAddress: undefined,
            edge: { bindAddress: "127.0.0.1", httpPort: ports.http, httpsPort: ports.https },
            images: { api: DEFAULT_IMAGES.api },
            backup: { schedule: suiteBackupSchedule() },
        }),
    },
];

/** The suite's S3-compatible endpoint on the stack's edge network (test/containers/images/s3-standin.ts). */
export const S3_ALIAS = "s3-standin";
const S3_PORT = 9443;
export const S3_BUCKET = "suite-backups";

/** The alias of the suite's webhook receiver on the stack's edge network. */
export const RECEIVER_ALIAS = "receiver";
const RECEIVER_PORT = 8080;

/** Receiver credentials point at the suite's receiver, so Alertmanager's deliveries are observed, not lost. */
export const RECEIVER_SECRETS: Readonly<Record<string, string>> = {
    ...EXAMPLE_SECRETS,
    slackWebhookUrl: `http://${RECEIVER_ALIAS}:${RECEIVER_PORT}/slack`,
    watchdogUrl: `http://${RECEIVER_ALIAS}:${RECEIVER_PORT}/watchdog`,
    webhookUrl: `http://${RECEIVER_ALIAS}:${RECEIVER_PORT}/webhook`,
    // The S3 stand-in takes any key; these must still never show in plain sight.
    backupS3AccessKeyId: "AKIASUITESTANDIN0000",
    backupS3SecretAccessKey: "suite/standin+Secret=0123456789abcdefABCDEF",
};

/** Logs each request's method, path and body on one line, answers 200; nothing else. */
const RECEIVER_PROGRAM = `
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print("POST", self.path, body.decode("utf-8", "replace").replace("\\n", " "), flush=True)
        self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("0.0.0.0", ${RECEIVER_PORT}), H).serve_forever()
`;

export interface StackUnderTest {
    readonly target: Target;
    readonly ports: EdgePorts;
    /** The settings the program read for this run. */
    readonly settings: StackSettings;
    readonly mocks: RealisticMocks;
    /** The stack's internal CA certificate (PEM): what a client of the edge trusts for `*.localhost`. */
    readonly caPem: string;
    /** Every secret value the program generated or was given: none may appear in plain sight. */
    readonly secrets: readonly string[];
    readonly api: EngineApi;
    /** Host-level name prefix, e.g. `service-stack-dev-`. */
    readonly prefix: string;
    /** The engine ID of a container, by its name without the prefix (`postgres`, `metrics-node`). */
    id(name: string): string;
    exec(name: string, argv: readonly string[]): Promise<ExecResult>;
    readEntry(name: string, path: string): Promise<TarEntry>;
    waitHealthy(name: string, timeoutMs: number): Promise<ContainerInspect>;
    describe(name: string): Promise<string>;
    /** Replaces a container as `pulumi up` does when its inputs change: the provider's delete, then its create. */
    recreate(name: string): Promise<void>;
    /**
     * Loses a container's state volume: the container removed, the volume removed (its data gone), then both created
     * again from their declared inputs, as `pulumi up` would after the volume was deleted on the host.
     */
    replaceVolume(name: string, volume: string): Promise<void>;
    /** Declared inputs of a container (secrets unwrapped) by its engine name without the prefix. */
    inputsOf(name: string): Record<string, unknown>;
    /** The carrier-delivered files of a workload container: path, owner, group, mode, content. */
    filesOf(name: string): { file: string; owner: string; group: string; permissions: string; content: string }[];
    /** Removes everything the suite created for this stack. */
    destroy(): Promise<void>;
}

/** The image references a stack pulls, from a plain mocked run (no engine needed). */
async function imageReferences(stack: string, overrides: Record<string, unknown>): Promise<string[]> {
    const { mocks } = await runProgram(stack, overrides, RECEIVER_SECRETS);
    return mocks.ofType("docker:index/remoteImage:RemoteImage").map((r) => String(unwrap(r.inputs.name)));
}

/** Every generated or configured secret value of the run, for leak checks. */
function secretValues(mocks: RealisticMocks): string[] {
    const values: string[] = Object.values(RECEIVER_SECRETS);
    for (const r of mocks.resources) {
        if (r.type === "random:index/randomPassword:RandomPassword") {
            const state = mocks.stateOf(r.type, r.name);
            values.push(String(state.result), String(state.bcryptHash));
        } else if (r.type === "tls:index/privateKey:PrivateKey") {
            // The key's base64 body lines: a PEM header alone is not a secret.
            const pem = String(mocks.stateOf(r.type, r.name).privateKeyPem);
            values.push(...pem.split("\n").filter((l) => l.length >= 40 && !l.startsWith("-----")));
        }
    }
    return values;
}

/** Starts the suite's receiver on the stack's edge network before anything can send to it. */
async function startReceiver(api: EngineApi, stack: string, edgeNetwork: string, image: string): Promise<string> {
    const name = `service-stack-${stack}-suite-receiver`;
    const created = await api.createContainer(name, {
        Image: image,
        Entrypoint: ["python3", "-c", RECEIVER_PROGRAM],
        Cmd: [],
        User: "65534:65534",
        Labels: { [STACK_LABEL]: stack },
        HostConfig: { NetworkMode: edgeNetwork, ReadonlyRootfs: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"], Memory: 64 * 1024 * 1024 },
        NetworkingConfig: { EndpointsConfig: { [edgeNetwork]: { Aliases: [RECEIVER_ALIAS] } } },
    });
    await api.startContainer(created.Id);
    return created.Id;
}

/**
 * Starts the S3 stand-in on the stack's edge network with a certificate for its alias (its files go in before start:
 * a fixture, its root stays writable for that). `created` gets its ID at once, so a failed start is still removed.
 */
async function startS3StandIn(api: EngineApi, stack: string, edgeNetwork: string, image: string, tls: { cert: string; key: string }, created: (id: string) => void): Promise<void> {
    const container = await api.createContainer(`service-stack-${stack}-suite-s3`, {
        Image: image,
        Cmd: ["/srv/tls.crt", "/srv/tls.key", S3_BUCKET, String(S3_PORT)],
        User: "65534:65534",
        Labels: { [STACK_LABEL]: stack },
        HostConfig: { NetworkMode: edgeNetwork, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"], Memory: 256 * 1024 * 1024 },
        NetworkingConfig: { EndpointsConfig: { [edgeNetwork]: { Aliases: [S3_ALIAS] } } },
    });
    created(container.Id);
    const entry = (name: string, content: string, mode: number) => ({ name, type: "file" as const, mode, uid: 65534, gid: 65534, mtime: new Date(), content: Buffer.from(content) });
    await api.putArchive(container.Id, "/srv", tarArchive([entry("tls.crt", tls.cert, 0o444), entry("tls.key", tls.key, 0o400)]));
    await api.startContainer(container.Id);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        const logs = await api.logs(container.Id);
        if (logs.stdout.toString("utf8").includes(`serving bucket ${S3_BUCKET}`)) return;
        await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`the S3 stand-in did not serve within 60 s:\n${(await api.logs(container.Id)).stderr.toString("utf8").slice(-2000)}`);
}

/**
 * Brings a target up on the engine: images ensured, the program run, networks, the receiver, then volumes and
 * containers realised in the program's order. Leftovers of an earlier crashed run of the same stack are removed
 * first (only on the suite's own daemon).
 */
export async function bringUp(engine: Engine, api: EngineApi, target: Target, log: (line: string) => void): Promise<StackUnderTest> {
    const ports = { http: await freePort(), https: await freePort() };
    const openssl = findTool("openssl");
    if (!openssl) throw new Error("openssl is not installed (apt-get install openssl)");
    const pki = fs.mkdtempSync(path.join(os.tmpdir(), "service-stack-suite-s3-"));
    const s3Ca = new TestCa(openssl, pki);
    const s3Tls = s3Ca.issue(S3_ALIAS, [S3_ALIAS]);
    fs.rmSync(pki, { recursive: true, force: true });
    const overrides = target.overrides(ports, { s3CaPem: s3Ca.caPem });
    const prefix = `service-stack-${target.stack}-`;
    if (engine.ownDaemon) {
        const removed = await removeLeftovers(api, target.stack, { ownDaemon: true });
        if (removed.length > 0) log(`removed leftovers of an earlier run: ${removed.join(", ")}`);
    }
    const references = await imageReferences(target.stack, overrides);
    const started = Date.now();
    const images = await ensureImages(engine, [...references, DEFAULT_IMAGES.grafana, ...(target.offsite ? [S3_STANDIN_IMAGE] : [])]);
    log(`images ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${references.length} references`);
    const run = await runRealistic(target.stack, overrides, RECEIVER_SECRETS, {
        openssl,
        imageIdFor: (reference) => {
            const id = images.get(reference);
            if (!id) throw new Error(`no stand-in image for ${reference}`);
            return id;
        },
    });
    const mocks = run.mocks;
    const info = await api.info();
    // The Docker host's own socket and data-root, for cAdvisor, are this daemon's when it runs on this machine.
    const local = engine.ownDaemon || engine.dockerHost.startsWith("unix://");
    const hostPathMap: Record<string, string> = local ? { "/var/run/docker.sock": engine.dockerHost.replace(/^unix:\/\//, ""), "/var/lib/docker": info.DockerRootDir } : {};
    const parts: RealisedStack[] = [];
    let receiver: string | undefined;
    let s3: string | undefined;
    // Containers and volumes first (later parts), then the receiver, then the networks (the first part).
    const destroy = async () => {
        for (const part of parts.slice(1).reverse()) await part.destroy();
        if (receiver) await api.removeContainer(receiver, { force: true }).catch(() => undefined);
        if (s3) await api.removeContainer(s3, { force: true }).catch(() => undefined);
        await parts[0]?.destroy();
    };
    try {
        const networks = await realiseStack(api, mocks, { hostPathMap, include: (r) => r.type === NETWORK });
        parts.push(networks);
        const edge = networks.resources.find((r) => r.name === `${prefix}edge`);
        if (!edge) throw new Error(`the ${target.stack} stack declares no network ${prefix}edge`);
        receiver = await startReceiver(api, target.stack, edge.name, images.get(DEFAULT_IMAGES.grafana)!);
        if (target.offsite) await startS3StandIn(api, target.stack, edge.name, images.get(S3_STANDIN_IMAGE)!, s3Tls, (id) => (s3 = id));
        const rest = await realiseStack(api, mocks, { hostPathMap, include: (r) => r.type !== NETWORK, log });
        parts.push(rest);
    } catch (error) {
        if (error instanceof RealisationError) parts.push(error.realised);
        await destroy();
        throw error;
    }
    const declared = (name: string): RecordedResource => {
        const found = mocks.ofType(CONTAINER).find((c) => unwrap(c.inputs.name) === `${prefix}${name}`);
        if (!found) throw new Error(`no declared container ${prefix}${name}`);
        return found;
    };
    // The latest realisation of a container wins: recreate() adds one.
    const realisedAs = (name: string) => {
        for (const part of [...parts].reverse()) {
            const found = part.containers.find((c) => c.name === `${prefix}${name}`);
            if (found) return { part, id: found.id, payload: found.payload };
        }
        throw new Error(`no realised container ${prefix}${name}`);
    };
    return {
        target,
        ports,
        settings: run.outputs.settings,
        mocks,
        caPem: await valueOf(run.outputs.caCertificate),
        secrets: secretValues(mocks),
        api,
        prefix,
        id: (name) => realisedAs(name).id,
        exec: (name, argv) => api.exec(realisedAs(name).id, argv),
        readEntry: (name, path) => api.readEntry(realisedAs(name).id, path),
        waitHealthy: (name, ms) => realisedAs(name).part.waitHealthy(`${prefix}${name}`, ms),
        describe: (name) => realisedAs(name).part.describe(`${prefix}${name}`),
        recreate: async (name) => {
            const { id, payload } = realisedAs(name);
            await removeContainer(api, id, payload.lifecycle);
            const resourceName = declared(name).name;
            parts.push(await realiseStack(api, mocks, { hostPathMap, include: (r) => r.type === CONTAINER && r.name === resourceName }));
        },
        replaceVolume: async (name, volume) => {
            const { id, payload } = realisedAs(name);
            const declaredVolume = mocks.ofType(VOLUME).find((v) => unwrap(v.inputs.name) === volume);
            if (!declaredVolume) throw new Error(`no declared volume ${volume}`);
            await removeContainer(api, id, payload.lifecycle);
            await removeVolume(api, volume);
            const resources = [declaredVolume.name, declared(name).name];
            parts.push(await realiseStack(api, mocks, { hostPathMap, include: (r) => (r.type === VOLUME || r.type === CONTAINER) && resources.includes(r.name) }));
        },
        inputsOf: (name) => unwrap(declared(name).inputs) as Record<string, unknown>,
        filesOf: (name) => {
            // A container without files (cAdvisor) has no carrier.
            if (!mocks.ofType(CONTAINER).some((c) => unwrap(c.inputs.name) === `${prefix}${name}-files`)) return [];
            const carrier = unwrap(declared(`${name}-files`).inputs) as { uploads?: { file: string; owner: string; group: string; permissions: string; content: string }[] };
            return carrier.uploads ?? [];
        },
        destroy,
    };
}

/** Names of every container of the stack that runs (carriers are never started), without the prefix. */
export function runningContainers(sut: StackUnderTest): string[] {
    return sut.mocks.ofType(CONTAINER)
        .map((c) => unwrap(c.inputs) as { name: string; start?: boolean })
        .filter((c) => c.start !== false)
        .map((c) => c.name.slice(sut.prefix.length));
}

/** The job names and rule count the rendered Prometheus files declare. */
export function prometheusExpectations(sut: StackUnderTest): { jobs: Map<string, number>; rules: number } {
    const files = sut.filesOf("prometheus");
    const config = parse(files.find((f) => f.file.endsWith("/prometheus.yml"))!.content) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
    const jobs = new Map(config.scrape_configs.map((j) => [j.job_name, (j.static_configs ?? []).reduce((n, s) => n + s.targets.length, 0)]));
    let rules = 0;
    for (const f of files.filter((x) => x.file.includes("/rules/"))) {
        for (const group of (parse(f.content) as { groups: { rules: unknown[] }[] }).groups) rules += group.rules.length;
    }
    return { jobs, rules };
}
