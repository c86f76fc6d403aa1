import { expect } from "chai";
import { DEFAULT_SENSITIVE_HOST_PATHS, disallowHostNamespaces, disallowSensitiveHostMounts, isSensitiveHostPath } from "../../../policy/policies/containers/hostIsolation";
import { changed, compliantContainer } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();

const exempt = (containerName: string) => ({ exemptions: [{ containerName, reason: "reads the host on purpose (test)" }] });

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
