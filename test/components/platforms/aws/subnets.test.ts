import { expect } from "chai";
import { subnetLayout } from "../../../../components/platforms/aws/subnets";

describe("subnetLayout", () => {
    it("splits a /16 into /20s: private from the bottom, public from the middle", () => {
        expect(subnetLayout("10.40.0.0/16", 3)).to.deep.equal({
            private: ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"],
            public: ["10.40.128.0/20", "10.40.144.0/20", "10.40.160.0/20"],
        });
    });

    it("keeps six zones' subnets apart in a /22", () => {
        const layout = subnetLayout("192.168.4.0/22", 6);
        expect(layout.private).to.deep.equal(["192.168.4.0/26", "192.168.4.64/26", "192.168.4.128/26", "192.168.4.192/26", "192.168.5.0/26", "192.168.5.64/26"]);
        expect(layout.public[0]).to.equal("192.168.6.0/26");
        expect(new Set([...layout.private, ...layout.public]).size).to.equal(12);
    });

    it("refuses ranges it cannot split, and zone counts beyond eight", () => {
        expect(() => subnetLayout("10.0.0.0/8", 2)).to.throw('subnetLayout: `vpcCidr` "10.0.0.0/8" must be an IPv4 network with a prefix from /16 to /24.');
        expect(() => subnetLayout("10.0.0.0/16", 9)).to.throw("subnetLayout: `zones` is 9: expected 1 to 8.");
    });
});
