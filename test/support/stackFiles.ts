import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { FILES_FOR_LABEL } from "../../components/platforms/docker/fileDelivery";
import { KEY_MARKER, RecordedResource, unwrap } from "../../harness/mocks";
import { EXAMPLE_SECRETS, runProgram } from "../../harness/runProgram";
import type { StackSettings } from "../../components/settings/types";
import { PROJECT } from "../../harness/stackConfig";
import { stackSettings } from "../../harness/stackSettings";
import { runTool } from "./tools";

/**
 * The files a stack uploads into its containers, taken from a run of the program under Pulumi's mocks: exactly what
 * the components hand the Docker provider (paths, content, owner, mode), plus each container's command, environment,
 * volumes and tmpfs mounts. The integration suite writes these files on this host and starts the real servers on them.
 */

/** The Docker stacks the integration suites start servers for: the local default, and production's settings on Docker. */
export const DOCKER_TARGETS = [
    { label: "the local default stack (dev)", stack: "dev", overrides: {} },
    { label: "production's settings on Docker", stack: "production", overrides: { platform: "docker" } },
] as const;

export interface Upload {
    /** Path inside the container. */
    readonly file: string;
    readonly content: string;
    readonly owner: string;
    readonly group: string;
    readonly permissions: string;
}

export interface RenderedContainer {
    /** Container name without the `<project>-<stack>-` prefix, e.g. `postgres`, `metrics-blackbox`. */
    readonly name: string;
    /** `uid:gid` the process runs as. */
    readonly user: string;
    readonly command: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    /** The healthcheck test in Docker's form (`["CMD", …]`). */
    readonly healthcheck: readonly string[];
    /** The files delivered to it: its carrier's uploads (components/platforms/docker/fileDelivery.ts). */
    readonly uploads: readonly Upload[];
    /** Container paths of named volumes (state and delivered files) and read-only host mounts. */
    readonly mounts: readonly string[];
    /** Container paths of tmpfs mounts. */
    readonly tmpfs: readonly string[];
}

export interface RenderedStack {
    readonly stack: string;
    /** The validated settings the program read, for what a test expects (TLS minimum, tuning, hostnames). */
    readonly settings: StackSettings;
    readonly containers: Readonly<Record<string, RenderedContainer>>;
    /** The internal CA's server certificates: server name -> the DNS names the program requests. */
    readonly certificateNames: Readonly<Record<string, readonly string[]>>;
}

const cache = new Map<string, Promise<RenderedStack>>();

/**
 * The stack's containers as the program declares them for `stack` (its stack file plus `overrides`), with `secrets`
 * as secret config. Runs are cached: every suite of one mocha process shares them.
 */
export function renderedStack(stack: string, overrides: Record<string, unknown> = {}, secrets: Readonly<Record<string, string>> = EXAMPLE_SECRETS): Promise<RenderedStack> {
    const key = JSON.stringify([stack, overrides, secrets]);
    let run = cache.get(key);
    if (!run) {
        run = collect(stack, overrides, secrets);
        cache.set(key, run);
    }
    return run;
}

async function collect(stack: string, overrides: Record<string, unknown>, secrets: Readonly<Record<string, string>>): Promise<RenderedStack> {
    const { mocks } = await runProgram(stack, overrides, secrets);
    const prefix = `${PROJECT}-${stack}-`;
    const containers: Record<string, RenderedContainer> = {};
    const all = mocks.ofType("docker:index/container:Container");
    // A workload's files are uploaded into its never-started carrier, which names it in a label (fileDelivery.ts).
    const carriers = all.filter((r) => r.inputs.start === false);
    for (const resource of all.filter((r) => r.inputs.start !== false)) {
        const name = String(unwrap(resource.inputs.name));
        const carrier = carriers.find((c) => (unwrap(c.inputs.labels) as { label: string; value: string }[]).some((l) => l.label === FILES_FOR_LABEL && l.value === name));
        const container = toContainer(resource, carrier, prefix);
        containers[container.name] = container;
    }
    const certificateNames: Record<string, string[]> = {};
    for (const csr of mocks.ofType("tls:index/certRequest:CertRequest")) {
        certificateNames[csr.name.replace(/-csr$/, "")] = unwrap(csr.inputs.dnsNames) as string[];
    }
    return { stack, settings: stackSettings(stack, overrides, secrets), containers, certificateNames };
}

