import { expect } from "chai";
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import { renderCaddyBasicAuthSnippet } from "../../components/render/caddy";
import { BASIC_AUTH_USERS, SECRET_FILES, workloadSpecs } from "../../components/workloads/catalogue";
import { PUBLIC_ENDPOINTS } from "../../components/settings/types";
import { closeServer, eventually, freePort, Reply, request, suiteServers } from "../support/servers";
import { Materialised, materialise, RenderedContainer, RenderedStack, renderedStack, systemUser, TestCa, uploadAt } from "../support/stackFiles";
import { announceVersion, requireTool, tempDir } from "../support/tools";

/**
 * Caddy 2.11 (Debian sid, .ci/install-tools.sh) running the edge's rendered Caddyfile, in front of a second Caddy running the API stand-in's
 * rendered caddy.json: the dev stack's `edge` and `api` containers, each started with its container command.
 * Only the local default stack: staging and production take their certificates from ACME, which cannot run offline;
 * the dev stack serves the internal CA's certificate, so every TLS check here is real against the test CA.
 * Host substitutions only: file paths (under a temp root), listen ports and address (`default_bind`; the container
 * listens on all its interfaces), the admin API's address (the rendered file leaves it at Caddy's default,
 * localhost:2019, which the container's healthcheck uses and two Caddys here would share), upstream addresses (the
 * alias's port becomes a loopback port; `tls_server_name` stays the alias, so the edge still verifies each
 * upstream's certificate for its alias), and the Jaeger basic-auth snippet, whose mock hash is replaced by the
 * renderer's output for a real bcrypt hash of a password this test knows.
 * The other upstreams (Grafana, Prometheus, Alertmanager, Jaeger) are small HTTPS stand-ins in this process, each
 * with a certificate for its alias; Prometheus's is from a different CA, to show the edge refuses it.
 */

/** The response headers the edge must set on every site, whatever else the renderer adds. */
const REQUIRED_HEADERS = ["strict-transport-security", "content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"];

