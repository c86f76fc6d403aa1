import type * as docker from "@pulumi/docker";
import { randomBytes } from "crypto";
import {
    fields, healthcheck, HostPathMapper, isZero, labelMap, mount, nanoCpus, networkEndpoint, portBindings,
    UntranslatedField, upload, UploadPlan, Value, volumeBinds,
} from "./containerFields";

/**
 * A recorded `docker:index/container:Container`'s inputs translated, field by field, into what
 * terraform-provider-docker's resourceDockerContainerCreate sends: the create body, the network connects after
 * create, the uploads before start, and the lifecycle flags. One table row per ContainerArgs field; the type makes
 * the table list every field of the SDK, and a declared field without a translation fails naming it.
 */

export interface Lifecycle {
    readonly start: boolean;
    readonly mustRun: boolean;
    readonly attach: boolean;
    readonly logs: boolean;
    readonly wait: boolean;
    readonly waitTimeoutSeconds: number;
    readonly rm: boolean;
    readonly destroyGraceSeconds: number;
    readonly removeVolumes: boolean;
}

export interface ContainerPlan {
    readonly name: string;
    readonly platform?: string;
    /** `POST /containers/create` body: Config fields, HostConfig, NetworkingConfig. */
    readonly body: Value & { HostConfig: Value };
    /** Connected after create, in declaration order (the provider walks its set in hash order; see realise.ts). */
    readonly networks: readonly { readonly network: string; readonly endpoint: Value }[];
    readonly uploads: readonly UploadPlan[];
    readonly lifecycle: Lifecycle;
    /** Host paths as declared and as used on the engine's host (after `hostPathMap`). */
    readonly hostPaths: readonly { readonly declared: string; readonly used: string }[];
}

export interface PlanContext {
    /** The Pulumi resource name, for auto-naming (`<name>-<7 hex>`, as pulumi-docker's SetAutonaming). */
    readonly resourceName: string;
    readonly mapHost: HostPathMapper;
    readonly apiAtLeast: (version: string) => boolean;
    /** Reads an upload's `source` on the deploying machine. */
    readonly readSource: (path: string) => Buffer;
}

interface Builder {
    /** "container <name>", for messages. */
    readonly container: string;
    readonly ctx: PlanContext;
    name: string;
    platform?: string;
    readonly config: Value;
    readonly host: Value;
    readonly networks: { network: string; endpoint: Value }[];
    readonly uploads: UploadPlan[];
    readonly lifecycle: { -readonly [K in keyof Lifecycle]: Lifecycle[K] };
}

type Rule = { readonly translate: (value: unknown, b: Builder) => void } | { readonly untranslated: string };

const list = (v: unknown) => (v as unknown[]).map(String);
const config = (key: string): Rule => ({ translate: (v, b) => { b.config[key] = v; } });
const host = (key: string, f: (v: unknown) => unknown = (v) => v): Rule => ({ translate: (v, b) => { b.host[key] = f(v); } });
const life = <K extends keyof Lifecycle>(key: K): Rule => ({ translate: (v, b) => { b.lifecycle[key] = v as Lifecycle[K]; } });
const mib = (v: unknown) => Number(v) * 1024 * 1024;
const throttle = (where: string): Rule => ({
    translate: (v, b) => {
        b.host[where] = (v as unknown[]).map((raw, i) => {
            const t = fields(raw, ["path", "rate"], b.container, `${where}[${i}]`);
            return { Path: String(t.path), Rate: Number(t.rate) };
        });
    },
});

