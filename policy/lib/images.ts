/** An image reference split as Docker reads it: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
    /** Registry host; `docker.io` when the reference names none. */
    readonly registry: string;
    /** Repository path inside the registry; Docker Hub's official images live under `library/`. */
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** True for a content-addressed image ID (`sha256:<64 hex>`), as `RemoteImage.imageId` yields. */
export function isImageId(reference: string): boolean {
    return DIGEST.test(reference);
}

/** Parses an image reference; the first path component is a registry when it has a dot or a port, or is `localhost`. */
export function parseImageReference(reference: string): ImageReference {
    let rest = reference.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
    }
    const parts = rest.split("/");
    const first = parts[0] ?? "";
    const hasRegistry = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first : "docker.io";
    let repository = hasRegistry ? parts.slice(1).join("/") : rest;
    if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
    return { registry, repository, tag: tag || undefined, digest: digest || undefined };
}

/** Why a reference is not pinned, or undefined when it is (a tag other than `latest`, or a digest). */
export function pinningProblem(reference: string, requireDigest: boolean): string | undefined {
    if (isImageId(reference)) return undefined;
    const ref = parseImageReference(reference);
    if (ref.digest !== undefined && !DIGEST.test(ref.digest)) return `digest "${ref.digest}" is not a sha256 digest`;
    if (requireDigest && ref.digest === undefined) return "has no digest (`@sha256:…`), which this environment requires";
    if (ref.digest !== undefined) return undefined;
    if (ref.tag === undefined) return "has no tag, so Docker pulls `latest`";
    if (ref.tag === "latest") return "uses the moving tag `latest`";
    return undefined;
}

/** `registry/repository`, the form allowed-registry prefixes are matched against. */
export function imageLocation(reference: string): string {
    const ref = parseImageReference(reference);
    return `${ref.registry}/${ref.repository}`;
}
