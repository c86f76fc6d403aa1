import { expect } from "chai";
import { isRootUser } from "../../../policy/lib/docker";
import { disallowPrivileged, requireDropAllCapabilities, requireNoNewPrivileges, requireNonRootUser, requireReadOnlyRootFilesystem } from "../../../policy/policies/containers/leastPrivilege";
import { changed, compliantContainer, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();

const exempt = (containerName: string) => ({ exemptions: [{ containerName, reason: "reads the host on purpose (test)" }] });

specifyResourcePolicy(disallowPrivileged, base, [
    { when: "the container is privileged", input: changed(base, (i) => { i.privileged = true; }), violations: [/runs privileged/] },
    { when: "`privileged` is left unset (Docker's default is false)", input: changed(base, (i) => { delete i.privileged; }) },
    { when: "`privileged` is unknown during preview", input: changed(base, (i) => { i.privileged = UNKNOWN.boolean; }), unknown: true },
]);

specifyResourcePolicy(requireDropAllCapabilities, base, [
    { when: "capabilities are not dropped", input: changed(base, (i) => { i.capabilities = { adds: [] }; }), violations: [/must include "ALL"/] },
    { when: "no capabilities block is set", input: changed(base, (i) => { delete i.capabilities; }), violations: [/not dropped/] },
    { when: "a capability is added back without being allowed", input: changed(base, (i) => { i.capabilities.adds = ["SYS_ADMIN"]; }), violations: [/"SYS_ADMIN" is added back/] },
    { when: "an allowed capability is added back (CAP_ prefix and case ignored)", input: changed(base, (i) => { i.capabilities.adds = ["cap_net_bind_service"]; }), config: { allowedCapabilities: ["NET_BIND_SERVICE"] } },
    { when: "the container is exempted by name", input: changed(base, (i) => { delete i.capabilities; }), config: exempt("*-postgres"), notApplicable: /^exempt \(container \*-postgres\): reads the host/ },
]);

specifyResourcePolicy(requireNoNewPrivileges, base, [
    { when: "no-new-privileges is missing", input: changed(base, (i) => { i.securityOpts = []; }), violations: [/no-new-privileges/] },
    { when: "seccomp is unconfined", input: changed(base, (i) => { i.securityOpts.push("seccomp=unconfined"); }), violations: [/seccomp=unconfined/] },
    { when: "`securityOpts` is unknown during preview", input: changed(base, (i) => { i.securityOpts = UNKNOWN.array; }) },
]);

specifyResourcePolicy(requireReadOnlyRootFilesystem, base, [
    { when: "the root filesystem is writable", input: changed(base, (i) => { i.readOnly = false; }), violations: [/writable/] },
    { when: "the writable container is exempted by resource name", input: changed(base, (i) => { i.readOnly = false; }), config: { exemptions: [{ resourceName: "stack-*", reason: "image writes to its root (test)" }] }, notApplicable: /exempt \(resource stack-\*\)/ },
]);

describe("root users", () => {
    it("recognises uid 0, `root` and an unset user as root; any other uid or name as not", () => {
        expect([undefined, "", "0", "0:0", "root", "root:root", ":1000"].map(isRootUser)).to.deep.equal([true, true, true, true, true, true, true]);
        expect(["999:999", "65534", "nobody", "472:0"].map(isRootUser)).to.deep.equal([false, false, false, false]);
    });
});

specifyResourcePolicy(requireNonRootUser, base, [
    { when: "the container runs as uid 0", input: changed(base, (i) => { i.user = "0:0"; }), violations: [/runs as root/] },
    { when: "no user is set", input: changed(base, (i) => { delete i.user; }), violations: [/sets no `user`/] },
    { when: "the edge runs as root under its exemption", input: changed(compliantContainer("service-stack-test-edge"), (i) => { i.user = "0:0"; }), config: exempt("*-edge"), notApplicable: /exempt/ },
]);
