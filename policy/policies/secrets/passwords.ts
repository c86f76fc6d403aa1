import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, globMatches } from "../../lib/config";
import { containerName, envEntries, envPartlyUnreadable, onContainers } from "../../lib/docker";
import { onTypes } from "../../lib/validations";

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/** Requires generated passwords of at least the configured length. */
export const requireMinimumPasswordLength: ResourceValidationPolicy = {
    name: "require-minimum-password-length",
    description: "Generated passwords (random.RandomPassword) are at least `minLength` characters long.",
    remediationSteps: "Raise `passwordLength` in the stack config (or `length` of the RandomPassword) to at least the configured minimum.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minLength: { type: "integer", minimum: 8, default: 24 } } },
    validateResource: onTypes<{ length?: number }>([RANDOM_PASSWORD], (props, args, report) => {
        const { minLength } = configOf(args, { minLength: 24 });
        const length = Number(props.length);
        if (!(length >= minLength)) report(`Password length ${props.length ?? "(unset)"} is below the minimum of ${minLength}.`);
    }),
};

/** Requires Grafana's admin password from a file, never the default or an inline value. */
export const requireGrafanaAdminPasswordFile: ResourceValidationPolicy = {
    name: "require-grafana-admin-password-file",
    description: "Grafana reads its admin password from a file (`GF_SECURITY_ADMIN_PASSWORD__FILE`); `GF_SECURITY_ADMIN_PASSWORD` is never set, so admin/admin is impossible.",
    remediationSteps: "Remove GF_SECURITY_ADMIN_PASSWORD; upload the generated password as a secret file and set GF_SECURITY_ADMIN_PASSWORD__FILE to its path.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { grafanaContainerName: { type: "string", default: "*-grafana" } } },
    validateResource: onContainers((c, args, report) => {
        const { grafanaContainerName } = configOf(args, { grafanaContainerName: "*-grafana" });
        const env = envEntries(c);
        const name = containerName(c) ?? args.name;
        const isGrafana = globMatches(grafanaContainerName, name) || env.some((e) => e.name.startsWith("GF_"));
        if (!isGrafana) return;
        if (env.some((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD")) report("GF_SECURITY_ADMIN_PASSWORD is set: the admin password sits in the environment.");
        const file = env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD__FILE");
        if (!file) {
            if (!envPartlyUnreadable(c)) report("GF_SECURITY_ADMIN_PASSWORD__FILE is not set: Grafana starts with the default admin/admin.");
        } else if (typeof file.value === "string" && !file.value.startsWith("/")) report(`GF_SECURITY_ADMIN_PASSWORD__FILE is "${file.value}", not an absolute file path.`);
    }),
};
