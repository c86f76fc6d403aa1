import { apiEnvironment } from "../workloads/api";
import { workloadSpecs } from "../workloads/catalogue";
import { FARGATE_TASKS, LARGEST_FARGATE_TASK, taskDemand } from "./fargateTasks";
import { imageTag } from "./grammars";
import { PUBLIC_ENDPOINTS, StackSettings } from "./types";
import { ConfigReader } from "./validate";

/** ACM refuses a certificate whose first name (its subject's CN) is longer than this. */
const ACM_FIRST_NAME_MAX = 64;
/** The oldest psql with `\getenv`, which the RDS role script uses (components/render/rdsRoles.ts). */
const MIN_PSQL_MAJOR = 15;

/**
 * Checks that need several keys at once, or names and sizes derived from them: public host names, the API's
 * environment against what the stack sets, and on AWS the Fargate tasks' sizes and the psql the role script runs.
 */
export function checkAcrossKeys(r: ConfigReader, project: string, settings: StackSettings): void {
    checkHostnames(r, project, settings);
    checkApiEnvNames(r, settings);
    if (settings.platform === "aws") {
        checkFargateTasks(r, project, settings);
        checkPsqlVersion(r, settings);
        checkBackupRoleVersion(r, settings);
    }
}

/** Every public host name fits DNS (253 characters); on AWS the certificate's first name fits ACM (64). */
function checkHostnames(r: ConfigReader, project: string, settings: StackSettings): void {
    if (!settings.domain) return;
    const longest = PUBLIC_ENDPOINTS.map((e) => settings.hostnames[e]).reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length > 253) {
        r.conflict(`\`${project}:domain\` "${settings.domain}" makes the public name ${longest} ${longest.length} characters long: expected a domain short enough for every public name to fit DNS's 253.`);
    }
    const first = settings.hostnames[PUBLIC_ENDPOINTS[0]];
    if (settings.platform === "aws" && first.length > ACM_FIRST_NAME_MAX) {
        r.conflict(`\`${project}:domain\` "${settings.domain}" makes the certificate's first name ${first} ${first.length} characters long: expected at most ${ACM_FIRST_NAME_MAX} on \`aws\`, ACM's limit (a domain of at most ${ACM_FIRST_NAME_MAX - first.length + settings.domain.length} characters).`);
    }
}

/** `api.env` must not name a variable the stack sets itself: the stack's value would silently win. */
function checkApiEnvNames(r: ConfigReader, settings: StackSettings): void {
    const withoutEnv = { ...settings, api: { ...settings.api, env: {} } };
    const own = Object.keys(apiEnvironment(withoutEnv, workloadSpecs(withoutEnv), { postgresHost: "", redisHost: "" }, ""));
    for (const [name, value] of Object.entries(settings.api.env)) {
        if (own.includes(name)) r.fail(`api.env.${name}`, value, `a variable the stack does not set itself (it sets \`${own.join("`, `")}\`)`);
    }
}

/** Each task's containers fit the largest Fargate task, which is all one task can have. */
function checkFargateTasks(r: ConfigReader, project: string, settings: StackSettings): void {
    for (const [task, workloads] of Object.entries(FARGATE_TASKS)) {
        const demand = taskDemand(task, settings.resources);
        const keys = (field: string) => workloads.map((w) => `\`resources.${w}.${field}\``).join(" + ");
        const what = `the Fargate task \`${task}\` (with its init container${task === "api" ? " and the `db-roles` container" : ""})`;
        if (demand.cpu > LARGEST_FARGATE_TASK.cpu) {
            r.conflict(`\`${project}:resources\`: ${what} needs ${demand.cpu} CPU units from ${keys("cpus")}: expected at most ${LARGEST_FARGATE_TASK.cpu} (16 vCPU), the largest Fargate task.`);
        }
        if (demand.memory > LARGEST_FARGATE_TASK.memory) {
            r.conflict(`\`${project}:resources\`: ${what} needs ${demand.memory} MiB from ${keys("memory")}: expected at most ${LARGEST_FARGATE_TASK.memory} MiB (120 GiB), the largest Fargate task.`);
        }
    }
}

/** The backup task's role is a member of pg_read_all_data, which PostgreSQL 14 introduced. */
function checkBackupRoleVersion(r: ConfigReader, settings: StackSettings): void {
    const version = settings.aws?.postgres.engineVersion;
    if (version !== undefined && Number(version.split(".")[0]) < 14) {
        r.fail("aws.postgres.engineVersion", version, "14 or later on `aws`: the backup task dumps as a member of pg_read_all_data, which PostgreSQL 14 introduced");
    }
}

/** The role script runs psql from `images.postgres`, which must be 15 or later; its tag says which. */
function checkPsqlVersion(r: ConfigReader, settings: StackSettings): void {
    const major = /^(\d+)/.exec(imageTag(settings.images.postgres))?.[1];
    if (major === undefined || Number(major) < MIN_PSQL_MAJOR) {
        r.fail("images.postgres", settings.images.postgres, `on \`aws\`, an image whose tag starts with its PostgreSQL major version, ${MIN_PSQL_MAJOR} or later (such as \`postgres:17.6\`): the API task runs its psql for the RDS role script, which needs psql ${MIN_PSQL_MAJOR}'s \`\\getenv\``);
    }
}
