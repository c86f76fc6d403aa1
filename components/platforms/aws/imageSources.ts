/**
 * Where the AWS platform pulls each image from, decided from the image reference alone (pure; the settings
 * validation and the Registries component both use it). Tasks pull from ECR inside the VPC (interface endpoints and
 * the S3 gateway): images of Docker Hub, Quay and ECR Public come through ECR pull-through cache rules, so no task
 * start pulls anonymously from the internet through the NAT gateways' few addresses.
 */

/** An upstream registry ECR can cache, with the ECR names for it. */
export interface CachedUpstream {
    /** ECR's `upstreamRegistry` id. */
    readonly id: "docker-hub" | "quay" | "ecr-public";
    /** ECR's `upstreamRegistryUrl`. */
    readonly url: string;
    /** Last part of the stack's repository prefix for it, e.g. `service-stack-production-hub`. */
    readonly suffix: string;
    /** ECR requires credentials for this upstream (Docker Hub does). */
    readonly credentials: boolean;
}

/** The upstreams this stack's images come from, by the registry host a reference names. */
export const CACHEABLE_UPSTREAMS: Readonly<Record<string, CachedUpstream>> = {
    "docker.io": { id: "docker-hub", url: "registry-1.docker.io", suffix: "hub", credentials: true },
    "quay.io": { id: "quay", url: "quay.io", suffix: "quay", credentials: false },
    "public.ecr.aws": { id: "ecr-public", url: "public.ecr.aws", suffix: "ecr", credentials: false },
};

/**
 * Registries that serve another registry's repositories under the same paths: cr.jaegertracing.io redirects its
 * pulls and token requests to Docker Hub, so `cr.jaegertracing.io/jaegertracing/jaeger:2.11.0` is Docker Hub's
 * `jaegertracing/jaeger:2.11.0`, and is cached as such.
 */
export const REGISTRY_FRONTS: Readonly<Record<string, string>> = { "cr.jaegertracing.io": "docker.io" };

/** An image reference split as Docker reads it. */
export interface ImageRef {
    /** Registry host; `docker.io` when none is named. */
    readonly registry: string;
    /** Path inside the registry; Docker Hub's official images live under `library/`. */
    readonly repository: string;
    /** `:tag`, `@sha256:…` or both, as written. */
    readonly reference: string;
}

/** Splits `[registry/]repository[:tag][@digest]`; the first path component is a registry when it has a dot or port. */
export function parseImage(image: string): ImageRef {
    const at = image.indexOf("@");
    const withoutDigest = at >= 0 ? image.slice(0, at) : image;
    const colon = withoutDigest.lastIndexOf(":");
    const name = colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
    const parts = name.split("/");
    const hasRegistry = parts.length > 1 && (parts[0]!.includes(".") || parts[0]!.includes(":") || parts[0] === "localhost");
    const registry = hasRegistry ? parts[0]! : "docker.io";
    const path = hasRegistry ? parts.slice(1).join("/") : name;
    return { registry, repository: registry === "docker.io" && !path.includes("/") ? `library/${path}` : path, reference: image.slice(name.length) };
}

/** True for a private ECR registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
export function isEcrRegistry(registry: string): boolean {
    return /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(registry);
}

/** How a task gets one image. */
export type ImageSource =
    /** From an ECR registry as written (the execution role pulls). */
    | { readonly kind: "ecr"; readonly ref: ImageRef }
    /** Through the stack's pull-through cache rule for `upstream`. */
    | { readonly kind: "cache"; readonly ref: ImageRef; readonly upstream: CachedUpstream }
    /** From the team's private registry, with `repositoryCredentials`. */
    | { readonly kind: "team-registry"; readonly ref: ImageRef }
    /** As written, anonymously (the cache is off). */
    | { readonly kind: "anonymous"; readonly ref: ImageRef }
    /** Nowhere: the cache is on and ECR cannot cache this registry. */
    | { readonly kind: "unsupported"; readonly ref: ImageRef };

/** What decides the source of an image: whether the cache is on, and which registry is the team's (with credentials). */
export interface PullPolicy {
    readonly pullThroughCache: boolean;
    /** Registry host that `repositoryCredentials` are configured for. */
    readonly teamRegistry?: string;
}

/** Where a task pulls `image` from under `policy`. */
export function imageSource(image: string, policy: PullPolicy): ImageSource {
    const written = parseImage(image);
    if (isEcrRegistry(written.registry)) return { kind: "ecr", ref: written };
    if (policy.teamRegistry !== undefined && written.registry === policy.teamRegistry) return { kind: "team-registry", ref: written };
    if (!policy.pullThroughCache) return { kind: "anonymous", ref: written };
    const registry = REGISTRY_FRONTS[written.registry] ?? written.registry;
    const ref = { ...written, registry, repository: registry === "docker.io" && !written.repository.includes("/") ? `library/${written.repository}` : written.repository };
    const upstream = CACHEABLE_UPSTREAMS[registry];
    return upstream ? { kind: "cache", ref, upstream } : { kind: "unsupported", ref: written };
}

/** ECR allows 30 characters in a pull-through cache rule's repository prefix. */
export const CACHE_PREFIX_MAX = 30;

/** The image as pulled through the cache: `<registry host>/<prefix>/<repository><:tag|@digest>`. */
export function cachedImage(ref: ImageRef, registryHost: string, prefix: string): string {
    return `${registryHost}/${prefix}/${ref.repository}${ref.reference}`;
}

/** The pull policy a stack's AWS settings describe (the team registry is the registry of `images.api`). */
export function pullPolicy(settings: { readonly images: { readonly api: string }; readonly aws?: { readonly pullThroughCache: boolean; readonly teamRegistryUsername?: string } }): PullPolicy {
    return {
        pullThroughCache: settings.aws?.pullThroughCache ?? false,
        ...(settings.aws?.teamRegistryUsername ? { teamRegistry: parseImage(settings.images.api).registry } : {}),
    };
}

/** The upstreams the given images are cached from, each once, in a stable order. */
export function upstreamsInUse(images: readonly string[], policy: PullPolicy): CachedUpstream[] {
    const used = new Set<string>();
    for (const image of images) {
        const source = imageSource(image, policy);
        if (source.kind === "cache") used.add(source.upstream.id);
    }
    return Object.values(CACHEABLE_UPSTREAMS).filter((u) => used.has(u.id));
}
