import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderCaddyBasicAuthSnippet, renderCaddyfile } from "../../components/render/caddy";
import { buildSettings } from "../../components/settings/buildSettings";
import { requireTool } from "../support/tools";
import { renderInputs } from "../support/renderInputs";

describe("caddy validate accepts the rendered Caddyfile", function () {
    let caddy: string | undefined;
    let dir: string;
    before(function () {
        caddy = requireTool(this, "caddy", "bash .ci/install-tools.sh");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "caddy-"));
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "tls.key"), "-out", path.join(dir, "tls.crt"), "-subj", "/CN=edge", "-days", "2"], { stdio: "pipe" });
        fs.copyFileSync(path.join(dir, "tls.crt"), path.join(dir, "ca.crt"));
        fs.writeFileSync(path.join(dir, "snippet"), renderCaddyBasicAuthSnippet("jaeger", "$2a$10$C5mJmAnDwNfDEuU9Yy2uKe8gDYy9FJlgVQmK/KjtNDnK0eL3f5Z3C"));
    });

    /** Validates a Caddyfile with its container paths moved into the temp dir; returns caddy's output. */
    function validate(text: string): string {
        const file = path.join(dir, "Caddyfile");
        fs.writeFileSync(file, text.split("/run/secrets/jaeger-basic-auth.caddy").join(path.join(dir, "snippet")).split("/etc/caddy/tls/").join(`${dir}/`));
        return execFileSync(caddy!, ["validate", "--adapter", "caddyfile", "--config", file], { encoding: "utf8", stdio: "pipe" });
    }

    it("for the local default (internal-CA certificate)", () => {
        validate(renderCaddyfile(renderInputs(buildSettings({ project: "service-stack", stack: "dev", values: {}, secretKeys: new Set() })).caddyfile));
    });

    it("for a production domain (ACME, TLS 1.3)", () => {
        validate(renderCaddyfile(renderInputs(buildSettings({ project: "service-stack", stack: "production", values: { environment: "production", images: { api: "r.example.com/api:1.0.0" }, domain: "example.com", acmeEmail: "ops@example.com" }, secretKeys: new Set() })).caddyfile));
    });

    it("and rejects a broken one, so the check can fail", () => {
        expect(() => validate("example.com {\n\tno_such_directive\n}\n")).to.throw();
    });
});
