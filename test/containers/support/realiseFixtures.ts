import * as fs from "fs";
import { RecordedResource } from "../../../harness/mocks";
import { EngineApi, EngineError } from "./engineApi";
import { tarArchive } from "./engineStreams";
import { CONTAINER, NETWORK, STACK_LABEL, TEST_STACK_PREFIX, VOLUME } from "./realise";

/**
 * What realise.test.ts realises: a one-file busybox image, and a recorded run in the program's shape (two networks,
 * a state volume, a files volume filled by a never-started carrier, and a workload with the containerBaseline
 * hardening reading them read-only). Resource inputs are as the mock monitor records them, secrets wrapped.
 */

export const TEST_STACK = `${TEST_STACK_PREFIX}realise`;
export const IMAGE = "service-stack-test/busybox:realise-1";
export const WORKLOAD_USER = { uid: 10001, gid: 10002 };
export const SECRET_TOKEN = "s3cret-token-value\n";
export const CONFIG_TEXT = "listen: 8080\n";

/** The serialised form of a Pulumi secret, as the mock monitor hands it to newResource. */
export function secret(value: unknown): Record<string, unknown> {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** True for a 64-bit ELF with no program interpreter: it runs alone in an empty image. */
function isStaticElf(file: string): boolean {
    const elf = fs.readFileSync(file);
    if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
    const phoff = Number(elf.readBigUInt64LE(0x20));
    const [size, count] = [elf.readUInt16LE(0x36), elf.readUInt16LE(0x38)];
    const PT_INTERP = 3;
    return Array.from({ length: count }, (_, i) => elf.readUInt32LE(phoff + i * size)).every((type) => type !== PT_INTERP);
}

/** Debian's static busybox (package busybox-static), or undefined when it is not installed. */
export function busyboxStatic(): string | undefined {
    return ["/bin/busybox", "/usr/bin/busybox"].find((candidate) => fs.existsSync(candidate) && isStaticElf(candidate));
}

/** The test image: busybox alone (and /bin/sh, for CMD-SHELL), imported once per engine and reused. */
export async function ensureBusyboxImage(api: EngineApi, busybox: string): Promise<string> {
    const existing = await api.inspectImage(IMAGE).catch((e: unknown) => (e instanceof EngineError && e.status === 404 ? undefined : Promise.reject(e)));
    if (existing) return existing.Id;
    const epoch = new Date(0);
    const rootfs = tarArchive([
        { name: "bin", type: "directory", mode: 0o755, uid: 0, gid: 0, mtime: epoch },
        { name: "bin/busybox", type: "file", mode: 0o755, uid: 0, gid: 0, mtime: epoch, content: fs.readFileSync(busybox) },
        { name: "bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, mtime: epoch, linkname: "busybox" },
        { name: "tmp", type: "directory", mode: 0o1777, uid: 0, gid: 0, mtime: epoch },
    ]);
    const [repo, tag] = IMAGE.split(":");
    // A CMD as every real image has one: the engine refuses to create a container with no command at all.
    return api.importImage(rootfs, repo!, tag!, ['CMD ["/bin/busybox", "true"]']);
}

const labels = [{ label: STACK_LABEL, value: TEST_STACK }];

function resource(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
    return { type, name, inputs };
}

/** The carrier: created to receive the uploads into the files volume, never started. */
function carrier(image: string, filesVolume: string): RecordedResource {
    return resource(CONTAINER, "files-carrier", {
        name: `${TEST_STACK}-app-files`, image, user: `${WORKLOAD_USER.uid}:${WORKLOAD_USER.gid}`,
        start: false, mustRun: false, restart: "no", networkMode: "none", readOnly: false, privileged: false,
        capabilities: { drops: ["ALL"], adds: [] }, securityOpts: ["no-new-privileges:true"], memory: 16, memorySwap: 16,
        logDriver: "json-file", logOpts: { "max-size": "1m", "max-file": "1" }, labels,
        mounts: [{ type: "volume", source: filesVolume, target: "/run/app", volumeOptions: { noCopy: true } }],
        uploads: [
            { file: "/run/app/secret/token", content: secret(SECRET_TOKEN), owner: String(WORKLOAD_USER.uid), group: String(WORKLOAD_USER.gid), permissions: "0400" },
            { file: "/run/app/app.yaml", content: CONFIG_TEXT, owner: "0", group: "0", permissions: "0444" },
            { file: "/run/app/bin/hook", contentBase64: Buffer.from("#!/bin/sh\necho hook\n").toString("base64"), executable: true },
            { file: "/run/app/plain.txt", content: "plain\n" },
        ],
    });
}

/** The workload, with every field containerBaseline.ts sets, and a few the program may use (cpus, hostname, …). */
function workload(image: string, names: { data: string; edge: string; state: string; files: string }): RecordedResource {
    return resource(CONTAINER, "app", {
        name: `${TEST_STACK}-app`, image, user: `${WORKLOAD_USER.uid}:${WORKLOAD_USER.gid}`,
        entrypoints: ["/bin/busybox"], command: ["sleep", "3600"], workingDir: "/run/app", hostname: "app-host",
        envs: ["APP_CONFIG=/run/app/app.yaml", "TOKEN_FILE=/run/app/secret/token"],
        memory: 64, memorySwap: 64, cpuShares: 512, cpus: "0.5",
        restart: "unless-stopped", mustRun: true, privileged: false, readOnly: true,
        capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] }, securityOpts: ["no-new-privileges:true"],
        logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" },
        healthcheck: { tests: ["CMD", "/bin/busybox", "test", "-r", "/run/app/secret/token"], interval: "1s", timeout: "5s", retries: 3, startPeriod: "2s", startInterval: "500ms" },
        networksAdvanced: [{ name: names.data, aliases: ["app", "app.internal"] }, { name: names.edge, aliases: ["app-edge"] }],
        volumes: [
            { volumeName: names.state, containerPath: "/var/lib/app" },
            { hostPath: "/proc", containerPath: "/host/proc", readOnly: true },
            { hostPath: "/var/lib/docker", containerPath: "/host/docker", readOnly: true },
        ],
        mounts: [
            { type: "volume", source: names.files, target: "/run/app", readOnly: true },
            { type: "tmpfs", target: "/run/scratch", tmpfsOptions: { sizeBytes: 8 * 1024 * 1024, mode: 0o1777 } },
        ],
        tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
        ports: [{ internal: 8080, ip: "127.0.0.1", protocol: "tcp" }],
        labels,
    });
}

/** The recorded run the realisation tests start from, in registration order. */
export function hardenedRun(image: string): RecordedResource[] {
    const names = { data: `${TEST_STACK}-data`, edge: `${TEST_STACK}-edge`, state: `${TEST_STACK}-state`, files: `${TEST_STACK}-app-files-run-app` };
    return [
        resource(NETWORK, "data", { name: names.data, internal: true, driver: "bridge", labels }),
        resource(NETWORK, "edge", { name: names.edge, driver: "bridge", labels }),
        resource(VOLUME, "state", { name: names.state, labels: [...labels, { label: "com.service-stack.stateful", value: "true" }] }),
        resource(VOLUME, "files", { name: names.files, labels }),
        carrier(image, names.files),
        workload(image, names),
        // Created only: docker-init is not on every engine's PATH, and `init` is checked in the create it sends.
        resource(CONTAINER, "with-init", { name: `${TEST_STACK}-init`, image, command: ["/bin/busybox", "true"], init: true, start: false, networkMode: "none", labels }),
    ];
}
