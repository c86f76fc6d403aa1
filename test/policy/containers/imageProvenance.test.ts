import { expect } from "chai";
import { parseImageReference } from "../../../policy/lib/images";
import { requirePinnedImage, restrictImageRegistries } from "../../../policy/policies/containers/imageProvenance";
import { changed, compliantContainer, resource, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const base = compliantContainer();
const image = (name: unknown) => resource(REMOTE_IMAGE, "stack-postgres-image", { name, keepLocally: true });

describe("image references", () => {
    it("splits registry, repository, tag and digest as Docker does", () => {
        expect(parseImageReference("postgres:18.1")).to.deep.equal({ registry: "docker.io", repository: "library/postgres", tag: "18.1", digest: undefined });
        expect(parseImageReference("localhost:5000/team/api:1.2@sha256:abc")).to.deep.equal({ registry: "localhost:5000", repository: "team/api", tag: "1.2", digest: "sha256:abc" });
        expect(parseImageReference("prom/prometheus")).to.deep.equal({ registry: "docker.io", repository: "prom/prometheus", tag: undefined, digest: undefined });
    });
});

specifyResourcePolicy(requirePinnedImage, image("postgres:18.1"), [
    { when: "a pull uses `latest`", input: image("postgres:latest"), violations: [/moving tag `latest`/] },
    { when: "a pull names no tag", input: image("registry.example.com:5000/team/api"), violations: [/no tag/] },
    { when: "a pull is pinned by digest only", input: image(`postgres@sha256:${"a".repeat(64)}`) },
    { when: "a digest is required and missing", input: image("postgres:18.1"), config: { requireDigest: true }, violations: [/no digest/] },
    { when: "a digest is required and present", input: image(`postgres:18.1@sha256:${"b".repeat(64)}`), config: { requireDigest: true } },
    { when: "a container runs an image by mutable tag", input: changed(base, (i) => { i.image = "redis:latest"; }), violations: [/moving tag/] },
    { when: "a container's image ID is unknown during preview", input: changed(base, (i) => { i.image = UNKNOWN.string; }) },
    { when: "the pull reference is empty", input: image(""), violations: [/empty/] },
]);

const allowed = { allowedRegistries: ["docker.io/library/", "docker.io/prom/", "registry.example.com/"] };
specifyResourcePolicy(restrictImageRegistries, image("prom/prometheus:v3.5.0"), [
    { when: "an image comes from an unlisted registry", input: image("ghcr.io/someone/prometheus:v3.5.0"), violations: [/ghcr.io\/someone\/prometheus.*not from an allowed registry/] },
    { when: "an image comes from an unlisted Docker Hub namespace", input: image("randomuser/postgres:18"), violations: [/docker.io\/randomuser/] },
    { when: "the team registry is used", input: image("registry.example.com/agente-api:1.4.2") },
    { when: "no registries are configured", input: image("ghcr.io/x/y:1"), config: { allowedRegistries: [] }, notApplicable: /no `allowedRegistries`/ },
], allowed);