/** Every ContainerArgs field, and what the provider's create makes of it. */
export const CONTAINER_FIELDS: { readonly [K in keyof Required<docker.ContainerArgs>]: Rule } = {
    name: { translate: (v, b) => { b.name = String(v); } },
    image: config("Image"),
    hostname: config("Hostname"),
    domainname: config("Domainname"),
    tty: config("Tty"),
    stdinOpen: config("OpenStdin"),
    stopSignal: config("StopSignal"),
    stopTimeout: config("StopTimeout"),
    envs: { translate: (v, b) => { b.config.Env = uniqueEnv(list(v), b.container); } },
    command: { translate: (v, b) => { b.config.Cmd = nonEmpty(list(v), b.container); } },
    entrypoints: { translate: (v, b) => { b.config.Entrypoint = list(v); } },
    user: config("User"),
    workingDir: config("WorkingDir"),
    labels: { translate: (v, b) => { b.config.Labels = labelMap(v, b.container, "labels"); } },
    healthcheck: { translate: (v, b) => { b.config.Healthcheck = healthcheck(v, b.container); } },
    ports: {
        translate: (v, b) => {
            const { exposed, bindings } = portBindings(v as unknown[], b.container);
            b.config.ExposedPorts = exposed;
            b.host.PortBindings = bindings;
        },
    },
    volumes: {
        translate: (v, b) => {
            const { volumes, binds, from } = volumeBinds(v as unknown[], b.container, b.ctx.mapHost);
            if (!isZero(volumes)) b.config.Volumes = volumes;
            if (binds.length > 0) b.host.Binds = binds;
            if (from.length > 0) b.host.VolumesFrom = from;
        },
    },
    mounts: { translate: (v, b) => { b.host.Mounts = (v as unknown[]).map((m, i) => mount(m, i, b.container, b.ctx)); } },
    hosts: {
        translate: (v, b) => {
            b.host.ExtraHosts = (v as unknown[]).map((raw, i) => {
                const h = fields(raw, ["host", "ip"], b.container, `hosts[${i}]`);
                return `${String(h.host)}:${String(h.ip)}`;
            });
        },
    },
    ulimits: {
        translate: (v, b) => {
            b.host.Ulimits = (v as unknown[]).map((raw, i) => {
                const u = fields(raw, ["name", "soft", "hard"], b.container, `ulimits[${i}]`);
                return { Name: String(u.name), Soft: Number(u.soft), Hard: Number(u.hard) };
            });
        },
    },
    privileged: host("Privileged"),
    publishAllPorts: host("PublishAllPorts"),
    restart: { translate: (v, b) => { (b.host.RestartPolicy as Value).Name = String(v); } },
    maxRetryCount: { translate: (v, b) => { (b.host.RestartPolicy as Value).MaximumRetryCount = Number(v); } },
    runtime: host("Runtime"),
    rm: { translate: (v, b) => { b.host.AutoRemove = v; b.lifecycle.rm = v as boolean; } },
    readOnly: host("ReadonlyRootfs"),
    logDriver: { translate: (v, b) => { (b.host.LogConfig as Value).Type = String(v); } },
    logOpts: { translate: (v, b) => { (b.host.LogConfig as Value).Config = v; } },
    tmpfs: host("Tmpfs"),
    capabilities: {
        translate: (v, b) => {
            const c = fields(v, ["adds", "drops"], b.container, "capabilities");
            b.host.CapAdd = list(c.adds ?? []);
            b.host.CapDrop = list(c.drops ?? []);
        },
    },
    devices: {
        translate: (v, b) => {
            b.host.Devices = (v as unknown[]).map((raw, i) => {
                const d = fields(raw, ["hostPath", "containerPath", "permissions"], b.container, `devices[${i}]`);
                return { PathOnHost: String(d.hostPath), PathInContainer: String(d.containerPath || d.hostPath), CgroupPermissions: String(d.permissions ?? "rwm") };
            });
        },
    },
    deviceReadBps: throttle("BlkioDeviceReadBps"),
    deviceReadIops: throttle("BlkioDeviceReadIOps"),
    deviceWriteBps: throttle("BlkioDeviceWriteBps"),
    deviceWriteIops: throttle("BlkioDeviceWriteIOps"),
    deviceRequests: {
        translate: (v, b) => {
            b.host.DeviceRequests = (v as unknown[]).map((raw, i) => {
                const r = fields(raw, ["driver", "count", "deviceIds", "capabilities", "options"], b.container, `deviceRequests[${i}]`);
                return { Driver: String(r.driver ?? "cdi"), Count: Number(r.count ?? 0), DeviceIDs: r.deviceIds ?? [], Capabilities: [r.capabilities ?? []], Options: r.options ?? {} };
            });
        },
    },
    dns: host("DNS"),
    dnsOpts: host("DNSOptions"),
    dnsSearches: host("DNSSearch"),
    securityOpts: {
        translate: (v, b) => {
            const opts = list(v);
            // `systempaths=unconfined` is the client's business: it empties the masked and read-only path lists.
            if (opts.includes("systempaths=unconfined")) {
                b.host.MaskedPaths = [];
                b.host.ReadonlyPaths = [];
            }
            b.host.SecurityOpt = opts.filter((o) => o !== "systempaths=unconfined");
        },
    },
    memory: host("Memory", mib),
    memoryReservation: host("MemoryReservation", mib),
    memorySwap: host("MemorySwap", (v) => (Number(v) > 0 ? mib(v) : Number(v))),
    shmSize: host("ShmSize", mib),
    cpus: { translate: (v, b) => { b.host.NanoCpus = nanoCpus(String(v), `${b.container}: cpus`); } },
    // Ignored by the provider when `cpus` is set; planContainer refuses that combination.
    cpuPeriod: host("CpuPeriod"),
    cpuQuota: host("CpuQuota"),
    cpuShares: host("CpuShares"),
    cpuSet: host("CpusetCpus"),
    networkMode: host("NetworkMode"),
    usernsMode: host("UsernsMode"),
    pidMode: host("PidMode"),
    sysctls: host("Sysctls"),
    ipcMode: host("IpcMode"),
    groupAdds: host("GroupAdd"),
    cgroupnsMode: {
        translate: (v, b) => {
            if (v !== "private" && v !== "host") throw new Error(`${b.container}: cgroupns_mode: invalid CGROUP mode, must be either 'private', 'host' or empty`);
            b.host.CgroupnsMode = v;
        },
    },
    cgroupParent: host("CgroupParent"),
    init: host("Init"),
    storageOpts: host("StorageOpt"),
    platform: {
        translate: (v, b) => {
            if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(String(v))) throw new UntranslatedField(b.container, "platform", `is "${String(v)}": only os/arch[/variant] is translated`);
            b.platform = String(v);
        },
    },
    networksAdvanced: { translate: (v, b) => { b.networks.push(...(v as unknown[]).map((n, i) => networkEndpoint(n, i, b.container))); } },
    uploads: { translate: (v, b) => { b.uploads.push(...uniqueUploads((v as unknown[]).map((u, i) => upload(u, i, b.container, b.ctx.readSource)), b.container)); } },
    start: life("start"),
    mustRun: life("mustRun"),
    attach: life("attach"),
    logs: life("logs"),
    wait: life("wait"),
    waitTimeout: { translate: (v, b) => { b.lifecycle.waitTimeoutSeconds = Number(v); } },
    destroyGraceSeconds: life("destroyGraceSeconds"),
    removeVolumes: life("removeVolumes"),
    // How long the provider's read polls a new container; sends nothing to the engine.
    containerReadRefreshTimeoutMilliseconds: { translate: () => undefined },
    gpus: { untranslated: "the harness does not translate it (the provider parses it with the docker CLI's --gpus parser)" },
    deviceCgroupRules: { untranslated: "the mirrored provider source has no such field, so its translation cannot be read" },
};

