/**
 * The nested container fields translated to the Engine API the way terraform-provider-docker's create function does
 * (internal/provider/resource_docker_container_funcs.go and _structures.go: portSetToDockerPorts,
 * volumeSetToDockerVolumes, the mounts loop, the healthcheck block, networks_advanced, upload). Each helper rejects
 * sub-fields it does not know by name: nothing declared is dropped here without saying so.
 */

export type Value = Record<string, unknown>;

/** Terraform's GetOk: false, 0, "", empty lists and maps count as not set. */
export function isZero(value: unknown): boolean {
    if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value as object).length === 0;
    return false;
}

export class UntranslatedField extends Error {
    constructor(readonly container: string, readonly field: string, reason: string) {
        super(`${container}: \`${field}\` is declared but ${reason}`);
        this.name = "UntranslatedField";
    }
}

/** The sub-fields of `value` at `where`, failing on any declared one outside `known`. */
export function fields(value: unknown, known: readonly string[], container: string, where: string): Value {
    const object = (value ?? {}) as Value;
    for (const [key, sub] of Object.entries(object)) {
        if (!known.includes(key) && !isZero(sub)) throw new UntranslatedField(container, `${where}.${key}`, "the harness does not translate it");
    }
    return object;
}

const UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration ("15s", "1m30s", "250ms") in nanoseconds, as the healthcheck durations are parsed. */
export function goDuration(text: string, where: string): number {
    if (text === "0") return 0;
    const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
    if (!match) throw new Error(`${where} is "${text}": not a Go duration (e.g. "15s", "5m", "1h30m")`);
    let total = 0;
    for (const part of match[2]!.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += parseFloat(part[1]!) * UNITS[part[2]!]!;
    return Math.round(match[1] === "-" ? -total : total);
}

/** docker/cli opts.ParseCPUs: a decimal or a/b ratio, times 10^9, which must come out whole. */
export function nanoCpus(text: string, where: string): number {
    const ratio = /^(\d+)\/(\d+)$/.exec(text);
    const decimal = /^(\d*)(?:\.(\d*))?$/.exec(text);
    let nano: number;
    if (ratio) nano = (Number(ratio[1]) * 1e9) / Number(ratio[2]);
    else if (decimal && text !== "" && text !== ".") {
        if ((decimal[2] ?? "").replace(/0+$/, "").length > 9) throw new Error(`${where}: value is too precise`);
        nano = Number(decimal[1] || "0") * 1e9 + Number((decimal[2] ?? "").padEnd(9, "0").slice(0, 9));
    } else throw new Error(`${where}: failed to parse ${text} as a rational number`);
    if (!Number.isInteger(nano)) throw new Error(`${where}: value is too precise`);
    return nano;
}

/** `ports` → ExposedPorts and PortBindings; an undeclared `external` is 0 (a random host port), `ip` 0.0.0.0. */
export function portBindings(ports: readonly unknown[], container: string): { exposed: Value; bindings: Record<string, Value[]> } {
    const exposed: Value = {};
    const bindings: Record<string, Value[]> = {};
    ports.forEach((raw, i) => {
        const port = fields(raw, ["internal", "external", "ip", "protocol"], container, `ports[${i}]`);
        const key = `${Number(port.internal)}/${String(port.protocol ?? "tcp")}`;
        exposed[key] = {};
        (bindings[key] ??= []).push({ HostIp: String(port.ip ?? "0.0.0.0"), HostPort: String(port.external ?? 0) });
    });
    return { exposed, bindings };
}

export interface HostPathMapper {
    /** The path to use on the engine's host for a declared host path (identity unless mapped). */
    (declared: string): string;
}

/** `volumes` → Config.Volumes, HostConfig.Binds and VolumesFrom, as volumeSetToDockerVolumes builds them. */
export function volumeBinds(volumes: readonly unknown[], container: string, mapHost: HostPathMapper): { volumes: Value; binds: string[]; from: string[] } {
    const result = { volumes: {} as Value, binds: [] as string[], from: [] as string[] };
    volumes.forEach((raw, i) => {
        const v = fields(raw, ["fromContainer", "containerPath", "volumeName", "hostPath", "readOnly", "selinuxRelabel"], container, `volumes[${i}]`);
        const fromContainer = String(v.fromContainer ?? "");
        const containerPath = String(v.containerPath ?? "");
        // host_path wins over volume_name.
        const source = v.hostPath ? mapHost(String(v.hostPath)) : String(v.volumeName ?? "");
        if (!fromContainer && !containerPath) throw new Error(`${container}: volumes[${i}]: volume entry without container path or source container`);
        if (fromContainer && containerPath) throw new Error(`${container}: volumes[${i}]: both a container and a path specified in a volume entry`);
        if (fromContainer) {
            result.from.push(fromContainer);
            return;
        }
        result.volumes[containerPath] = {};
        if (!source) return;
        const mode = (v.readOnly ? "ro" : "rw") + (v.selinuxRelabel ? `,${String(v.selinuxRelabel)}` : "");
        result.binds.push(`${source}:${containerPath}:${mode}`);
    });
    return result;
}

function labelMap(labels: unknown, container: string, where: string): Record<string, string> {
    const map: Record<string, string> = {};
    ((labels ?? []) as unknown[]).forEach((raw, i) => {
        const l = fields(raw, ["label", "value"], container, `${where}[${i}]`);
        const key = String(l.label);
        // A set keyed by the whole element: two values for one key end up in hash order, not declaration order.
        if (key in map) throw new Error(`${container}: \`${where}\` declares "${key}" twice; the provider's result would depend on set order`);
        map[key] = String(l.value);
    });
    return map;
}

export { labelMap };

/** One `mounts` entry → a HostConfig.Mounts element; options of another mount type are refused, as the provider ignores them. */
export function mount(raw: unknown, i: number, container: string, ctx: { mapHost: HostPathMapper; apiAtLeast: (v: string) => boolean }): Value {
    const where = `mounts[${i}]`;
    const m = fields(raw, ["type", "target", "source", "readOnly", "bindOptions", "volumeOptions", "tmpfsOptions"], container, where);
    const type = String(m.type);
    const out: Value = { Type: type, Target: String(m.target), Source: type === "bind" ? ctx.mapHost(String(m.source ?? "")) : String(m.source ?? ""), ReadOnly: m.readOnly === true };
    for (const [option, owner] of [["bindOptions", "bind"], ["volumeOptions", "volume"], ["tmpfsOptions", "tmpfs"]] as const) {
        if (m[option] !== undefined && type !== owner) throw new UntranslatedField(container, `${where}.${option}`, `the provider ignores it on a ${type} mount`);
    }
    if (type === "bind" && m.bindOptions !== undefined) {
        const b = fields(m.bindOptions, ["propagation"], container, `${where}.bindOptions`);
        out.BindOptions = b.propagation ? { Propagation: String(b.propagation) } : {};
    }
    if (type === "volume" && m.volumeOptions !== undefined) out.VolumeOptions = volumeOptions(m.volumeOptions, container, `${where}.volumeOptions`, ctx.apiAtLeast);
    if (type === "tmpfs" && m.tmpfsOptions !== undefined) {
        const t = fields(m.tmpfsOptions, ["sizeBytes", "mode"], container, `${where}.tmpfsOptions`);
        out.TmpfsOptions = { SizeBytes: Number(t.sizeBytes ?? 0), Mode: Number(t.mode ?? 0) };
    }
    return out;
}

function volumeOptions(raw: unknown, container: string, where: string, apiAtLeast: (v: string) => boolean): Value {
    const o = fields(raw, ["noCopy", "labels", "driverName", "driverOptions", "subpath"], container, where);
    // The provider checks the client version for every volume_options block, subpath or not.
    if (!apiAtLeast("1.45")) throw new Error(`${container}: ${where}: Setting VolumeOptions.Subpath requires docker version 1.45 or higher`);
    const out: Value = { NoCopy: o.noCopy === true, Labels: labelMap(o.labels, container, `${where}.labels`) };
    if (o.driverName !== undefined || o.driverOptions !== undefined) {
        out.DriverConfig = { Name: String(o.driverName ?? ""), Options: (o.driverOptions ?? {}) as Record<string, string> };
    }
    if (o.subpath) out.Subpath = String(o.subpath);
    return out;
}

/** The healthcheck block → Config.Healthcheck (durations in ns; 0 lets the daemon default them). */
export function healthcheck(raw: unknown, container: string): Value {
    const h = fields(raw, ["tests", "interval", "timeout", "startPeriod", "startInterval", "retries"], container, "healthcheck");
    const duration = (key: string) => goDuration(String(h[key] ?? "0s"), `${container}: healthcheck.${key}`);
    return {
        Test: ((h.tests ?? []) as unknown[]).map(String),
        Interval: duration("interval"),
        Timeout: duration("timeout"),
        StartPeriod: duration("startPeriod"),
        StartInterval: duration("startInterval"),
        Retries: Number(h.retries ?? 0),
    };
}

/** One `networksAdvanced` entry → the network and the EndpointSettings the provider connects with after create. */
export function networkEndpoint(raw: unknown, i: number, container: string): { network: string; endpoint: Value } {
    const n = fields(raw, ["name", "aliases", "ipv4Address", "ipv6Address", "linkLocalIps", "macAddress", "driverOpts", "gwPriority"], container, `networksAdvanced[${i}]`);
    const ipam: Value = {};
    if (n.ipv4Address) ipam.IPv4Address = String(n.ipv4Address);
    if (n.ipv6Address) ipam.IPv6Address = String(n.ipv6Address);
    if (!isZero(n.linkLocalIps)) ipam.LinkLocalIPs = (n.linkLocalIps as unknown[]).map(String);
    const endpoint: Value = { Aliases: ((n.aliases ?? []) as unknown[]).map(String), IPAMConfig: ipam };
    if (n.macAddress) endpoint.MacAddress = String(n.macAddress);
    if (!isZero(n.driverOpts)) {
        // "key=value" strings; entries without "=" are skipped, as stringSetToMapStringString does.
        endpoint.DriverOpts = Object.fromEntries((n.driverOpts as string[]).filter((s) => s.includes("=")).map((s) => [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1)]));
    }
    if (n.gwPriority) endpoint.GwPriority = Number(n.gwPriority);
    return { network: String(n.name), endpoint };
}

