import { expect } from "chai";
import { parseMode } from "../../../policy/lib/docker";
import { requirePrivateSecretFiles } from "../../../policy/policies/secrets/secretFiles";
import { changed, compliantContainer, encrypted, upload } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();

describe("file modes", () => {
    it("parses octal modes with or without a leading 0 or 0o, and rejects anything else", () => {
        expect([parseMode("0400"), parseMode("600"), parseMode("0o640"), parseMode("rw-------")]).to.deep.equal([0o400, 0o600, 0o640, NaN]);
    });
});

specifyResourcePolicy(requirePrivateSecretFiles, base, [
    { when: "a /run/secrets file is group-readable", input: changed(base, (i) => { i.uploads[2].permissions = "0640"; }), violations: [/postgres-superuser-password has mode 0640/] },
    { when: "a key file has no mode (the provider's 0644)", input: changed(base, (i) => { delete i.uploads[1].permissions; }), violations: [/tls.key has mode \(default 0644\)/] },
    { when: "a private key is uploaded under an innocent name", input: changed(base, (i) => { i.uploads.push(upload("/etc/app/server.pem", "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n")); }), violations: [/server.pem has mode 0444/] },
    { when: "a secret file is 0600", input: changed(base, (i) => { i.uploads[2].permissions = "0600"; }) },
    { when: "a secret file is executable by its owner (0700)", input: changed(base, (i) => { i.uploads[2].permissions = "0700"; }), violations: [/0700/] },
    { when: "a secret's content is encrypted (state file) and its mode is fine", input: changed(base, (i) => { i.uploads[2].content = encrypted(); }) },
    { when: "a certificate (public) is world-readable", input: base },
    { when: "the whole uploads list is encrypted in a state file", input: changed(base, (i) => { i.uploads = encrypted(); }) },
]);
