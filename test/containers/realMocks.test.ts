import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unwrap } from "../../harness/mocks";
import { requireTool } from "../support/tools";
import { RealisticMocks, runRealistic } from "./support/realMocks";
import { randomPassword } from "./support/realRandom";

/**
 * RealisticMocks hand the program real material: passwords built as terraform-provider-random builds them with
 * bcrypt hashes libcrypt verifies, and keys and certificates `openssl verify` accepts with the requested names and
 * uses. Run alone:
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 600000 test/containers/realMocks.test.ts
 */

const KEY = "tls:index/privateKey:PrivateKey";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const REQUEST = "tls:index/certRequest:CertRequest";
const SIGNED = "tls:index/locallySignedCert:LocallySignedCert";
const PASSWORD = "random:index/randomPassword:RandomPassword";

/** libcrypt's own bcrypt (through perl's crypt), a verifier independent of the hashing library. */
function libcryptAccepts(perl: string, password: string, hash: string): boolean {
    const result = spawnSync(perl, ["-e", "print crypt($ARGV[0], $ARGV[1])", password, hash], { encoding: "utf8" });
    return result.status === 0 && result.stdout === hash;
}

function openssl(tool: string, args: string[]): string {
    const result = spawnSync(tool, args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
}

describe("RealisticMocks", function () {
    let opensslPath: string;
    let perl: string;
    let dir: string;
    let mocks: RealisticMocks;
    const make = (type: string, name: string, inputs: Record<string, unknown>) =>
        mocks.newResource({ type, name, inputs, provider: "", id: "", custom: true } as never).state as Record<string, string>;
    const file = (name: string, content: string) => {
        fs.writeFileSync(path.join(dir, name), content);
        return path.join(dir, name);
    };

    before(function () {
        opensslPath = requireTool(this, "openssl", "apt-get install openssl");
        perl = requireTool(this, "perl", "Debian's perl-base");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "realmocks-"));
        mocks = new RealisticMocks({ imageIdFor: (reference) => `sha256:${"0".repeat(60)}${reference.length.toString(16).padStart(4, "0")}`, openssl: opensslPath });
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("builds passwords as the random provider does: length, classes, minimums (even of a disabled class), overrideSpecial", () => {
        for (let i = 0; i < 200; i++) {
            const p = randomPassword({ length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });
            expect(p).to.match(/^[A-Za-z0-9]{32}$/).and.match(/[a-z]/).and.match(/[A-Z]/).and.match(/[0-9]/);
            const q = randomPassword({ length: 12, upper: false, numeric: false, overrideSpecial: "-_", minSpecial: 4, minNumeric: 3 });
            expect(q).to.match(/^[a-z0-9_-]{12}$/);
            expect(q.replace(/[^-_]/g, "").length).to.be.at.least(4);
            expect(q.replace(/[^0-9]/g, "").length).to.equal(3);
        }
        expect(() => randomPassword({ length: 3, minUpper: 2, minLower: 2 })).to.throw(/at least the sum of the min_\* values \(4\)/);
        expect(() => randomPassword({ length: 8, upper: false, lower: false, numeric: false, special: false })).to.throw(/character set specified is empty/);
    });

    it("gives each password a bcrypt hash (cost 10, $2a$) that libcrypt verifies, and that refuses another password", () => {
        const state = make(PASSWORD, "pw", { length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });
        expect(state.bcryptHash).to.match(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
        expect(libcryptAccepts(perl, state.result!, state.bcryptHash!)).to.equal(true);
        expect(libcryptAccepts(perl, `${state.result}x`, state.bcryptHash!)).to.equal(false);
    });

    it("issues keys in the provider's PEM forms", () => {
        expect(make(KEY, "rsa", { algorithm: "RSA", rsaBits: 2048 }).privateKeyPem).to.match(/^-----BEGIN RSA PRIVATE KEY-----\n/);
        expect(make(KEY, "ec", { algorithm: "ECDSA", ecdsaCurve: "P256" }).privateKeyPem).to.match(/^-----BEGIN EC PRIVATE KEY-----\n/);
        expect(make(KEY, "ed", { algorithm: "ED25519" }).privateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
        const p224 = make(KEY, "default-curve", { algorithm: "ECDSA" });
        expect(openssl(opensslPath, ["pkey", "-in", file("p224.key", p224.privateKeyPem!), "-noout", "-text"])).to.match(/NIST CURVE: P-224/);
    });

    it("issues a CA and a server certificate that openssl verifies, with the requested names, uses and validity", () => {
        const caKey = make(KEY, "ca-key", { algorithm: "ECDSA", ecdsaCurve: "P384" });
        const ca = make(SELF_SIGNED, "ca", { privateKeyPem: caKey.privateKeyPem, subject: { commonName: "test internal CA", organization: "svc/test" }, isCaCertificate: true, validityPeriodHours: 240, allowedUses: ["cert_signing", "crl_signing", "digital_signature"] });
        const key = make(KEY, "srv-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
        const csr = make(REQUEST, "srv-csr", { privateKeyPem: key.privateKeyPem, subject: { commonName: "postgres", organization: "svc/test" }, dnsNames: ["postgres", "db.example.com"], ipAddresses: ["10.0.0.7"] });
        const cert = make(SIGNED, "srv", { certRequestPem: csr.certRequestPem, caPrivateKeyPem: caKey.privateKeyPem, caCertPem: ca.certPem, validityPeriodHours: 25, allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"] });
        const caFile = file("ca.crt", ca.certPem!);
        const certFile = file("srv.crt", cert.certPem!);
        expect(openssl(opensslPath, ["verify", "-CAfile", caFile, "-purpose", "sslserver", certFile]).trim()).to.equal(`${certFile}: OK`);
        expect(openssl(opensslPath, ["verify", "-CAfile", caFile, "-purpose", "sslclient", certFile]).trim()).to.equal(`${certFile}: OK`);
        const text = openssl(opensslPath, ["x509", "-in", certFile, "-noout", "-text"]);
        expect(text).to.match(/DNS:postgres, DNS:db.example.com, IP Address:10.0.0.7/).and.match(/Subject: O = svc\/test, CN = postgres/);
        expect(text).to.match(/Key Usage: critical\n\s+Digital Signature, Key Encipherment/).and.match(/TLS Web Server Authentication, TLS Web Client Authentication/);
        expect(text).to.match(/CA:FALSE/).and.not.match(/Subject Key Identifier/);
        expect(openssl(opensslPath, ["x509", "-in", caFile, "-noout", "-text"])).to.match(/CA:TRUE/).and.match(/Certificate Sign, CRL Sign/).and.match(/ecdsa-with-SHA384/);
        expect(Date.parse(cert.validityEndTime!) - Date.parse(cert.validityStartTime!)).to.equal(25 * 3600 * 1000);
        const notAfter = openssl(opensslPath, ["x509", "-in", certFile, "-noout", "-enddate"]).trim().replace("notAfter=", "");
        expect(Date.parse(notAfter)).to.equal(Date.parse(cert.validityEndTime!));
        const keyPub = openssl(opensslPath, ["pkey", "-in", file("srv.key", key.privateKeyPem!), "-pubout"]);
        expect(openssl(opensslPath, ["x509", "-in", certFile, "-noout", "-pubkey"])).to.equal(keyPub);
    });

    it("gives the program real material: every server certificate of the dev stack verifies against its CA with the names it requested", async () => {
        const { mocks: run } = await runRealistic("dev", {}, undefined, { imageIdFor: (reference) => `sha256:${Buffer.from(reference).toString("hex").padEnd(64, "0").slice(0, 64)}`, openssl: opensslPath });
        const [caResource] = run.ofType(SELF_SIGNED);
        const caFile = file("dev-ca.crt", String(run.stateOf(SELF_SIGNED, caResource!.name).certPem));
        const signed = run.ofType(SIGNED);
        expect(signed.length).to.be.greaterThan(5);
        for (const resource of signed) {
            const inputs = unwrap(resource.inputs) as { certRequestPem: string };
            const request = run.ofType(REQUEST).find((r) => run.stateOf(REQUEST, r.name).certRequestPem === inputs.certRequestPem)!;
            const certFile = file(`${resource.name}.crt`, String(run.stateOf(SIGNED, resource.name).certPem));
            expect(openssl(opensslPath, ["verify", "-CAfile", caFile, "-purpose", "sslserver", certFile]).trim(), resource.name).to.equal(`${certFile}: OK`);
            const names = (unwrap(request.inputs) as { dnsNames: string[] }).dnsNames.map((n) => `DNS:${n}`).join(", ");
            expect(openssl(opensslPath, ["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"]), resource.name).to.include(names);
        }
        for (const resource of run.ofType(PASSWORD).slice(0, 2)) {
            const state = run.stateOf(PASSWORD, resource.name) as { result: string; bcryptHash: string };
            expect(libcryptAccepts(perl, state.result, state.bcryptHash), resource.name).to.equal(true);
        }
        const images = run.ofType("docker:index/remoteImage:RemoteImage");
        expect(run.stateOf(images[0]!.type, images[0]!.name).imageId).to.match(/^sha256:[0-9a-f]{64}$/);
    });
});
