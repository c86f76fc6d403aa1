// The `aws` keys are read as the settings schema says (schema/aws.ts), and checked across keys in checks/aws.ts. What
// other modules imported from here is re-exported, so they need not change.
export { AWS_IMAGE_WORKLOADS, checkImageSources } from "./checks/aws";
export { ipv4ToNumber, isPrivateVpcCidr } from "./schema/aws";
