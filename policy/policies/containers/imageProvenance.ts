import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { DOCKER } from "../../lib/docker";
import { imageLocation, pinningProblem } from "../../lib/images";
import { onTypes } from "../../lib/validations";
import { field, text, UNREADABLE } from "../../lib/values";

/** Requires every image to be pinned: a tag other than `latest` (or a digest) on pulls, an ID or pinned reference on containers. */
export const requirePinnedImage: ResourceValidationPolicy = {
    name: "require-pinned-image",
    description: "Images are pinned: a version tag (not `latest`) or a digest, so every `pulumi up` deploys the same bits.",
    remediationSteps: "Set the image in `images.<workload>` of the stack config to `name:version` (optionally `@sha256:…`); never `latest` or a bare name.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { requireDigest: { type: "boolean", default: false, description: "Also require `@sha256:` digests on pulled images." } } },
    validateResource: onTypes<{ image?: string; name?: string }>([DOCKER.container, DOCKER.remoteImage], (props, args, report) => {
        const { requireDigest } = configOf(args, { requireDigest: false });
        // During preview a container's image is usually the not-yet-known ID of its RemoteImage: nothing to check.
        const reference = text(field(() => (args.type === DOCKER.remoteImage ? props.name : props.image)));
        if (reference === UNREADABLE) return;
        if (reference === undefined || reference === "") {
            report("The image reference is empty.");
            return;
        }
        // A container started from `RemoteImage.imageId` runs a content-addressed ID: pinned by construction.
        const problem = pinningProblem(reference, requireDigest && args.type === DOCKER.remoteImage);
        if (problem) report(`Image "${reference}" ${problem}.`);
    }),
};

/** Restricts pulled images to allowed registries and namespaces. */
export const restrictImageRegistries: ResourceValidationPolicy = {
    name: "restrict-image-registries",
    description: "Images are pulled only from the registries and namespaces this environment trusts.",
    remediationSteps: "Use an image from an allowed registry, or add its `registry/namespace/` prefix to `allowedRegistries` in the policy config after review.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            allowedRegistries: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: [],
                description: "Allowed `registry/repository` prefixes, e.g. `docker.io/library/`; empty allows any.",
            },
        },
    },
    validateResource: onTypes<{ name?: string }>([DOCKER.remoteImage], (props, args, report) => {
        const { allowedRegistries } = configOf(args, { allowedRegistries: [] as string[] });
        if (allowedRegistries.length === 0) args.notApplicable("no `allowedRegistries` configured");
        const reference = text(props.name);
        if (reference === UNREADABLE || reference === undefined) return;
        const location = imageLocation(reference);
        if (!allowedRegistries.some((prefix) => location.startsWith(prefix))) {
            report(`Image "${reference}" (${location}) is not from an allowed registry: ${allowedRegistries.join(", ")}.`);
        }
    }),
};