export interface UploadPlan {
    readonly file: string;
    readonly mode: number;
    readonly uid: number;
    readonly gid: number;
    readonly content: Buffer;
}

function numericId(value: unknown, container: string, where: string): number {
    if (isZero(value)) return 0;
    const text = String(value);
    // The schema resolves names on the deploying machine, so a name would make the file's owner depend on who deploys.
    if (!/^\d+$/.test(text)) throw new UntranslatedField(container, where, `is "${text}", a name: only numeric IDs are translated (names resolve on the deploying machine)`);
    return Number(text);
}

/** One `uploads` entry as the provider tars it: exactly one content source; mode from `permissions`, else 0744/0644. */
export function upload(raw: unknown, i: number, container: string, readSource: (path: string) => Buffer): UploadPlan {
    const where = `uploads[${i}]`;
    const u = fields(raw, ["file", "content", "contentBase64", "source", "sourceHash", "executable", "permissions", "owner", "group"], container, where);
    const sources = [u.content, u.contentBase64, u.source].filter((s) => !isZero(s));
    if (sources.length === 0) throw new Error(`${container}: ${where} (${String(u.file)}): error with upload content: one of 'content', 'content_base64', or 'source' must be set`);
    if (sources.length > 1) throw new Error(`${container}: ${where} (${String(u.file)}): error with upload content: only one of 'content', 'content_base64', or 'source' can be set`);
    const content = !isZero(u.content) ? Buffer.from(String(u.content), "utf8")
        : !isZero(u.contentBase64) ? Buffer.from(String(u.contentBase64), "base64")
        : readSource(String(u.source));
    const permissions = isZero(u.permissions) ? undefined : String(u.permissions);
    if (permissions !== undefined && !/^0[0-7]{3}$/.test(permissions)) throw new Error(`${container}: ${where}.permissions is "${permissions}": expected ^0[0-7]{3}$`);
    const mode = permissions !== undefined ? parseInt(permissions, 8) : u.executable ? 0o744 : 0o644;
    return { file: String(u.file), mode, uid: numericId(u.owner, container, `${where}.owner`), gid: numericId(u.group, container, `${where}.group`), content };
}