function toContainer(resource: RecordedResource, carrier: RecordedResource | undefined, prefix: string): RenderedContainer {
    const uploads = ((carrier ? unwrap(carrier.inputs.uploads) : undefined) ?? []) as Upload[];
    const inputs = unwrap(resource.inputs) as {
        name: string;
        user: string;
        command?: string[];
        envs?: string[];
        volumes?: { containerPath: string }[];
        mounts?: { target: string }[];
        tmpfs?: Record<string, string>;
        healthcheck?: { tests?: string[] };
    };
    const env: Record<string, string> = {};
    for (const entry of inputs.envs ?? []) env[entry.slice(0, entry.indexOf("="))] = entry.slice(entry.indexOf("=") + 1);
    return {
        name: inputs.name.startsWith(prefix) ? inputs.name.slice(prefix.length) : inputs.name,
        user: inputs.user,
        command: inputs.command ?? [],
        env,
        healthcheck: inputs.healthcheck?.tests ?? [],
        uploads: uploads.map((u) => ({ file: u.file, content: String(u.content), owner: u.owner, group: u.group, permissions: u.permissions })),
        mounts: [...(inputs.volumes ?? []).map((v) => v.containerPath), ...(inputs.mounts ?? []).map((m) => m.target)],
        tmpfs: Object.keys(inputs.tmpfs ?? {}),
    };
}

/** The upload at `file`; fails the test naming what the container does upload when it is missing. */
export function uploadAt(container: RenderedContainer, file: string): Upload {
    const found = container.uploads.find((u) => u.file === file);
    expect(found, `${container.name} uploads no ${file}; it uploads ${container.uploads.map((u) => u.file).join(", ")}`).to.not.equal(undefined);
    return found!;
}

/**
 * A throwaway CA in the program's shape (ECDSA P-384, CA:TRUE, cert and CRL signing), and on request a server
 * certificate for each of the program's certificate requests: ECDSA P-256 with the requested DNS names, CN the first
 * name, server and client auth, the key in the PEM form the tls provider writes (SEC1, `EC PRIVATE KEY`).
 */
export class TestCa {
    readonly caPem: string;
    private readonly issued = new Map<string, { cert: string; key: string }>();

    constructor(private readonly openssl: string, private readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(this.at("ca.cnf"), "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n");
        this.run(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", this.at("ca.key")]);
        this.run(["req", "-x509", "-new", "-key", this.at("ca.key"), "-out", this.at("ca.crt"), "-days", "2", "-subj", "/O=service-stack/CN=service-stack internal CA", "-config", this.at("ca.cnf"), "-extensions", "ca", "-sha384"]);
        this.caPem = fs.readFileSync(this.at("ca.crt"), "utf8");
    }

    /** The certificate and key for `server`, issued for `dnsNames` on first use. */
    issue(server: string, dnsNames: readonly string[]): { cert: string; key: string } {
        const existing = this.issued.get(server);
        if (existing) return existing;
        const file = (ext: string) => this.at(`${server}.${ext}`);
        fs.writeFileSync(file("cnf"), [
            "[leaf]",
            `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`,
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage=serverAuth,clientAuth",
            "",
        ].join("\n"));
        this.run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("key")]);
        this.run(["req", "-new", "-key", file("key"), "-out", file("csr"), "-subj", `/O=service-stack/CN=${dnsNames[0]}`]);
        this.run(["x509", "-req", "-in", file("csr"), "-CA", this.at("ca.crt"), "-CAkey", this.at("ca.key"), "-CAcreateserial", "-out", file("crt"), "-days", "1", "-sha256", "-extfile", file("cnf"), "-extensions", "leaf"]);
        const pair = { cert: fs.readFileSync(file("crt"), "utf8"), key: fs.readFileSync(file("key"), "utf8") };
        this.issued.set(server, pair);
        return pair;
    }

    private at(name: string): string {
        return path.join(this.dir, name);
    }

    private run(args: string[]): void {
        const result = runTool(this.openssl, args);
        expect(result.status, `openssl ${args.join(" ")}: ${result.stderr}`).to.equal(0);
    }
}