/** Booleans the provider reads with d.Get, not d.GetOk: `false` is a value (`start: false` creates, never starts). */
const READ_ALWAYS = new Set(["start", "mustRun", "removeVolumes", "attach", "logs", "wait", "rm", "readOnly", "privileged", "publishAllPorts", "init", "tty", "stdinOpen"]);

/** Schema defaults the provider applies to undeclared fields (resource_docker_container.go). */
const DEFAULTS: Partial<Record<keyof docker.ContainerArgs, unknown>> = {
    start: true, mustRun: true, waitTimeout: 60, restart: "no", networkMode: "bridge", removeVolumes: true,
};

function uniqueEnv(env: string[], container: string): string[] {
    const seen = new Set<string>();
    for (const entry of env) {
        const key = entry.includes("=") ? entry.slice(0, entry.indexOf("=")) : entry;
        if (seen.has(key)) throw new Error(`${container}: \`envs\` sets ${key} twice; which one wins would depend on the provider's set order`);
        seen.add(key);
    }
    return env;
}

function nonEmpty(command: string[], container: string): string[] {
    if (command.some((c) => c === "")) throw new Error(`${container}: values for command may not be empty`);
    return command;
}

function uniqueUploads(uploads: UploadPlan[], container: string): UploadPlan[] {
    const files = uploads.map((u) => u.file);
    const twice = files.find((f, i) => files.indexOf(f) !== i);
    // The provider uploads in its set's hash order; two uploads of one path would leave either one.
    if (twice) throw new Error(`${container}: \`uploads\` writes ${twice} twice; the provider's set order would decide which content stays`);
    return uploads;
}

