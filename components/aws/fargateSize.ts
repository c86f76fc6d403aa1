// Kept at its old path for components/settings alone, which the settings-as-data work rewrites in parallel (issue 14):
// delete once components/settings imports these from components/platforms/aws/fargateSize.ts.
export { cpuUnits, FARGATE_SIZES } from "../platforms/aws/fargateSize";
