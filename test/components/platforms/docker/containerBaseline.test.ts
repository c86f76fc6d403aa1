import { expect } from "chai";
import { hardenedContainerArgs, WorkloadContainerSpec } from "../../../../components/platforms/docker/containerBaseline";

const SPEC: WorkloadContainerSpec = {
    name: "service-stack-dev-example",
    stack: "dev",
    image: "sha256:abc",
    user: "999:998",
    limits: { memoryMiB: 256, cpus: 0.5 },
    networks: [],
    healthcheck: ["CMD", "true"],
    startPeriod: "10s",
    files: [
        { path: "/etc/example/config.yml", content: "a: 1\n", secret: false },
        { path: "/run/secrets/password", content: "hunter2", secret: true },
    ],
};

describe("hardenedContainerArgs", () => {
    const args = hardenedContainerArgs(SPEC);

    it("drops every capability and adds back only what the spec names", () => {
        expect(args.capabilities).to.deep.equal({ drops: ["ALL"], adds: [] });
        expect(hardenedContainerArgs({ ...SPEC, capabilities: ["NET_BIND_SERVICE"] }).capabilities).to.deep.equal({ drops: ["ALL"], adds: ["NET_BIND_SERVICE"] });
    });

    it("forbids privilege and privilege escalation, and makes the root filesystem read-only", () => {
        expect(args).to.deep.include({ privileged: false, readOnly: true, securityOpts: ["no-new-privileges:true"] });
    });

    it("turns the limits into a hard memory cap without swap and CPU shares", () => {
        expect(args).to.deep.include({ memory: 256, memorySwap: 256, cpuShares: 512 });
    });

    it("rotates json-file logs at 10 MB × 3 and restarts unless stopped", () => {
        expect(args).to.deep.include({ logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" }, restart: "unless-stopped" });
    });

    it("gives the healthcheck a start period", () => {
        expect(args.healthcheck).to.deep.include({ tests: ["CMD", "true"], startPeriod: "10s" });
    });

    it("uploads nothing into the container itself (the engine refuses uploads into a read-only root)", () => {
        expect(args.uploads).to.equal(undefined);
        expect(args.mounts).to.equal(undefined);
    });

    it("labels the container with its stack", () => {
        expect(args.labels).to.deep.equal([{ label: "com.service-stack.stack", value: "dev" }]);
    });

    it("mounts host paths read-only", () => {
        const withHost = hardenedContainerArgs({ ...SPEC, hostMounts: [{ hostPath: "/proc", path: "/host/proc" }] });
        expect(withHost.volumes).to.deep.equal([{ hostPath: "/proc", containerPath: "/host/proc", readOnly: true }]);
    });
});