function emptyBuilder(container: string, ctx: PlanContext): Builder {
    return {
        container,
        ctx,
        name: `${ctx.resourceName}-${randomBytes(4).toString("hex").slice(0, 7)}`,
        config: {},
        // Sent on every create, set or not (d.Get, not d.GetOk); Mounts is always a list, Init always a boolean.
        host: { Privileged: false, PublishAllPorts: false, RestartPolicy: { Name: "no", MaximumRetryCount: 0 }, Runtime: "", Mounts: [], AutoRemove: false, ReadonlyRootfs: false, LogConfig: { Type: "" }, Init: false },
        networks: [],
        uploads: [],
        lifecycle: { start: true, mustRun: true, attach: false, logs: false, wait: false, waitTimeoutSeconds: 60, rm: false, destroyGraceSeconds: 0, removeVolumes: true },
    };
}

/** The provider's create request for a container's recorded (unwrapped) inputs. */
export function planContainer(inputs: Value, ctx: PlanContext): ContainerPlan {
    const container = `container ${String(inputs.name ?? ctx.resourceName)}`;
    const b = emptyBuilder(container, ctx);
    const declared = { ...DEFAULTS, ...inputs } as Value;
    for (const [field, value] of Object.entries(declared)) {
        const rule = (CONTAINER_FIELDS as Record<string, Rule | undefined>)[field];
        if (!rule) throw new UntranslatedField(container, field, "it is not a field of @pulumi/docker 5.2's Container");
        if (isZero(value) && !(READ_ALWAYS.has(field) && value === false)) continue;
        if ("untranslated" in rule) throw new UntranslatedField(container, field, rule.untranslated);
        rule.translate(value, b);
    }
    for (const field of ["cpuPeriod", "cpuQuota"] as const) {
        // The provider drops these when `cpus` is set (a log line, nothing more): declared but not applied.
        if (b.host.NanoCpus !== undefined && !isZero(inputs[field])) throw new UntranslatedField(container, field, "the provider ignores it when `cpus` is set");
    }
    const hostPaths = collectHostPaths(inputs, ctx.mapHost);
    return { name: b.name, platform: b.platform, body: { ...b.config, HostConfig: b.host, NetworkingConfig: {} }, networks: b.networks, uploads: b.uploads, lifecycle: b.lifecycle, hostPaths };
}

function collectHostPaths(inputs: Value, mapHost: HostPathMapper): { declared: string; used: string }[] {
    const declared = [
        ...((inputs.volumes ?? []) as Value[]).filter((v) => v.hostPath).map((v) => String(v.hostPath)),
        ...((inputs.mounts ?? []) as Value[]).filter((m) => m.type === "bind" && m.source).map((m) => String(m.source)),
    ];
    return declared.map((d) => ({ declared: d, used: mapHost(d) }));
}
