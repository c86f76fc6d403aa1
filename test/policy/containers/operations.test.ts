import { requireBoundedRestartPolicy, requireHealthcheck, requireLogRotation, requireMemoryLimit } from "../../../policy/policies/containers/operations";
import { changed, compliantContainer } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();

specifyResourcePolicy(requireMemoryLimit, base, [
    { when: "no memory limit is set", input: changed(base, (i) => { delete i.memory; }), violations: [/no memory limit/] },
    { when: "the memory limit is 0 (unlimited)", input: changed(base, (i) => { i.memory = 0; }), violations: [/no memory limit/] },
]);

specifyResourcePolicy(requireHealthcheck, base, [
    { when: "there is no healthcheck", input: changed(base, (i) => { delete i.healthcheck; }), violations: [/no healthcheck/] },
    { when: "the healthcheck is disabled with NONE", input: changed(base, (i) => { i.healthcheck.tests = ["NONE"]; }), violations: [/no test command/] },
    { when: "the healthcheck has CMD but no command", input: changed(base, (i) => { i.healthcheck.tests = ["CMD"]; }), violations: [/no test command/] },
    { when: "the healthcheck is a shell command", input: changed(base, (i) => { i.healthcheck.tests = ["CMD-SHELL", "pg_isready"]; }) },
]);

specifyResourcePolicy(requireBoundedRestartPolicy, base, [
    { when: "the restart policy is `always`", input: changed(base, (i) => { i.restart = "always"; }), violations: [/"always" is not allowed/] },
    { when: "no restart policy is set (Docker's `no`)", input: changed(base, (i) => { delete i.restart; }), violations: [/"no" is not allowed/] },
    { when: "`on-failure` has no retry limit", input: changed(base, (i) => { i.restart = "on-failure"; }), violations: [/no `maxRetryCount`/] },
    { when: "`on-failure` has a retry limit", input: changed(base, (i) => { i.restart = "on-failure"; i.maxRetryCount = 5; }) },
]);

specifyResourcePolicy(requireLogRotation, base, [
    { when: "json-file has no max-size", input: changed(base, (i) => { delete i.logOpts["max-size"]; }), violations: [/no "max-size"/] },
    { when: "no log options are set with the default driver", input: changed(base, (i) => { delete i.logDriver; delete i.logOpts; }), violations: [/max-size/, /max-file/] },
    { when: "the driver is `local` (rotates by itself)", input: changed(base, (i) => { i.logDriver = "local"; delete i.logOpts; }) },
    { when: "the driver is `none`", input: changed(base, (i) => { i.logDriver = "none"; }), violations: [/"none" is not allowed/] },
]);
