import * as fs from "fs";
import * as path from "path";
import { TestCa } from "./stackFiles";

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

/** A throwaway CA in the program's shape and one server certificate for `dnsNames`, made with openssl under `dir`. */
export function makeTestPki(openssl: string, dir: string, dnsNames: readonly string[]): TestPki {
    const ca = new TestCa(openssl, dir);
    return { ca: ca.caPem, ...ca.issue("server", dnsNames) };
}
