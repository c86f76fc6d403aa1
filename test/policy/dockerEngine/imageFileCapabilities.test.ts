import { requireImageFileCapabilities } from "../../../policy/policies/dockerEngine/imageFileCapabilities";
import { changed, resource, UNKNOWN } from "../support/fixtures";
import { carrier, workload } from "../support/fileCarriers";
import { specifyStackPolicy } from "../support/policySpec";

const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const CADDY_ID = "sha256:1c4b5f8f5b9e0b5e0a3c9a6d2f1e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e";
const caddyImage = resource(REMOTE_IMAGE, "stack-edge-image", { name: "caddy:2.10.2", keepLocally: true, imageId: CADDY_ID });
const edge = changed(workload, (i) => {
    i.name = "service-stack-test-edge";
    i.image = CADDY_ID;
    i.user = "0:0";
    i.capabilities = { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] };
});

specifyStackPolicy(requireImageFileCapabilities, [caddyImage, edge, workload], [
    { when: "caddy runs with every capability dropped (exec: operation not permitted)", input: [caddyImage, changed(edge, (i) => { i.capabilities.adds = []; }), workload], violations: [/^Container service-stack-test-edge runs caddy:2.10.2, whose binary carries the file capability NET_BIND_SERVICE; with it dropped the kernel refuses to start it/] },
    { when: "a container names the caddy image by reference", input: [changed(edge, (i) => { i.image = "docker.io/library/caddy:2.10.2"; i.capabilities.adds = []; })], violations: [/runs docker.io\/library\/caddy:2.10.2/] },
    { when: "caddy drops only NET_BIND_SERVICE by name", input: [caddyImage, changed(edge, (i) => { i.capabilities = { drops: ["CAP_NET_BIND_SERVICE"], adds: [] }; })], violations: [/NET_BIND_SERVICE/] },
    { when: "a never-started carrier uses the caddy image", input: [caddyImage, changed(carrier, (i) => { i.image = CADDY_ID; })] },
    { when: "the image ID is unknown during preview", input: [caddyImage, changed(edge, (i) => { i.image = UNKNOWN.string; i.capabilities.adds = []; })] },
    { when: "another image is configured to need a capability", input: [changed(workload, (i) => { i.image = "registry.example.com/team/api:1.0"; })], config: { fileCapabilities: { "registry.example.com/team/api": ["NET_RAW"] } }, violations: [/file capability NET_RAW/] },
]);
