import { expect } from "chai";
import { cpuUnits, FARGATE_SIZES, fargateSize } from "../../../../components/platforms/aws/fargateSize";

describe("fargateSize", () => {
    for (const [cpu, memory, expected] of [
        [64, 128, { cpu: 256, memory: 512 }],
        [256, 512, { cpu: 256, memory: 512 }],
        [256, 513, { cpu: 256, memory: 1024 }],
        [256, 3000, { cpu: 512, memory: 3072 }],
        [300, 512, { cpu: 512, memory: 1024 }],
        [1024, 1024, { cpu: 1024, memory: 2048 }],
        [1024, 9000, { cpu: 2048, memory: 9216 }],
        [2048, 2304, { cpu: 2048, memory: 4096 }],
        [4096, 30720, { cpu: 4096, memory: 30720 }],
        [4096, 30721, { cpu: 8192, memory: 32768 }],
        [16384, 122880, { cpu: 16384, memory: 122880 }],
    ] as const) {
        it(`${cpu} units and ${memory} MiB fit ${expected.cpu}/${expected.memory}`, () => {
            expect(fargateSize(cpu, memory)).to.deep.equal(expected);
        });
    }

    it("refuses more than the largest task, naming the demand", () => {
        expect(() => fargateSize(16385, 1024)).to.throw("fargateSize: 16385 CPU units and 1024 MiB exceed the largest Fargate task");
        expect(() => fargateSize(1024, 122881)).to.throw("122881 MiB exceed");
    });

    it("refuses zero or negative demands", () => {
        expect(() => fargateSize(0, 512)).to.throw("must be positive");
    });

    it("only ever answers pairs from Fargate's table", () => {
        for (let cpu = 100; cpu <= 16384; cpu += 997) {
            for (let memory = 100; memory <= 120000; memory += 7919) {
                const size = fargateSize(cpu, memory);
                const row = FARGATE_SIZES.find((r) => r.cpu === size.cpu);
                expect(row?.memory, `${cpu}/${memory}`).to.include(size.memory);
                expect(size.cpu).to.be.at.least(cpu);
                expect(size.memory).to.be.at.least(memory);
            }
        }
    });

    it("counts a CPU share in units of 1/1024 core, at least one", () => {
        expect([cpuUnits(0.5), cpuUnits(2), cpuUnits(0.1), cpuUnits(0.0001)]).to.deep.equal([512, 2048, 102, 1]);
    });
});
