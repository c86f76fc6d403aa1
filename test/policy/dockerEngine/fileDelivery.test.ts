import { requireExporterTlsVersionSpelling } from "../../../policy/policies/dockerEngine/exporterSettings";
import { disallowUploadsIntoReadOnlyRoot, requireInertFileCarriers } from "../../../policy/policies/dockerEngine/fileDelivery";
import { requireImageFileCapabilities } from "../../../policy/policies/dockerEngine/imageFileCapabilities";
import { changed, compliantContainer, encrypted, resource, upload, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy, specifyStackPolicy } from "../support/policySpec";

const FILES_FOR = "com.service-stack.files-for";

/** A workload container as the program declares it now: no uploads, its files on read-only volumes. */
const workload = changed(compliantContainer(), (i) => {
    delete i.uploads;
    i.mounts = [{ type: "volume", source: "service-stack-test-postgres-files-etc-postgresql-0a1b2c3d", target: "/etc/postgresql", readOnly: true }];
});

/** Its carrier: created, never started, uploads only into its volumes. */
const carrier = resource("docker:index/container:Container", "stack-postgres-files", {
    name: "service-stack-test-postgres-files",
    image: "sha256:0f5c5b35f1ad9f2d2c4b3ad8c0c7a5f0b1e3d1f7b6e5a4c3b2a1908f7e6d5c4b",
    user: "999:999",
    start: false,
    mustRun: false,
    restart: "no",
    networkMode: "none",
    readOnly: false,
    privileged: false,
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: ["no-new-privileges:true"],
    memory: 16,
    labels: [{ label: "com.service-stack.stack", value: "test" }, { label: FILES_FOR, value: "service-stack-test-postgres" }],
    mounts: [
        { type: "volume", source: "service-stack-test-postgres-files-etc-postgresql-0a1b2c3d", target: "/etc/postgresql", volumeOptions: { noCopy: true } },
        { type: "volume", source: "service-stack-test-postgres-files-run-secrets-4e5f6a7b", target: "/run/secrets", volumeOptions: { noCopy: true } },
    ],
    uploads: [upload("/etc/postgresql/postgresql.conf", "ssl = on\n"), upload("/etc/postgresql/tls/tls.key", "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n", true), upload("/run/secrets/p", "x", true)],
});

specifyResourcePolicy(disallowUploadsIntoReadOnlyRoot, workload, [
    { when: "a read-only container receives uploads (the engine refuses them)", input: compliantContainer(), violations: [/^3 uploads go into a container whose root filesystem is read-only: the engine refuses them \("container rootfs is marked read-only"\)/] },
    { when: "the uploads list is encrypted in a state file", input: changed(compliantContainer(), (i) => { i.uploads = encrypted(); }), violations: [/^Encrypted uploads go into/] },
    { when: "a writable container receives uploads (the carrier)", input: carrier },
    { when: "the uploads list is empty", input: changed(workload, (i) => { i.uploads = []; }) },
    { when: "`readOnly` is unknown during preview", input: changed(compliantContainer(), (i) => { i.readOnly = UNKNOWN.boolean; }) },
]);

specifyResourcePolicy(requireInertFileCarriers, carrier, [
    { when: "the container is started", input: workload, notApplicable: /is started/ },
    { when: "a carrier may be restarted by the daemon", input: changed(carrier, (i) => { i.restart = "unless-stopped"; }), violations: [/Restart policy "unless-stopped" lets the daemon start it/] },
    { when: "a carrier leaves `mustRun` at its default", input: changed(carrier, (i) => { delete i.mustRun; }), violations: [/`mustRun` is not false/] },
    { when: "a carrier joins the default bridge", input: changed(carrier, (i) => { delete i.networkMode; }), violations: [/`networkMode` is the default bridge/] },
    { when: "a carrier joins a stack network", input: changed(carrier, (i) => { i.networksAdvanced = [{ name: "service-stack-test-data" }]; }), violations: [/joins networks/] },
    { when: "a carrier publishes a port", input: changed(carrier, (i) => { i.ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1" }]; }), violations: [/publishes ports/] },
    { when: "a carrier mounts the Docker socket", input: changed(carrier, (i) => { i.mounts.push({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }); }), violations: [/bind-mounts a host path/] },
    { when: "a carrier adds a capability", input: changed(carrier, (i) => { i.capabilities.adds = ["CHOWN"]; }), violations: [/adds capabilities back/] },
    { when: "a carrier names no consumer", input: changed(carrier, (i) => { i.labels = i.labels.slice(0, 1); }), violations: [/names no consumer/] },
    { when: "an upload lands outside the carrier's volumes", input: changed(carrier, (i) => { i.uploads.push(upload("/etc/passwd", "root::0:0::/:/bin/sh\n")); }), violations: [/Upload \/etc\/passwd lands outside its volumes \(\/etc\/postgresql, \/run\/secrets\)/] },
    { when: "a directory that only shares a prefix with a volume is not inside it", input: changed(carrier, (i) => { i.uploads.push(upload("/etc/postgresql-common/x", "")); }), violations: [/postgresql-common\/x lands outside/] },
    { when: "the uploads list is encrypted in a state file", input: changed(carrier, (i) => { i.uploads = encrypted(); }) },
]);

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

const redisExporter = changed(workload, (i) => { i.name = "service-stack-test-redis-exporter"; i.envs = ["REDIS_ADDR=rediss://redis:6379", "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION=TLS1.3"]; });
const taskDefinition = (value: string) => resource("aws:ecs/taskDefinition:TaskDefinition", "stack-prometheus", {
    family: "stack-prometheus",
    containerDefinitions: JSON.stringify([{ name: "redis-exporter", environment: [{ name: "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION", value }] }]),
});

specifyResourcePolicy(requireExporterTlsVersionSpelling, redisExporter, [
    { when: "redis_exporter is given exporter-toolkit's spelling (it exits in a loop)", input: changed(redisExporter, (i) => { i.envs[1] = "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION=TLS13"; }), violations: [/^REDIS_EXPORTER_TLS_SERVER_MIN_VERSION is "TLS13": redis_exporter accepts only TLS1.0, TLS1.1, TLS1.2, TLS1.3/] },
    { when: "an ECS container definition misspells it", input: taskDefinition("TLS12"), violations: [/^Container redis-exporter: REDIS_EXPORTER_TLS_SERVER_MIN_VERSION is "TLS12"/] },
    { when: "an ECS container definition spells it right", input: taskDefinition("TLS1.2") },
    { when: "the environment is encrypted in a state file", input: changed(redisExporter, (i) => { i.envs = encrypted(); }) },
]);
