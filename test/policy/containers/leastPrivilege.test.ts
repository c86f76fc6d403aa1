import { expect } from "chai";
import { DEFAULT_SENSITIVE_HOST_PATHS, disallowHostNamespaces, disallowSensitiveHostMounts, isSensitiveHostPath } from "../../../policy/policies/containers/hostIsolation";
import { requirePinnedImage, restrictImageRegistries } from "../../../policy/policies/containers/imageProvenance";
import { disallowPrivileged, requireDropAllCapabilities, requireNoNewPrivileges, requireNonRootUser, requireReadOnlyRootFilesystem } from "../../../policy/policies/containers/leastPrivilege";
import { requireBoundedRestartPolicy, requireHealthcheck, requireLogRotation, requireMemoryLimit } from "../../../policy/policies/containers/operations";
import { isRootUser } from "../../../policy/lib/docker";
import { parseImageReference } from "../../../policy/lib/images";
import { changed, compliantContainer, resource, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const base = compliantContainer();
const image = (name: unknown) => resource(REMOTE_IMAGE, "stack-postgres-image", { name, keepLocally: true });
const exempt = (containerName: string) => ({ exemptions: [{ containerName, reason: "reads the host on purpose (test)" }] });

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

specifyResourcePolicy(disallowPrivileged, base, [
    { when: "the container is privileged", input: changed(base, (i) => { i.privileged = true; }), violations: [/runs privileged/] },
    { when: "`privileged` is left unset (Docker's default is false)", input: changed(base, (i) => { delete i.privileged; }) },
    { when: "`privileged` is unknown during preview", input: changed(base, (i) => { i.privileged = UNKNOWN.boolean; }), unknown: true },
]);

specifyResourcePolicy(requireDropAllCapabilities, base, [
    { when: "capabilities are not dropped", input: changed(base, (i) => { i.capabilities = { adds: [] }; }), violations: [/must include "ALL"/] },
    { when: "no capabilities block is set", input: changed(base, (i) => { delete i.capabilities; }), violations: [/not dropped/] },
    { when: "a capability is added back without being allowed", input: changed(base, (i) => { i.capabilities.adds = ["SYS_ADMIN"]; }), violations: [/"SYS_ADMIN" is added back/] },
    { when: "an allowed capability is added back (CAP_ prefix and case ignored)", input: changed(base, (i) => { i.capabilities.adds = ["cap_net_bind_service"]; }), config: { allowedCapabilities: ["NET_BIND_SERVICE"] } },
    { when: "the container is exempted by name", input: changed(base, (i) => { delete i.capabilities; }), config: exempt("*-postgres"), notApplicable: /^exempt \(container \*-postgres\): reads the host/ },
]);

specifyResourcePolicy(requireNoNewPrivileges, base, [
    { when: "no-new-privileges is missing", input: changed(base, (i) => { i.securityOpts = []; }), violations: [/no-new-privileges/] },
    { when: "seccomp is unconfined", input: changed(base, (i) => { i.securityOpts.push("seccomp=unconfined"); }), violations: [/seccomp=unconfined/] },
    { when: "`securityOpts` is unknown during preview", input: changed(base, (i) => { i.securityOpts = UNKNOWN.array; }) },
]);

specifyResourcePolicy(disallowHostNamespaces, base, [
    { when: "the container uses the host network", input: changed(base, (i) => { i.networkMode = "host"; }), violations: [/`networkMode` is "host"/] },
    { when: "the container shares the host PID and IPC namespaces", input: changed(base, (i) => { i.pidMode = "host"; i.ipcMode = "host"; }), violations: [/pidMode/, /ipcMode/] },
    { when: "the network mode is a user network", input: changed(base, (i) => { i.networkMode = "bridge"; }) },
    { when: "the container is exempted", input: changed(base, (i) => { i.networkMode = "host"; }), config: exempt("*-postgres"), notApplicable: /exempt/ },
]);

describe("sensitive host paths", () => {
    const sensitive = (p: string) => isSensitiveHostPath(p, DEFAULT_SENSITIVE_HOST_PATHS);
    it("matches a listed path, anything inside it, and any parent of it", () => {
        expect(sensitive("/etc")).to.equal(true);
        expect(sensitive("/etc/ssl/")).to.equal(true);
        expect(sensitive("/var")).to.equal(true);
        expect(sensitive("/var/lib/docker/volumes")).to.equal(true);
    });
    it("treats / as sensitive only itself, and any runtime socket as sensitive", () => {
        expect(sensitive("/srv/data")).to.equal(false);
        expect(sensitive("/")).to.equal(true);
        expect(sensitive("/opt/podman.sock")).to.equal(true);
    });
});

const hostMount = (hostPath: string) => changed(base, (i) => { i.volumes.push({ hostPath, containerPath: "/host", readOnly: true }); });
specifyResourcePolicy(disallowSensitiveHostMounts, base, [
    { when: "the Docker socket is mounted", input: hostMount("/var/run/docker.sock"), violations: [/"\/var\/run\/docker.sock" is mounted/] },
    { when: "the host's root is bind-mounted through `mounts`", input: changed(base, (i) => { i.mounts = [{ type: "bind", source: "/", target: "/rootfs" }]; }), violations: [/Host path "\/"/] },
    { when: "a host device is passed in", input: changed(base, (i) => { i.devices = [{ hostPath: "/dev/kvm" }]; }), violations: [/device "\/dev\/kvm"/] },
    { when: "a harmless host directory is mounted", input: hostMount("/srv/backups") },
    { when: "a volume mount (not bind) targets /etc", input: changed(base, (i) => { i.mounts = [{ type: "volume", source: "etc-data", target: "/etc" }]; }) },
    { when: "an exempted container (node_exporter) mounts /proc", input: changed(compliantContainer("service-stack-test-node-exporter"), (i) => { i.volumes = [{ hostPath: "/proc", containerPath: "/host/proc", readOnly: true }]; }), config: exempt("*-node-exporter"), notApplicable: /exempt \(container \*-node-exporter\)/ },
    { when: "another container mounts /proc while only node_exporter is exempt", input: hostMount("/proc"), config: exempt("*-node-exporter"), violations: [/"\/proc"/] },
]);

specifyResourcePolicy(requireMemoryLimit, base, [
    { when: "no memory limit is set", input: changed(base, (i) => { delete i.memory; }), violations: [/no memory limit/] },
    { when: "the memory limit is 0 (unlimited)", input: changed(base, (i) => { i.memory = 0; }), violations: [/no memory limit/] },
]);

specifyResourcePolicy(requireHealthcheck, base, [
    { when: "there is no healthcheck", input: changed(base, (i) => { delete i.healthcheck; }), violations: [/no healthcheck/] },
    { when: "the healthcheck is disabled with NONE", input: changed(base, (i) => { i.healthcheck.tests = ["NONE"]; }), violations: [/no test command/] },
    { when: "the healthcheck has CMD but no command", input: changed(base, (i) => { i.healthcheck.tests = ["CMD"]; }), violations: [/no test command/] },
    { when: "the healthcheck is a shell command", input: changed(base, (i) => { i.healthcheck.tests = ["CMD-SHELL", "pg_isready"]; }) },
]);

specifyResourcePolicy(requireBoundedRestartPolicy, base, [
    { when: "the restart policy is `always`", input: changed(base, (i) => { i.restart = "always"; }), violations: [/"always" is not allowed/] },
    { when: "no restart policy is set (Docker's `no`)", input: changed(base, (i) => { delete i.restart; }), violations: [/"no" is not allowed/] },
    { when: "`on-failure` has no retry limit", input: changed(base, (i) => { i.restart = "on-failure"; }), violations: [/no `maxRetryCount`/] },
    { when: "`on-failure` has a retry limit", input: changed(base, (i) => { i.restart = "on-failure"; i.maxRetryCount = 5; }) },
]);

specifyResourcePolicy(requireLogRotation, base, [
    { when: "json-file has no max-size", input: changed(base, (i) => { delete i.logOpts["max-size"]; }), violations: [/no "max-size"/] },
    { when: "no log options are set with the default driver", input: changed(base, (i) => { delete i.logDriver; delete i.logOpts; }), violations: [/max-size/, /max-file/] },
    { when: "the driver is `local` (rotates by itself)", input: changed(base, (i) => { i.logDriver = "local"; delete i.logOpts; }) },
    { when: "the driver is `none`", input: changed(base, (i) => { i.logDriver = "none"; }), violations: [/"none" is not allowed/] },
]);

specifyResourcePolicy(requireReadOnlyRootFilesystem, base, [
    { when: "the root filesystem is writable", input: changed(base, (i) => { i.readOnly = false; }), violations: [/writable/] },
    { when: "the writable container is exempted by resource name", input: changed(base, (i) => { i.readOnly = false; }), config: { exemptions: [{ resourceName: "stack-*", reason: "image writes to its root (test)" }] }, notApplicable: /exempt \(resource stack-\*\)/ },
]);

describe("root users", () => {
    it("recognises uid 0, `root` and an unset user as root; any other uid or name as not", () => {
        expect([undefined, "", "0", "0:0", "root", "root:root", ":1000"].map(isRootUser)).to.deep.equal([true, true, true, true, true, true, true]);
        expect(["999:999", "65534", "nobody", "472:0"].map(isRootUser)).to.deep.equal([false, false, false, false]);
    });
});

specifyResourcePolicy(requireNonRootUser, base, [
    { when: "the container runs as uid 0", input: changed(base, (i) => { i.user = "0:0"; }), violations: [/runs as root/] },
    { when: "no user is set", input: changed(base, (i) => { delete i.user; }), violations: [/sets no `user`/] },
    { when: "the edge runs as root under its exemption", input: changed(compliantContainer("service-stack-test-edge"), (i) => { i.user = "0:0"; }), config: exempt("*-edge"), notApplicable: /exempt/ },
]);
