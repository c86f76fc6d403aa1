import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";

/**
 * What the engine receives for each resource the program registers under Pulumi's mocks: the request the mock monitor
 * is handed (type, name, parent, inputs, options), with the URN it answers. The policy CLI evaluates these, and the
 * declared-resources comparison (test/components/declaredResources.test.ts) proves a refactor keeps them.
 */

/** An alias as the SDK sends it: a whole URN, or a spec whose empty fields mean "as the resource is now". */
export interface AliasSpec {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly stack?: string;
    readonly project?: string;
    /** The old parent's URN (the SDK sends the resource's own parent when the alias names none). */
    readonly parentUrn?: string;
    /** The resource had no parent. */
    readonly noParent?: boolean;
}

/** What the engine knows of any resource, from a mocked program run or from `pulumi stack export`. */
export interface EngineResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** False for component resources. */
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly parent?: string;
    readonly protect: boolean;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface Registration extends EngineResource {
    /** The provider reference (`<provider URN>::<id>`) of a custom resource with an explicit provider. */
    readonly providerRef?: string;
    readonly ignoreChanges: readonly string[];
    /** Alias URNs, as an engine without structured aliases receives them. */
    readonly aliases: readonly string[];
    /** Structured aliases, as this SDK sends them to an engine that supports them (every current one does). */
    readonly aliasSpecs: readonly AliasSpec[];
    readonly deleteBeforeReplace: boolean;
    readonly retainOnDelete: boolean;
    readonly additionalSecretOutputs: readonly string[];
    readonly customTimeouts: { readonly createSeconds: number; readonly updateSeconds: number; readonly deleteSeconds: number };
}

interface AliasMessage {
    getUrn(): string;
    getSpec(): {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
    } | undefined;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getIgnorechangesList(): string[];
    getAliasurnsList(): string[];
    getAliasesList(): AliasMessage[];
    getDeletebeforereplace(): boolean;
    getRetainondelete(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getObject(): unknown;
}

interface RegisterResponse {
    getUrn(): string;
    getObject(): unknown;
}

type Callback = (error: unknown, response?: RegisterResponse) => void;

function seconds(duration: string | undefined): number {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration ?? "");
    if (!m) return 0;
    return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
}

function aliasSpec(alias: AliasMessage): AliasSpec {
    if (alias.getUrn()) return { urn: alias.getUrn() };
    const spec = alias.getSpec();
    if (!spec) return {};
    const fields: Record<string, string | boolean> = {
        name: spec.getName(),
        type: spec.getType(),
        stack: spec.getStack(),
        project: spec.getProject(),
        parentUrn: spec.getParenturn(),
        noParent: spec.getNoparent(),
    };
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "" && v !== false)) as AliasSpec;
}

function registration(req: RegisterRequest, response: RegisterResponse): Registration {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => { propertyDependencies[key] = value.getUrnsList(); });
    const timeouts = req.getCustomtimeouts();
    return {
        type: req.getType(),
        name: req.getName(),
        urn: response.getUrn(),
        custom: req.getCustom(),
        inputs: deserializeProperties(req.getObject() as never) as Record<string, unknown>,
        outputs: deserializeProperties(response.getObject() as never) as Record<string, unknown>,
        parent: req.getParent() || undefined,
        providerRef: req.getProvider() || undefined,
        protect: req.getProtect() === true,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        ignoreChanges: req.getIgnorechangesList(),
        aliases: req.getAliasurnsList(),
        aliasSpecs: req.getAliasesList().map(aliasSpec),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        retainOnDelete: req.getRetainondelete() === true,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        customTimeouts: { createSeconds: seconds(timeouts?.getCreate()), updateSeconds: seconds(timeouts?.getUpdate()), deleteSeconds: seconds(timeouts?.getDelete()) },
    };
}

/** Records what the mock monitor receives while `run` executes; the monitor is restored afterwards. */
export async function recordingRegistrations<T>(run: () => Promise<T>): Promise<{ result: T; resources: Registration[] }> {
    const monitor = MockMonitor.prototype as unknown as { registerResource(req: RegisterRequest, cb: Callback): Promise<void> };
    const original = monitor.registerResource;
    const resources: Registration[] = [];
    monitor.registerResource = function (this: unknown, req: RegisterRequest, callback: Callback) {
        return original.call(this, req, (error, response) => {
            if (!error && response) resources.push(registration(req, response));
            callback(error, response);
        });
    };
    try {
        const result = await run();
        return { result, resources };
    } finally {
        monitor.registerResource = original;
    }
}
