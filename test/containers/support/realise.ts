import * as fs from "fs";
import { RecordedResource, RecordingMocks, unwrap } from "../../../harness/mocks";
import { planContainer } from "./containerPlan";
import { Value } from "./containerFields";
import { ContainerInspect, EngineApi, ExecResult } from "./engineApi";
import { TarEntry } from "./engineStreams";
import { planNetwork, planVolume } from "./networkVolumePlan";
import { ContainerPayload, createContainer, createNetwork, createVolume, removeContainer, removeNetwork, removeVolume } from "./providerSteps";
import { describeContainer, waitHealthy } from "./realiseDiagnostics";

/**
 * Realises a mocked run's Docker networks, volumes and containers on a real engine, exactly as the Docker provider
 * would create them, and hands back what it sent and a handle to check and remove them. A test of declared inputs:
 * `pulumi up` stays the only way to deploy.
 */

export const NETWORK = "docker:index/network:Network";
export const VOLUME = "docker:index/volume:Volume";
export const CONTAINER = "docker:index/container:Container";
/** The label every resource of a stack carries (components/docker). */
export const STACK_LABEL = "com.service-stack.stack";
/** Stack label values reserved for tests: their leftovers may be removed on any daemon. */
export const TEST_STACK_PREFIX = "service-stack-test-";

export interface RealiseOptions {
    /**
     * Host paths to substitute, by longest prefix: e.g. the Docker host's `/var/run/docker.sock` and `/var/lib/docker`
     * to the suite's own daemon's socket and data-root. Everything else is passed as declared.
     */
    readonly hostPathMap?: Readonly<Record<string, string>>;
    /** Which recorded resources to realise (default: every network, volume and container). */
    readonly include?: (resource: RecordedResource) => boolean;
    /** Progress lines (default: none). */
    readonly log?: (line: string) => void;
}

export interface RealisedResource {
    readonly type: typeof NETWORK | typeof VOLUME | typeof CONTAINER;
    /** The Pulumi resource name. */
    readonly resourceName: string;
    /** The name on the engine. */
    readonly name: string;
    /** Network or container ID; a volume's name. */
    readonly id: string;
    /** Exactly what was sent: the create body (network, volume) or every call of the container's create. */
    readonly payload: Value | ContainerPayload;
}

export interface RealisedContainer extends RealisedResource {
    readonly type: typeof CONTAINER;
    readonly payload: ContainerPayload;
}

/** A realisation that failed part-way: `realised` holds what exists, for diagnosis and `destroy()`. */
export class RealisationError extends Error {
    constructor(override readonly cause: unknown, readonly realised: RealisedStack) {
        super((cause as Error)?.message ?? String(cause));
        this.name = "RealisationError";
    }
}

/** Maps a declared host path through `map` by its longest matching prefix (at a path boundary). */
export function hostPathMapper(map: Readonly<Record<string, string>> = {}): (declared: string) => string {
    const prefixes = Object.keys(map).sort((a, b) => b.length - a.length);
    return (declared) => {
        const prefix = prefixes.find((p) => declared === p || declared.startsWith(p.endsWith("/") ? p : `${p}/`));
        return prefix === undefined ? declared : map[prefix]! + declared.slice(prefix.length);
    };
}

export class RealisedStack {
    readonly resources: RealisedResource[] = [];
    private readonly pending: { type: RealisedResource["type"]; id: string; name: string }[] = [];
    private destroyed = false;

    constructor(readonly api: EngineApi) {}

    get containers(): RealisedContainer[] {
        return this.resources.filter((r): r is RealisedContainer => r.type === CONTAINER);
    }

    /** A realised container by its engine name or its Pulumi resource name. */
    container(name: string): RealisedContainer {
        const found = this.containers.find((c) => c.name === name || c.resourceName === name);
        if (!found) throw new Error(`no realised container ${name}; have ${this.containers.map((c) => c.name).join(", ")}`);
        return found;
    }

    /** Records an ID the moment the engine has it, so a later failure still removes it. */
    track(type: RealisedResource["type"], id: string, name: string): void {
        this.pending.push({ type, id, name });
    }

    add(resource: RealisedResource): void {
        this.resources.push(resource);
    }

    /** Polls until the container is healthy; fails naming it, with its state, logs and last healthcheck outputs. */
    waitHealthy(name: string, timeoutMs: number): Promise<ContainerInspect> {
        return waitHealthy(this.api, this.container(name).id, this.container(name).name, timeoutMs);
    }

    exec(name: string, argv: readonly string[], options: { user?: string } = {}): Promise<ExecResult> {
        return this.api.exec(this.container(name).id, argv, options);
    }

    async readFile(name: string, path: string): Promise<Buffer> {
        return (await this.readEntry(name, path)).content!;
    }

    /** A file of the container with its mode and numeric owner. */
    readEntry(name: string, path: string): Promise<TarEntry> {
        return this.api.readEntry(this.container(name).id, path);
    }

    /** The diagnostic text: state, health, last healthcheck outputs and the last 30 log lines. */
    describe(name: string): Promise<string> {
        return describeContainer(this.api, this.container(name).id, this.container(name).name);
    }

