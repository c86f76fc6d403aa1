import { expect } from "chai";
import { caddyPorts, parseCaddyfile, siteBlocks } from "../../../policy/lib/caddyfile";
import { edgeTlsProblems, requireSecurityHeaders, requireTlsOnPublicEndpoints } from "../../../policy/policies/network/edge";
import { CADDYFILE, edge } from "../support/caddyfile";
import { changed, compliantContainer, encrypted } from "../support/fixtures";
import { specifyResourcePolicy, specifyStackPolicy } from "../support/policySpec";

const base = compliantContainer();

describe("Caddyfile reader", () => {
    it("finds the global ports, snippets and site blocks", () => {
        const blocks = parseCaddyfile(CADDYFILE);
        expect(caddyPorts(blocks)).to.deep.equal({ http: 8080, https: 8443 });
        expect(siteBlocks(blocks).map((b) => b.keys)).to.deep.equal([["api.staging.example.com"], ["grafana.staging.example.com"]]);
    });
    it("defaults to ports 80 and 443 and reads a brace-less single site", () => {
        const blocks = parseCaddyfile("example.com\nrespond \"hi\"\n");
        expect(caddyPorts(blocks)).to.deep.equal({ http: 80, https: 443 });
        expect(siteBlocks(blocks).map((b) => b.keys)).to.deep.equal([["example.com"]]);
    });
});

const caddy = (text: string) => changed(edge, (i) => { i.uploads[0].content = text; });
specifyResourcePolicy(requireSecurityHeaders, edge, [
    { when: "a site does not import the header snippet", input: caddy(CADDYFILE.replace("grafana.staging.example.com {\n\timport security_headers", "grafana.staging.example.com {")), violations: [/Site grafana.staging.example.com .* does not set Strict-Transport-Security, Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, Referrer-Policy/] },
    { when: "the snippet lacks HSTS", input: caddy(CADDYFILE.replace(/\t\tStrict-Transport-Security.*\n/, "")), violations: [/api.staging.* does not set Strict-Transport-Security/, /grafana.staging.* does not set Strict-Transport-Security/] },
    { when: "headers are set inline per site", input: caddy("api.example.com {\n\theader Strict-Transport-Security max-age=1\n\theader Content-Security-Policy x\n\theader X-Frame-Options DENY\n\theader X-Content-Type-Options nosniff\n\theader Referrer-Policy no-referrer\n}\n") },
    { when: "a plain-HTTP redirect site has no headers", input: caddy(`${CADDYFILE}\nhttp:// {\n\tredir https://{host}{uri} permanent\n}\n`) },
    { when: "the container has no Caddyfile", input: base },
]);

describe("edge TLS problems", () => {
    it("accepts the edge's Caddyfile with its HTTP and HTTPS ports published", () => {
        expect(edgeTlsProblems(CADDYFILE, [8080, 8443])).to.deep.equal([]);
    });
    it("reports a published port Caddy does not serve, disabled redirects, and content over plain HTTP", () => {
        expect(edgeTlsProblems(CADDYFILE, [8080, 8443, 2019])).to.deep.equal(["container port 2019 is published but Caddy serves only 8080 (HTTP → HTTPS redirect) and 8443 (HTTPS)"]);
        expect(edgeTlsProblems(CADDYFILE.replace("email ops@example.com", "auto_https disable_redirects"), [8080])).to.have.length(1);
        expect(edgeTlsProblems(`${CADDYFILE}\nhttp://status.example.com {\n\trespond "ok"\n}\n`, [])).to.deep.equal(["site http://status.example.com serves content over plain HTTP instead of redirecting to HTTPS"]);
        expect(edgeTlsProblems(`${CADDYFILE}\n:8080 {\n\tredir https://{host}{uri}\n}\n`, [])).to.deep.equal([]);
        // Removing a response header serves nothing; a site that only sets headers still redirects nobody.
        expect(edgeTlsProblems(`${CADDYFILE}\n:8080 {\n\theader -Server\n\tredir https://{host}{uri}\n}\n`, [])).to.deep.equal([]);
        expect(edgeTlsProblems(`${CADDYFILE}\n:8080 {\n\theader -Server\n}\n`, [])).to.deep.equal(["site :8080 serves content over plain HTTP instead of redirecting to HTTPS"]);
    });
});

const postgres = compliantContainer();
specifyStackPolicy(requireTlsOnPublicEndpoints, [edge, postgres], [
    { when: "a container other than the edge publishes a port", input: [edge, changed(postgres, (i) => { i.ports = [{ internal: 9090, external: 9090, ip: "127.0.0.1" }]; })], violations: [/Container service-stack-test-postgres publishes ports \(9090\) but is not the edge/] },
    { when: "the edge publishes Caddy's admin port", input: [changed(edge, (i) => { i.ports.push({ internal: 2019, external: 2019, ip: "127.0.0.1" }); }), postgres], violations: [/container port 2019 is published/] },
    { when: "the edge turns automatic HTTPS off", input: [caddy(CADDYFILE.replace("email ops@example.com", "auto_https off")), postgres], violations: [/`auto_https off`/] },
    { when: "the edge has no Caddyfile", input: [changed(edge, (i) => { i.uploads = []; }), postgres], violations: [/no readable Caddyfile/] },
    { when: "the edge's uploads are encrypted in a state file", input: [changed(edge, (i) => { i.uploads = encrypted(); }), postgres] },
    { when: "the edge is named differently in the policy config", input: [edge, postgres], config: { edgeContainerName: "*-proxy" }, violations: [/service-stack-test-edge publishes ports \(8080, 8443\) but is not the edge/] },
]);
