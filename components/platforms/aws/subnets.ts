import { ipv4ToNumber } from "../../settings/readAws";

/** The subnet ranges of a VPC: one private and one public subnet per availability zone. */
export interface SubnetLayout {
    readonly private: readonly string[];
    readonly public: readonly string[];
}

/** Subnets are a sixteenth of the VPC: private ones from the bottom, public ones from the middle. */
const SUBNET_BITS = 4;
const PUBLIC_OFFSET = 8;

function numberToIpv4(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/**
 * Carves `vpcCidr` into equal subnets of a sixteenth each: private subnet i is block i, public subnet i is block
 * 8 + i, so up to six zones fit and the private and public halves never overlap. A /16 gives /20 subnets.
 */
export function subnetLayout(vpcCidr: string, zones: number): SubnetLayout {
    const [address, prefixText] = vpcCidr.split("/");
    const prefix = Number(prefixText);
    if (!address || !Number.isInteger(prefix) || prefix < 16 || prefix > 24) throw new Error(`subnetLayout: \`vpcCidr\` "${vpcCidr}" must be an IPv4 network with a prefix from /16 to /24.`);
    if (!Number.isInteger(zones) || zones < 1 || zones > PUBLIC_OFFSET) throw new Error(`subnetLayout: \`zones\` is ${zones}: expected 1 to ${PUBLIC_OFFSET}.`);
    const base = ipv4ToNumber(address);
    const size = 2 ** (32 - prefix - SUBNET_BITS);
    const block = (i: number) => `${numberToIpv4(base + i * size)}/${prefix + SUBNET_BITS}`;
    return {
        private: Array.from({ length: zones }, (_, i) => block(i)),
        public: Array.from({ length: zones }, (_, i) => block(PUBLIC_OFFSET + i)),
    };
}