    /** Removes everything this realisation created: containers (forced), then volumes, then networks. Idempotent. */
    async destroy(): Promise<void> {
        if (this.destroyed) return;
        const byType = (type: RealisedResource["type"]) => this.pending.filter((p) => p.type === type).reverse();
        for (const c of byType(CONTAINER)) {
            const lifecycle = this.containers.find((r) => r.id === c.id)?.payload.lifecycle;
            await removeContainer(this.api, c.id, lifecycle ?? { attach: false, destroyGraceSeconds: 0, removeVolumes: true, rm: false });
        }
        for (const v of byType(VOLUME)) await removeVolume(this.api, v.id);
        for (const n of byType(NETWORK)) await removeNetwork(this.api, n.id);
        this.destroyed = true;
    }
}

/** The SDK's placeholder for a value not known until apply (a preview's outputs). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The path of the first unknown value in `value`, if any: realising it would send the placeholder as data. */
function unknownAt(value: unknown, at: string): string | undefined {
    if (value === UNKNOWN) return at;
    if (Array.isArray(value)) return value.map((v, i) => unknownAt(v, `${at}[${i}]`)).find(Boolean);
    if (typeof value === "object" && value !== null) return Object.entries(value).map(([k, v]) => unknownAt(v, at ? `${at}.${k}` : k)).find(Boolean);
    return undefined;
}

async function realiseOne(api: EngineApi, stack: RealisedStack, resource: RecordedResource, options: RealiseOptions): Promise<void> {
    const inputs = unwrap(resource.inputs) as Value;
    const unknown = unknownAt(inputs, "");
    if (unknown) throw new Error(`${resource.type} ${resource.name}: \`${unknown}\` is unknown in this run (a preview?); only an applied run's inputs can be realised`);
    const base = { resourceName: resource.name };
    if (resource.type === NETWORK) {
        const body = planNetwork(inputs, resource.name);
        const id = await createNetwork(api, body);
        stack.track(NETWORK, id, String(body.Name));
        stack.add({ ...base, type: NETWORK, name: String(body.Name), id, payload: body });
    } else if (resource.type === VOLUME) {
        const body = planVolume(inputs, resource.name);
        const name = await createVolume(api, body);
        stack.track(VOLUME, name, name);
        stack.add({ ...base, type: VOLUME, name, id: name, payload: body });
    } else {
        const plan = planContainer(inputs, { resourceName: resource.name, mapHost: hostPathMapper(options.hostPathMap), apiAtLeast: (v) => api.atLeast(v), readSource: (p) => fs.readFileSync(p) });
        const { id, payload } = await createContainer(api, plan, (created) => stack.track(CONTAINER, created, plan.name));
        stack.add({ ...base, type: CONTAINER, name: plan.name, id, payload });
    }
}

/**
 * Realises, in registration order (a valid dependency order), every network, volume and container `mocks` recorded.
 * Throws a RealisationError carrying the partial stack when the engine, or the translation, refuses something.
 */
export async function realiseStack(api: EngineApi, mocks: RecordingMocks, options: RealiseOptions = {}): Promise<RealisedStack> {
    const stack = new RealisedStack(api);
    const wanted = mocks.resources.filter((r) => (r.type === NETWORK || r.type === VOLUME || r.type === CONTAINER) && (options.include?.(r) ?? true));
    for (const resource of wanted) {
        try {
            await realiseOne(api, stack, resource, options);
            options.log?.(`realised ${resource.type.split(":").pop()} ${resource.name}`);
        } catch (error) {
            throw new RealisationError(error, stack);
        }
    }
    return stack;
}

/**
 * Removes containers, volumes and networks labelled `com.service-stack.stack=<stack>` left by an earlier crashed run.
 * Only on a daemon the suite started itself, or for a test-reserved stack name: on any other daemon those labels
 * may be a real stack's.
 */
export async function removeLeftovers(api: EngineApi, stack: string, scope: { readonly ownDaemon: boolean }): Promise<string[]> {
    if (!scope.ownDaemon && !stack.startsWith(TEST_STACK_PREFIX)) {
        throw new Error(`refusing to remove resources labelled ${STACK_LABEL}=${stack} on ${api.dockerHost}: the suite did not start that daemon, and they may be a real stack's`);
    }
    const filters = { label: [`${STACK_LABEL}=${stack}`] };
    const removed: string[] = [];
    for (const c of await api.listContainers(filters)) {
        await removeContainer(api, c.Id, { attach: false, destroyGraceSeconds: 0, removeVolumes: true, rm: false });
        removed.push(`container ${c.Names[0]?.replace(/^\//, "") ?? c.Id}`);
    }
    for (const v of await api.listVolumes(filters)) {
        await removeVolume(api, v.Name);
        removed.push(`volume ${v.Name}`);
    }
    for (const n of await api.listNetworks(filters)) {
        await removeNetwork(api, n.Id);
        removed.push(`network ${n.Name}`);
    }
    return removed;
}

