import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { ContainerProps, containerName, DOCKER, neverStarted } from "../../lib/docker";
import { imageLocation, isImageId } from "../../lib/images";
import { field, items, readable, text } from "../../lib/values";

const FILE_CAPABILITY_DEFAULTS = { fileCapabilities: { "docker.io/library/caddy": ["NET_BIND_SERVICE"] } as Record<string, string[]> };

/** The pulled reference of a container's image: the reference itself, or the RemoteImage whose ID it runs. */
function imageReference(image: string, images: readonly PolicyResource[]): string | undefined {
    if (!isImageId(image)) return image;
    const pulled = images.find((r) => text(field(() => r.props.imageId)) === image);
    const name = pulled ? text(field(() => pulled.props.name)) : undefined;
    return typeof name === "string" ? name : undefined;
}

/** Requires the capabilities an image's binaries carry as file capabilities to stay in the container's bounding set. */
export const requireImageFileCapabilities: StackValidationPolicy = {
    name: "require-image-file-capabilities",
    description: "A container whose image gives its binary file capabilities (the official caddy image: `cap_net_bind_service`) adds them back after dropping ALL; otherwise the kernel refuses to exec it (`operation not permitted`).",
    remediationSteps: "Add the image's file capabilities to `capabilities.adds` (components/workloads/catalogue.ts `imageFileCapabilities`); no-new-privileges keeps a non-root process from gaining them.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            fileCapabilities: {
                type: "object",
                additionalProperties: { type: "array", items: { type: "string" } },
                default: FILE_CAPABILITY_DEFAULTS.fileCapabilities,
                description: "Image location (`registry/repository`, as restrict-image-registries spells it) -> the capabilities its binaries carry.",
            },
        },
    },
    validateStack: (args, report) => {
        const { fileCapabilities } = configOf(args, FILE_CAPABILITY_DEFAULTS);
        const images = args.resources.filter((r) => r.type === DOCKER.remoteImage);
        for (const r of args.resources.filter((x) => x.type === DOCKER.container)) {
            const c = r.props as ContainerProps;
            if (neverStarted(c)) continue;
            const image = text(field(() => c.image));
            if (typeof image !== "string") continue;
            const reference = imageReference(image, images);
            if (reference === undefined) continue;
            const needed = fileCapabilities[imageLocation(reference).replace(/\/$/, "")] ?? [];
            const normalise = (cap: unknown) => String(cap).toUpperCase().replace(/^CAP_/, "");
            const drops = readable(items(() => c.capabilities?.drops)).map(normalise);
            const adds = readable(items(() => c.capabilities?.adds)).map(normalise);
            const missing = needed.filter((cap) => (drops.includes("ALL") || drops.includes(cap)) && !adds.includes(cap));
            if (missing.length > 0) report(`Container ${containerName(c) ?? r.name} runs ${reference}, whose binary carries the file capabilit${missing.length === 1 ? "y" : "ies"} ${missing.join(", ")}; with ${missing.length === 1 ? "it" : "them"} dropped the kernel refuses to start it ("operation not permitted"). Add ${missing.join(", ")} to \`capabilities.adds\`.`, r.urn);
        }
    },
};