/** The mock provider's PEM stand-ins carry the resource's name as their body (see mocks.ts). */
function mockPemName(content: string): { kind: "cert" | "key"; name: string } | undefined {
    const match = /^-----BEGIN (CERTIFICATE|PRIVATE KEY)-----\n([^\n]+)\n/.exec(content);
    if (!match) return undefined;
    return { kind: match[1] === "CERTIFICATE" ? "cert" : "key", name: match[2]! };
}

export interface MaterialiseOptions {
    /** Where the container's file system is rebuilt. */
    readonly root: string;
    readonly ca: TestCa;
    readonly stack: RenderedStack;
    /** Host uid/gid standing in for the container's non-root user (files it owns get this owner). Root only. */
    readonly hostUser?: { readonly uid: number; readonly gid: number };
    /** More container paths to relocate under `root` (created as directories owned by `hostUser`). */
    readonly extraDirs?: readonly string[];
}

export interface Materialised {
    /** Host path of a container path. */
    readonly hostPath: (containerPath: string) => string;
    /** Content of an uploaded file as written on the host (relocated, real PEM). */
    readonly read: (containerPath: string) => string;
}

/**
 * Writes a container's uploads under `root` as Docker would place them: same relative paths, same modes, owned by
 * root or by the stand-in for the container user. Host substitutions, and only these: every container path a file
 * names (uploaded files, mounts, tmpfs, `extraDirs`) becomes the same path under `root`; the mock provider's
 * certificates and keys become real ones from `ca` with the DNS names the program requested. Ports and listen
 * addresses are left for the caller to substitute.
 */
export function materialise(container: RenderedContainer, options: MaterialiseOptions): Materialised {
    const { root, ca, stack, hostUser } = options;
    const hostPath = (p: string) => path.join(root, p);
    const dirs = [...container.mounts, ...container.tmpfs, ...(options.extraDirs ?? [])];
    const known = [...container.uploads.map((u) => u.file), ...dirs].sort((a, b) => b.length - a.length);
    const boundary = "(?=$|[\\s'\",\\]\\)}/])";
    const pattern = new RegExp(`(?<=^|[\\s'"=:\\[,(])(${known.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})${boundary}`, "gm");
    const relocate = (text: string) => text.replace(pattern, (p) => hostPath(p));
    const isRoot = process.getuid?.() === 0;

    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    fs.chmodSync(root, 0o755);
    for (const dir of dirs) {
        fs.mkdirSync(path.dirname(hostPath(dir)), { recursive: true, mode: 0o755 });
        fs.mkdirSync(hostPath(dir), { recursive: true, mode: 0o700 });
        if (isRoot && hostUser) fs.chownSync(hostPath(dir), hostUser.uid, hostUser.gid);
    }
    const written = new Map<string, string>();
    for (const upload of container.uploads) {
        let content = upload.content;
        const pem = mockPemName(content);
        if (pem && content.includes(`${pem.name}\n-----END`)) {
            const isCaCert = pem.kind === "cert" && stack.certificateNames[pem.name] === undefined;
            if (isCaCert) content = ca.caPem;
            else {
                const server = pem.kind === "key" ? pem.name.replace(/-key$/, "") : pem.name;
                const names = stack.certificateNames[server];
                expect(names, `${container.name}: ${upload.file} comes from ${pem.name}, which has no certificate request`).to.not.equal(undefined);
                const issued = ca.issue(server, names!);
                content = pem.kind === "key" ? issued.key : issued.cert;
            }
        } else if (content.startsWith(KEY_MARKER)) {
            throw new Error(`${container.name}: ${upload.file} holds a mock key that is not a certificate key`);
        } else {
            content = relocate(content);
        }
        const file = hostPath(upload.file);
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
        fs.writeFileSync(file, content);
        fs.chmodSync(file, parseInt(upload.permissions, 8));
        if (isRoot) {
            const own = upload.owner === "0" || !hostUser ? { uid: 0, gid: 0 } : hostUser;
            fs.chownSync(file, own.uid, own.gid);
        }
        written.set(upload.file, content);
    }
    return {
        hostPath,
        read: (p) => {
            const content = written.get(p);
            if (content === undefined) throw new Error(`${container.name} uploads no ${p}`);
            return content;
        },
    };
}

/** The uid and gid of a local system user (e.g. `postgres`), for servers that refuse to run as root. */
export function systemUser(name: string): { uid: number; gid: number } {
    const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
    if (!line) throw new Error(`no system user ${name} (installed by its Debian package)`);
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
}
