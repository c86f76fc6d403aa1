// Kept at its old path for components/settings alone, which the settings-as-data work rewrites in parallel (issue 14):
// delete once components/settings imports these from components/workloads/catalogue.ts.
export { POSTGRES_BACKUP_USER, POSTGRES_EXPORTER_USER, PROMETHEUS_TASK_SIDECARS } from "../workloads/catalogue";
