import { RANDOM_PASSWORD, requireGrafanaAdminPasswordFile, requireMinimumPasswordLength } from "../../../policy/policies/secrets/passwords";
import { changed, compliantContainer, resource, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();
const password = (length: unknown) => resource(RANDOM_PASSWORD, "stack-secrets-redis", { length, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });

specifyResourcePolicy(requireMinimumPasswordLength, password(32), [
    { when: "a password is shorter than the minimum", input: password(16), violations: [/length 16 is below the minimum of 24/] },
    { when: "a 24-character password meets the default minimum", input: password(24) },
    { when: "a 24-character password is below production's 32", input: password(24), config: { minLength: 32 }, violations: [/below the minimum of 32/] },
    { when: "the length is unknown during preview", input: password(UNKNOWN.number), unknown: true },
]);

const grafana = compliantContainer("service-stack-test-grafana", {
    user: "472:0",
    envs: ["GF_SECURITY_ADMIN_USER=admin", "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password"],
});
specifyResourcePolicy(requireGrafanaAdminPasswordFile, grafana, [
    { when: "the admin password is set inline", input: changed(grafana, (i) => { i.envs.push("GF_SECURITY_ADMIN_PASSWORD=admin"); }), violations: [/GF_SECURITY_ADMIN_PASSWORD is set/] },
    { when: "no password file is configured (admin/admin)", input: changed(grafana, (i) => { i.envs = ["GF_SECURITY_ADMIN_USER=admin"]; }), violations: [/default admin\/admin/] },
    { when: "the password file is not an absolute path", input: changed(grafana, (i) => { i.envs[1] = "GF_SECURITY_ADMIN_PASSWORD__FILE=admin-password"; }), violations: [/not an absolute file path/] },
    { when: "a Grafana container is recognised by its GF_ variables alone", input: changed(grafana, (i) => { i.name = "dashboards"; i.envs = ["GF_SERVER_PROTOCOL=https"]; }), violations: [/default admin\/admin/] },
    { when: "the container is not Grafana", input: base },
    { when: "one of Grafana's variables is unknown during preview (the file setting may be it)", input: changed(grafana, (i) => { i.envs = ["GF_SECURITY_ADMIN_USER=admin", UNKNOWN.string]; }) },
]);
