// Kept at its old path for components/settings alone, which the settings-as-data work rewrites in parallel (issue 14):
// delete once components/settings imports these from components/platforms/aws/imageSources.ts.
export { imageSource, parseImage } from "../platforms/aws/imageSources";