/** The `header { … }` block of the site `host` in a Caddyfile: name (lower case) -> value; `-Name` as removal. */
function siteHeaders(caddyfile: string, host: string): { set: Record<string, string>; removed: string[] } {
    const site = new RegExp(`^${host.replace(/\./g, "\\.")} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(caddyfile);
    expect(site, `the Caddyfile has a site ${host}`).to.not.equal(null);
    const block = /^\theader \{\n([\s\S]*?)^\t\}/m.exec(site![1]!);
    expect(block, `the site ${host} sets headers`).to.not.equal(null);
    const set: Record<string, string> = {};
    const removed: string[] = [];
    for (const line of block![1]!.split("\n").map((l) => l.trim()).filter(Boolean)) {
        if (line.startsWith("-")) removed.push(line.slice(1).toLowerCase());
        else {
            const [, name, value] = /^(\S+)\s+(.*)$/.exec(line)!;
            set[name!.toLowerCase()] = value!.replace(/^"(.*)"$/, "$1").replace(/\\"/g, '"');
        }
    }
    return { set, removed };
}

/** A TLS handshake by openssl s_client to `port` for `serverName`, verifying against `caFile`. */
function handshake(openssl: string, port: number, serverName: string, caFile: string, flags: readonly string[]) {
    return spawnSync(openssl, [
        "s_client", "-connect", `127.0.0.1:${port}`, "-servername", serverName, "-CAfile", caFile,
        "-verify_hostname", serverName, "-verify_return_error", "-brief", ...flags,
    ], { encoding: "utf8", input: "", timeout: 15000 });
}

describe("Caddy 2.11 on loopback: the edge's Caddyfile in front of the API stand-in, local default stack (dev)", function () {
    const servers = suiteServers();
    let openssl: string;
    let stack: RenderedStack;
    let edge: RenderedContainer;
    let edgeFiles: Materialised;
    /** The Caddyfile as rendered (container paths and ports). */
    let caddyfile: string;
    let ports: { http: number; https: number; admin: number; api: number };
    let caFile: string;
    const jaegerPassword = randomBytes(12).toString("hex");

    /** An HTTPS request through the edge for the public hostname of `endpoint`, verified against the test CA. */
    function viaEdge(endpoint: (typeof PUBLIC_ENDPOINTS)[number], urlPath: string, auth?: string) {
        return request({ port: ports.https, path: urlPath, ca: fs.readFileSync(caFile, "utf8"), serverName: stack.settings.hostnames[endpoint], auth });
    }

    /** What each upstream stand-in saw: requests served, and TLS handshakes the client (the edge) broke off. */
    const seenByStandIn: Record<string, { requests: number; tlsErrors: string[] }> = {};

    /** An in-process HTTPS server standing in for an upstream, answering `<alias> stand-in <path>`. */
    async function startStandIn(alias: string, pair: { cert: string; key: string }): Promise<number> {
        const seen: { requests: number; tlsErrors: string[] } = { requests: 0, tlsErrors: [] };
        seenByStandIn[alias] = seen;
        const server = https.createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
            seen.requests++;
            res.writeHead(200, { "content-type": "text/plain" });
            res.end(`${alias} stand-in ${req.url}\n`);
        });
        server.on("tlsClientError", (e) => seen.tlsErrors.push(e.message));
        servers.onStop(() => closeServer(server));
        return new Promise((resolve, reject) => {
            server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
            server.on("error", reject);
        });
    }

    before(async function () {
        this.timeout(180000);
        const caddy = requireTool(this, "caddy", "bash .ci/install-tools.sh");
        announceVersion("Caddy", caddy, ["version"]);
        openssl = requireTool(this, "openssl", "apt-get install openssl");
        stack = await renderedStack("dev");
        expect(stack.settings.domain, "the dev stack serves the internal CA's certificate, not ACME's").to.equal(undefined);
        edge = stack.containers.edge!;
        const api = stack.containers.api!;
        const temp = tempDir("caddy-dev");
        servers.onStop(temp.cleanup);
        fs.chmodSync(temp.dir, 0o755);
        const ca = new TestCa(openssl, path.join(temp.dir, "pki"));
        caFile = path.join(temp.dir, "pki", "ca.crt");
        ports = { http: await freePort(), https: await freePort(), admin: await freePort(), api: await freePort() };

        // The API stand-in: a non-root container user, so a non-root user here too (the edge runs as root in its container).
        const apiUser = process.getuid?.() === 0 ? systemUser("caddy") : undefined;
        const apiFiles = materialise(api, { root: path.join(temp.dir, "api"), ca, stack, hostUser: apiUser });
        const [apiProgram, ...apiArgs] = api.command;
        expect(apiProgram).to.equal("caddy");
        const apiConfigPath = apiArgs[apiArgs.indexOf("--config") + 1]!;
        const apiConfig = JSON.parse(apiFiles.read(apiConfigPath)) as { admin?: { disabled?: boolean }; apps: { http: { servers: Record<string, { listen: string[] }> } } };
        expect(apiConfig.admin?.disabled, "the stand-in's admin API is off, so it cannot clash with the edge's").to.equal(true);
        const specs = workloadSpecs(stack.settings);
        for (const server of Object.values(apiConfig.apps.http.servers)) {
            expect(server.listen).to.deep.equal([`:${api.env.PORT}`]);
            server.listen = [`127.0.0.1:${ports.api}`];
        }
        const apiLoopbackConfig = path.join(temp.dir, "api-caddy.loopback.json");
        fs.writeFileSync(apiLoopbackConfig, JSON.stringify(apiConfig));
        // Caddy keeps state under HOME / XDG dirs; the container points them into its tmpfs, and so do we.
        const apiEnv = {
            HOME: apiFiles.hostPath("/tmp"),
            XDG_DATA_HOME: apiFiles.hostPath(api.env.XDG_DATA_HOME!),
            XDG_CONFIG_HOME: apiFiles.hostPath(api.env.XDG_CONFIG_HOME!),
        };
        servers.start("api stand-in (caddy)", caddy, apiArgs.map((a) => (a === apiConfigPath ? apiLoopbackConfig : a)), {
            uid: apiUser?.uid, gid: apiUser?.gid, env: apiEnv,
        });

        // The other upstreams, each with a certificate for its alias; Prometheus's from a CA the edge does not trust.
        const otherCa = new TestCa(openssl, path.join(temp.dir, "other-pki"));
        const upstreamPorts: Record<string, number> = { [specs.api.alias]: ports.api };
        for (const endpoint of PUBLIC_ENDPOINTS.filter((e) => e !== "api")) {
            const alias = specs[endpoint].alias;
            const [certificate, names] = Object.entries(stack.certificateNames).find(([, n]) => n.includes(alias))!;
            upstreamPorts[alias] = await startStandIn(alias, (endpoint === "prometheus" ? otherCa : ca).issue(certificate, names));
        }

        // The edge: the rendered Caddyfile with its ports, admin address and upstream addresses moved to loopback.
        edgeFiles = materialise(edge, { root: path.join(temp.dir, "edge"), ca, stack });
        const [edgeProgram, ...edgeArgs] = edge.command;
        expect(edgeProgram).to.equal("caddy");
        const caddyfilePath = edgeArgs[edgeArgs.indexOf("--config") + 1]!;
        caddyfile = uploadAt(edge, caddyfilePath).content;
        expect(caddyfile, "the rendered Caddyfile leaves the admin API at Caddy's default").to.not.match(/^\tadmin /m);
        const snippet = uploadAt(edge, SECRET_FILES.edgeJaegerBasicAuth).content;
        expect(snippet).to.match(new RegExp(`^basicauth \\{\\n\\t${BASIC_AUTH_USERS.jaeger} \\S+\\n\\}\\n$`));
        const hashed = spawnSync(caddy, ["hash-password", "--plaintext", jaegerPassword], { encoding: "utf8", timeout: 30000 });
        expect(hashed.status, hashed.stderr).to.equal(0);
        const snippetFile = edgeFiles.hostPath(SECRET_FILES.edgeJaegerBasicAuth);
        fs.chmodSync(snippetFile, 0o600);
        fs.writeFileSync(snippetFile, renderCaddyBasicAuthSnippet(BASIC_AUTH_USERS.jaeger, hashed.stdout.trim()));
        fs.chmodSync(snippetFile, parseInt(uploadAt(edge, SECRET_FILES.edgeJaegerBasicAuth).permissions, 8));

        let loopback = edgeFiles.read(caddyfilePath)
            .replace(/^\thttp_port \d+$/m, `\thttp_port ${ports.http}`)
            .replace(/^\thttps_port \d+$/m, `\thttps_port ${ports.https}`)
            .replace(/^\{\n/, `{\n\tadmin 127.0.0.1:${ports.admin}\n\tdefault_bind 127.0.0.1\n`);
        const proxied = new Set<string>();
        loopback = loopback.replace(/^(\treverse_proxy https?:\/\/)([a-z-]+):(\d+)( \{)$/gm, (_line, head: string, alias: string, _port, tail: string) => {
            expect(upstreamPorts[alias], `a stand-in for the upstream ${alias}`).to.not.equal(undefined);
            proxied.add(alias);
            return `${head}127.0.0.1:${upstreamPorts[alias]}${tail}`;
        });
        expect([...proxied].sort(), "every upstream the edge proxies to").to.deep.equal(Object.keys(upstreamPorts).sort());
        const edgeLoopbackConfig = path.join(temp.dir, "Caddyfile.loopback");
        fs.writeFileSync(edgeLoopbackConfig, loopback);
        servers.start("edge (caddy)", caddy, edgeArgs.map((a) => (a === caddyfilePath ? edgeLoopbackConfig : a)), {
            env: {
                HOME: edgeFiles.hostPath("/tmp"),
                XDG_DATA_HOME: edgeFiles.hostPath(edge.env.XDG_DATA_HOME!),
                XDG_CONFIG_HOME: edgeFiles.hostPath(edge.env.XDG_CONFIG_HOME!),
            },
        });

        // The API container's healthcheck, over verified TLS for its alias rather than --no-check-certificate.
        const [, , ...apiCheck] = api.healthcheck;
        const apiHealthPath = new URL(apiCheck[apiCheck.length - 1]!).pathname;
        await servers.ready("the API stand-in answering its healthcheck", 30000, async () =>
            (await request({ port: ports.api, path: apiHealthPath, ca: ca.caPem, serverName: specs.api.alias })).status === 200 || undefined);
        // The edge container's healthcheck: its admin API, here on the substituted port.
        const edgeHealthPath = new URL(edge.healthcheck[edge.healthcheck.length - 1]!).pathname;
        await servers.ready("the edge answering its healthcheck (the admin API)", 30000, async () =>
            (await request({ port: ports.admin, path: edgeHealthPath })).status === 200 || undefined);
        await servers.ready("the edge serving HTTPS", 30000, async () =>
            (await request({ port: ports.https, path: "/", ca: ca.caPem, serverName: stack.settings.hostnames.api })).status > 0 || undefined);
    });

    /** Every header the site's block sets, with its value, the required ones among them, and no Server header. */
    function expectSecurityHeaders(reply: Reply, endpoint: (typeof PUBLIC_ENDPOINTS)[number]): void {
        const host = stack.settings.hostnames[endpoint];
        const { set, removed } = siteHeaders(caddyfile, host);
        expect(Object.keys(set)).to.include.members(REQUIRED_HEADERS);
        for (const [name, value] of Object.entries(set)) expect(reply.headers[name], `${host} (${reply.status}): ${name}`).to.equal(value);
        expect(removed).to.include("server");
        expect(reply.headers.server, `${host} (${reply.status}) names its server`).to.equal(undefined);
    }

    for (const endpoint of PUBLIC_ENDPOINTS) {
        it(`serves ${endpoint}'s public hostname with the internal CA's certificate and every security header, without a Server header`, async () => {
            const reply = await viaEdge(endpoint, "/", endpoint === "jaeger" ? `${BASIC_AUTH_USERS.jaeger}:${jaegerPassword}` : undefined);
            // Prometheus's stand-in is refused (a 502, see below): the error response must carry the headers too.
            expect(reply.status, reply.body).to.equal(endpoint === "prometheus" ? 502 : 200);
            expectSecurityHeaders(reply, endpoint);
        });
    }

    it("redirects plain HTTP with 308 to HTTPS on the published HTTPS port, keeping path and query", async () => {
        const host = stack.settings.hostnames.api;
        const reply = await request({ port: ports.http, path: "/health/live?probe=1", headers: { host } });
        expect(reply.status).to.equal(308);
        expect(reply.headers.location).to.equal(`https://${host}:${stack.settings.edge.httpsPort}/health/live?probe=1`);
        expect(reply.headers, "the redirect names no server software").not.to.have.property("server");
    });

    it("proxies the API's hostname to the API stand-in over TLS verified for its alias", async () => {
        const api = stack.containers.api!;
        const livePath = new URL(api.healthcheck[api.healthcheck.length - 1]!).pathname;
        const reply = await viaEdge("api", livePath);
        expect(reply.status, reply.body).to.equal(200);
        expect(reply.body).to.equal("ok\n");
        // The stand-in answers only its three paths; anything else is its empty 200, not the edge's doing.
        const metrics = await viaEdge("api", stack.settings.api.metricsPath);
        expect(metrics.body).to.contain(`# TYPE ${stack.settings.api.metricNames.requestsTotal} counter`);
    });

    it("proxies each UI hostname to its own upstream", async () => {
        for (const endpoint of ["grafana", "alertmanager"] as const) {
            const reply = await viaEdge(endpoint, "/some/page?x=1");
            expect(reply.status, `${endpoint}: ${reply.body}`).to.equal(200);
            expect(reply.body).to.equal(`${endpoint} stand-in /some/page?x=1\n`);
        }
    });

    it("answers 502 when an upstream's certificate is not from the internal CA (the edge verifies upstreams)", async () => {
        const reply = await viaEdge("prometheus", "/");
        expect(reply.status).to.equal(502);
        expect(reply.body).to.equal("502 Bad Gateway");
        const seen = seenByStandIn[workloadSpecs(stack.settings).prometheus.alias]!;
        expect(seen.requests, "requests the untrusted upstream received").to.equal(0);
        // The stand-in's side of the failed handshake may be reported after the edge has already answered.
        const refusal = await eventually("the untrusted upstream seeing the edge's refusal", 5000, async () => seen.tlsErrors.find((e) => /alert bad certificate/.test(e)));
        expect(refusal).to.match(/alert bad certificate/);
    });

    it("asks for credentials on the Jaeger UI, refuses wrong ones and proxies with the right ones", async () => {
        const anonymous = await viaEdge("jaeger", "/search");
        expect(anonymous.status).to.equal(401);
        expect(anonymous.headers["www-authenticate"]).to.match(/^Basic /);
        expect(anonymous.body).to.not.contain("stand-in");
        expectSecurityHeaders(anonymous, "jaeger");
        const wrong = await viaEdge("jaeger", "/search", `${BASIC_AUTH_USERS.jaeger}:not-${jaegerPassword}`);
        expect(wrong.status).to.equal(401);
        const right = await viaEdge("jaeger", "/search", `${BASIC_AUTH_USERS.jaeger}:${jaegerPassword}`);
        expect(right.status, right.body).to.equal(200);
        expect(right.body).to.equal("jaeger stand-in /search\n");
    });

    it("serves no certificate for a name it does not host", () => {
        const unknown = handshake(openssl, ports.https, "unknown.localhost", caFile, []);
        expect(unknown.status).to.not.equal(0);
        // Caddy has no certificate for the name and aborts the handshake (Go sends internal_error for that).
        expect(unknown.stderr).to.match(/tlsv1 alert internal error/);
    });

    it("accepts TLS at the configured minimum and refuses a client capped below it", () => {
        const host = stack.settings.hostnames.api;
        const minimum = stack.settings.tls.minVersion;
        const atMinimum = handshake(openssl, ports.https, host, caFile, [minimum === "1.3" ? "-tls1_3" : "-tls1_2"]);
        expect(atMinimum.status, atMinimum.stderr).to.equal(0);
        expect(atMinimum.stderr).to.contain(`Protocol version: TLSv${minimum}`);
        expect(atMinimum.stderr).to.contain(`Verified peername: ${host}`);
        // SECLEVEL=0 lets this client offer TLS 1.1 at all; the alert it receives is the server's refusal.
        const below = handshake(openssl, ports.https, host, caFile, [minimum === "1.3" ? "-tls1_2" : "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]);
        expect(below.status).to.not.equal(0);
        expect(below.stderr).to.match(/alert protocol version/);
    });
});
