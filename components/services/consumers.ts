// Kept at its old path for components/settings alone, which the settings-as-data work rewrites in parallel (issue 14):
// delete once components/settings imports `apiEnvironment` from components/workloads/.
export { apiEnvironment } from "../workloads/consumers";
