import { ContainerPlan, Lifecycle } from "./containerPlan";
import { Value } from "./containerFields";
import { EngineApi, EngineError } from "./engineApi";
import { tarArchive } from "./engineStreams";

/**
 * The Engine API calls of the provider's create functions, in its order (resource_docker_container_funcs.go
 * resourceDockerContainerCreate): find the image, create, disconnect the default `bridge` and connect each
 * `networks_advanced` network, upload each file as a one-entry tar extracted at `/`, start, then `wait` for health
 * or `attach` until exit. Failures read as the provider reports them, with the daemon's message unaltered.
 */

export class ProviderStepError extends Error {
    constructor(readonly owner: string, readonly step: string, override readonly cause: unknown) {
        const daemon = cause instanceof EngineError ? `Error response from daemon: ${cause.daemonMessage} (${cause.method} ${cause.path} → ${cause.status})` : String((cause as Error)?.message ?? cause);
        super(`${owner}: ${step}: ${daemon}`);
        this.name = "ProviderStepError";
    }

    /** The daemon's own words, when the daemon refused. */
    get daemonMessage(): string | undefined {
        return this.cause instanceof EngineError ? this.cause.daemonMessage : undefined;
    }
}

export interface UploadPayload {
    readonly query: { readonly path: "/"; readonly noOverwriteDirNonDir: "true" };
    /** The tar header sent (the content is not kept: uploads carry secrets). */
    readonly entry: { readonly name: string; readonly mode: number; readonly uid: number; readonly gid: number; readonly size: number };
}

export interface ContainerPayload {
    readonly create: { readonly query: { readonly name: string; readonly platform?: string }; readonly body: Value };
    /** `POST /networks/bridge/disconnect` before the connects, made whenever `networksAdvanced` is declared. */
    readonly disconnectDefault: boolean;
    readonly connects: readonly { readonly network: string; readonly body: Value }[];
    readonly uploads: readonly UploadPayload[];
    readonly started: boolean;
    readonly lifecycle: Lifecycle;
    readonly hostPaths: ContainerPlan["hostPaths"];
    /** Captured output when `attach` and `logs` are set (the provider's `container_logs`). */
    readonly containerLogs?: string;
}

async function step<T>(owner: string, name: string, work: () => Promise<T>): Promise<T> {
    try {
        return await work();
    } catch (error) {
        throw new ProviderStepError(owner, name, error);
    }
}

/** Creates a network; refuses to adopt one of the same name (a leftover, or someone else's). */
export async function createNetwork(api: EngineApi, body: Value): Promise<string> {
    const owner = `network ${String(body.Name)}`;
    return (await step(owner, "Unable to create network", () => api.createNetwork(body))).Id;
}

/**
 * Creates a volume. The engine answers an existing name with that volume; the provider would adopt it, the suite
 * refuses: destroying it afterwards could remove data the suite did not make.
 */
export async function createVolume(api: EngineApi, body: Value): Promise<string> {
    const owner = `volume ${String(body.Name)}`;
    const existing = await api.inspectVolume(String(body.Name)).catch((e: unknown) => (e instanceof EngineError && e.status === 404 ? undefined : Promise.reject(e)));
    if (existing) throw new ProviderStepError(owner, "refusing to adopt an existing volume", new Error(`a volume named ${existing.Name} already exists on the engine (remove the leftover, or run on a daemon of the suite's own)`));
    return (await step(owner, "Unable to create volume", () => api.createVolume(body))).Name;
}

async function connectNetworks(api: EngineApi, owner: string, id: string, plan: ContainerPlan): Promise<ContainerPayload["connects"]> {
    await step(owner, "Unable to disconnect the default network", async () => {
        try {
            await api.disconnectNetwork("bridge", id);
        } catch (error) {
            if (!(error instanceof EngineError && error.daemonMessage.includes("is not connected to the network bridge"))) throw error;
        }
    });
    const connects: { network: string; body: Value }[] = [];
    for (const { network, endpoint } of plan.networks) {
        await step(owner, `Unable to connect to network '${network}'`, () => api.connectNetwork(network, id, endpoint));
        connects.push({ network, body: { Container: id, EndpointConfig: endpoint } });
    }
    return connects;
}

async function uploadFiles(api: EngineApi, owner: string, id: string, plan: ContainerPlan): Promise<UploadPayload[]> {
    const sent: UploadPayload[] = [];
    for (const file of plan.uploads) {
        const tar = tarArchive([{ name: file.file, type: "file", mode: file.mode, uid: file.uid, gid: file.gid, mtime: new Date(), content: file.content }]);
        await step(owner, `upload of ${file.file}: Unable to upload volume content`, () => api.putArchive(id, "/", tar, { noOverwriteDirNonDir: true }));
        sent.push({ query: { path: "/", noOverwriteDirNonDir: "true" }, entry: { name: file.file, mode: file.mode, uid: file.uid, gid: file.gid, size: file.content.length } });
    }
    return sent;
}

