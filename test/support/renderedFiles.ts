import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runTool } from "./tools";

/** PEM text of a throwaway CA and of one server certificate (with its key) signed by it. */
export interface TestPki {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
}

/**
 * Rewrites the in-container paths a rendered file names (`/etc/…`, `/run/…`) to the same paths under `root`, so real
 * tools can read the file on this machine; returns the rewritten text and the container paths it named.
 */
export function relocate(text: string, root: string): { text: string; paths: string[] } {
    const paths: string[] = [];
    const relocated = text.replace(/(?<=[\s:'"[-])\/(?:etc|run)\/[^\s'",\]]+/g, (p) => {
        paths.push(p);
        return path.join(root, p);
    });
    return { text: relocated, paths };
}

/** Writes `content` at the container path `containerPath` under `root`; returns the file's path. */
export function writeAt(root: string, containerPath: string, content: string): string {
    const file = path.join(root, containerPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
}

/** Content for a file a rendered config references: PEM for `ca.crt`, `*.crt` and `*.key`, `secret` otherwise. */
export function referencedFileContent(containerPath: string, pki: TestPki, secret = "not-a-real-secret\n"): string {
    if (containerPath.endsWith("/ca.crt")) return pki.ca;
    if (containerPath.endsWith(".crt")) return pki.cert;
    if (containerPath.endsWith(".key")) return pki.key;
    return secret;
}

/** A throwaway CA (valid two days) and a server certificate for `dnsNames`, made with openssl under `dir`. */
export function makeTestPki(openssl: string, dir: string, dnsNames: readonly string[]): TestPki {
    fs.mkdirSync(dir, { recursive: true });
    const at = (f: string) => path.join(dir, f);
    fs.writeFileSync(at("ext.cnf"), `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    const steps: string[][] = [
        ["req", "-x509", ...ec, "-keyout", at("ca.key"), "-out", at("ca.crt"), "-days", "2", "-subj", "/CN=service-stack test CA"],
        ["req", ...ec, "-keyout", at("tls.key"), "-out", at("tls.csr"), "-subj", "/CN=service-stack"],
        ["x509", "-req", "-in", at("tls.csr"), "-CA", at("ca.crt"), "-CAkey", at("ca.key"), "-CAcreateserial", "-out", at("tls.crt"), "-days", "1", "-extfile", at("ext.cnf")],
    ];
    for (const args of steps) {
        const run = runTool(openssl, args);
        expect(run.status, `openssl ${args[0]}: ${run.stderr}`).to.equal(0);
    }
    return { ca: fs.readFileSync(at("ca.crt"), "utf8"), cert: fs.readFileSync(at("tls.crt"), "utf8"), key: fs.readFileSync(at("tls.key"), "utf8") };
}
