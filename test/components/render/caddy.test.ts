import { expect } from "chai";
import { caddyToken, renderCaddyBasicAuthSnippet, renderCaddyfile } from "../../../components/render/caddy";
import { parseCaddyfile } from "../../../policy/lib/caddyfile";
import { buildSettings } from "../../../components/settings/buildSettings";
import { renderInputs } from "../../support/renderInputs";

const local = buildSettings({ project: "service-stack", stack: "dev", values: {}, secretKeys: new Set() });
const production = buildSettings({ project: "service-stack", stack: "production", values: { environment: "production", images: { api: "registry.example.com/api:1.0.0" }, domain: "example.com", acmeEmail: "ops@example.com" }, secretKeys: new Set() });

/** The body of the site block for `host`. */
function site(caddyfile: string, host: string): string {
    const start = caddyfile.indexOf(`\n${host} {\n`);
    expect(start, host).to.be.greaterThan(-1);
    return caddyfile.slice(start, caddyfile.indexOf("\n}\n", start));
}

describe("the Caddyfile", () => {
    const caddyfile = renderCaddyfile(renderInputs(local).caddyfile);

    it("adds every security header on every public site", () => {
        for (const host of Object.values(local.hostnames)) {
            const body = site(caddyfile, host);
            for (const header of ["Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options DENY", "X-Content-Type-Options nosniff", "Referrer-Policy"]) {
                expect(body, `${host} ${header}`).to.contain(header);
            }
        }
    });

    it("answers errors (a basic-auth 401, a 502 from a down upstream) with the same security headers and no Server", () => {
        for (const [endpoint, host] of Object.entries(local.hostnames)) {
            const body = site(caddyfile, host);
            const headers = /\n\t(header \{\n[\s\S]*?\n\t\})/.exec(body)![1]!;
            expect(headers, host).to.contain("\t\t-Server\n");
            const nested = headers.replace(/\n\t/g, "\n\t\t");
            expect(body, `${endpoint}: handle_errors`).to.contain(`\n\thandle_errors {\n\t\t${nested}\n\t\trespond "{err.status_code} {err.status_text}"\n\t}\n`);
        }
    });

    it("redirects plain HTTP to the published HTTPS port", () => {
        expect(caddyfile).to.contain('http:// {\n\theader -Server\n\tredir "https://{host}:8443{uri}" 308\n}');
        expect(renderCaddyfile(renderInputs(production).caddyfile)).to.contain('redir "https://{host}{uri}" 308');
    });

    it("serves the internal-CA certificate without a domain, ACME with one", () => {
        expect(site(caddyfile, "api.localhost")).to.contain("tls /etc/caddy/tls/tls.crt /etc/caddy/tls/tls.key {");
        const prod = renderCaddyfile(renderInputs(production).caddyfile);
        expect(prod).to.contain("email ops@example.com");
        expect(site(prod, "api.example.com")).to.contain("\ttls {\n\t\tprotocols tls1.3\n\t}");
    });

    it("proxies to each service by alias over TLS verified against the internal CA", () => {
        const grafana = site(caddyfile, "grafana.localhost");
        expect(grafana).to.contain("reverse_proxy https://grafana:3000 {").and.contain("tls_trusted_ca_certs /etc/caddy/tls/ca.crt").and.contain("tls_server_name grafana");
        expect(caddyfile).not.to.match(/reverse_proxy \S*localhost/);
    });

    it("guards only the Jaeger UI with the imported basic-auth snippet", () => {
        expect(site(caddyfile, "jaeger.localhost")).to.contain("import /run/secrets/jaeger-basic-auth.caddy");
        expect(caddyfile.match(/import /g)).to.have.length(1);
        expect(renderCaddyBasicAuthSnippet("jaeger", "$2a$10$abc")).to.equal("basicauth {\n\tjaeger $2a$10$abc\n}\n");
    });
});

describe("Caddyfile tokens", () => {
    for (const [what, text, written] of [
        ["a plain word", "ops@example.com", "ops@example.com"],
        ["a placeholder", "{host}", "{host}"],
        ["a value with spaces", "default-src 'none'; base-uri 'none'", `"default-src 'none'; base-uri 'none'"`],
        ["a leading `#` (a comment when bare)", "#admin", `"#admin"`],
        ["a leading `<<` (a heredoc when bare)", "<<EOF", `"<<EOF"`],
        ["U+0085 (a space to Caddy's lexer)", "a\u0085b", `"a\u0085b"`],
        ["a quote", 'say "hi"', `"say \\"hi\\""`],
        ["a trailing backslash (would escape the closing quote)", "a\\", "`a\\`"],
        ["a backslash before a quote", 'a\\"b', '`a\\"b`'],
    ] as const) {
        it(`writes ${what} so Caddy reads it back unchanged`, () => {
            expect(caddyToken(text)).to.equal(written);
            const [block] = parseCaddyfile(`site {\n\tdirective ${written}\n}\n`);
            expect(block?.body[0]?.tokens).to.deep.equal(["directive", text]);
        });
    }

    it("refuses `{$…}`, which Caddy expands from the environment even inside quotes, and what no quoting carries", () => {
        expect(() => caddyToken("{$HOME}")).to.throw("renderCaddyfile: the token \"{$HOME}\" holds `{$`, which Caddy replaces with an environment variable.");
        expect(() => caddyToken('a\\"`')).to.throw("has a backslash before a quote and a backtick");
    });
});