/** The provider's `wait`: poll every second until healthy, for `wait_timeout` seconds. */
async function waitForHealthy(api: EngineApi, owner: string, id: string, timeoutSeconds: number): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
        const state = (await api.inspectContainer(id)).State;
        if (!state.Health) throw new ProviderStepError(owner, "wait", new Error("you have supplied a 'wait' argument, but the container does not have a healthcheck defined. Please remove the 'wait' argument or add a 'healthcheck' attribute"));
        if (state.Health.Status === "healthy") return;
        if (Date.now() >= deadline) throw new ProviderStepError(owner, "wait", new Error("container failed to be in healthy state"));
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
}

/** The provider's `attach`: wait until the container is not running, with its logs when `logs` is set. */
async function attach(api: EngineApi, owner: string, id: string, plan: ContainerPlan): Promise<string | undefined> {
    const tty = plan.body.Tty === true;
    const logs = plan.lifecycle.logs ? api.logs(id, { follow: true, tty }) : undefined;
    await step(owner, "Unable to wait container end of execution", () => api.waitContainer(id, "not-running"));
    return logs ? (await step(owner, "unable to read container logs", () => logs)).combined.toString("utf8") : undefined;
}

/**
 * Creates, connects, uploads and starts one container as the provider does. `created` is called with the ID as soon
 * as the container exists, so a later refusal still leaves it known for removal.
 */
export async function createContainer(api: EngineApi, plan: ContainerPlan, created: (id: string) => void): Promise<{ id: string; payload: ContainerPayload }> {
    const owner = `container ${plan.name}`;
    const image = String(plan.body.Image);
    await step(owner, `Unable to create container with image ${image}`, () => api.inspectImage(image).catch((e: unknown) => {
        // No registry is reachable here: a missing image is a missing stand-in, not something to pull.
        throw e instanceof EngineError && e.status === 404 ? new Error(`${e.daemonMessage} (not on the engine; nothing is pulled here: build or tag it first)`) : e;
    }));
    const { Id: id } = await step(owner, "Unable to create container", () => api.createContainer(plan.name, plan.body, plan.platform));
    created(id);
    const connects = plan.networks.length > 0 ? await connectNetworks(api, owner, id, plan) : [];
    const uploads = await uploadFiles(api, owner, id, plan);
    if (plan.lifecycle.start) {
        await step(owner, "Unable to start container", () => api.startContainer(id));
        if (plan.lifecycle.wait) await waitForHealthy(api, owner, id, plan.lifecycle.waitTimeoutSeconds);
    }
    const containerLogs = plan.lifecycle.attach ? await attach(api, owner, id, plan) : undefined;
    return {
        id,
        payload: {
            create: { query: { name: plan.name, platform: plan.platform }, body: plan.body },
            disconnectDefault: plan.networks.length > 0,
            connects,
            uploads,
            started: plan.lifecycle.start,
            lifecycle: plan.lifecycle,
            hostPaths: plan.hostPaths,
            containerLogs,
        },
    };
}

/**
 * The provider's delete: stop (grace `destroy_grace_seconds`, 0 by default) unless attached, force-remove with
 * `remove_volumes`, then wait until it is gone. Missing containers are fine: destroy is idempotent.
 */
export async function removeContainer(api: EngineApi, id: string, lifecycle: Pick<Lifecycle, "attach" | "destroyGraceSeconds" | "removeVolumes" | "rm">): Promise<void> {
    const gone = (e: unknown) => e instanceof EngineError && (e.status === 404 || /No such container|is already in progress/.test(e.daemonMessage));
    const tolerate = (e: unknown) => { if (!gone(e)) throw e; };
    if (!lifecycle.attach) await api.stopContainer(id, lifecycle.destroyGraceSeconds).catch(tolerate);
    await api.removeContainer(id, { force: true, volumes: lifecycle.removeVolumes }).catch(tolerate);
    await api.waitContainer(id, lifecycle.rm ? "removed" : "not-running").catch(tolerate);
}

/** Removes a volume, retrying while a container still holds it (as the provider's delete polls "in use"). */
export async function removeVolume(api: EngineApi, name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
        try {
            await api.removeVolume(name);
            return;
        } catch (error) {
            if (error instanceof EngineError && error.status === 404) return;
            if (!(error instanceof EngineError && error.status === 409) || attempt >= 10) throw error;
            await new Promise((resolve) => setTimeout(resolve, 500));
        }
    }
}

export async function removeNetwork(api: EngineApi, id: string): Promise<void> {
    await api.removeNetwork(id).catch((e: unknown) => {
        if (!(e instanceof EngineError && e.status === 404)) throw e;
    });
}
