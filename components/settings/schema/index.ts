import { API_KEYS } from "./api";
import { AWS_KEYS } from "./aws";
import { BACKUP_KEYS } from "./backup";
import { DATA_TIER_KEYS } from "./dataTier";
import { group, ValueOf } from "./nodes";
import { DASHBOARDS_AND_TRACES_KEYS, METRICS_AND_ALERTING_KEYS } from "./observability";
import { PASSWORD_KEYS, TLS_KEYS } from "./security";
import { STACK_KEYS } from "./stack";
import { WORKLOAD_KEYS } from "./workloads";

/**
 * Every key the program reads, in the order of the README's configuration table. Keys are read in this order too,
 * `platform` and `environment` first (other keys' defaults and rules depend on them), except where a group's
 * `readOrder` says otherwise; here, `aws` is read after the workloads, where its problems have always been listed.
 */
const KEYS = {
    ...STACK_KEYS,
    ...WORKLOAD_KEYS,
    ...TLS_KEYS,
    ...DATA_TIER_KEYS,
    ...METRICS_AND_ALERTING_KEYS,
    ...API_KEYS,
    ...DASHBOARDS_AND_TRACES_KEYS,
    ...BACKUP_KEYS,
    ...PASSWORD_KEYS,
    ...AWS_KEYS,
};
const WRITTEN = Object.keys(KEYS) as (keyof typeof KEYS)[];
const AFTER_WORKLOADS = WRITTEN.indexOf("resources") + 1;

export const SCHEMA = group(KEYS, { readOrder: [...WRITTEN.slice(0, AFTER_WORKLOADS), "aws", ...WRITTEN.slice(AFTER_WORKLOADS).filter((name) => name !== "aws")] });

/** The configuration as the schema reads it: every key's value or default, under its settings field. */
export type ConfigValues = ValueOf<typeof SCHEMA>;

export { SECRETS } from "./secrets";
