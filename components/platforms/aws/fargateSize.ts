/** A task size Fargate accepts: CPU units (1024 = one vCPU) and memory in MiB. */
export interface FargateSize {
    readonly cpu: number;
    readonly memory: number;
}

/** Memory choices (MiB) Fargate allows for each CPU size (Linux), smallest first. */
export const FARGATE_SIZES: readonly { readonly cpu: number; readonly memory: readonly number[] }[] = [
    { cpu: 256, memory: [512, 1024, 2048] },
    { cpu: 512, memory: range(1024, 4096, 1024) },
    { cpu: 1024, memory: range(2048, 8192, 1024) },
    { cpu: 2048, memory: range(4096, 16384, 1024) },
    { cpu: 4096, memory: range(8192, 30720, 1024) },
    { cpu: 8192, memory: range(16384, 61440, 4096) },
    { cpu: 16384, memory: range(32768, 122880, 8192) },
];

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/**
 * The smallest Fargate task size with at least `cpuUnits` CPU units and `memoryMiB` memory: the CPU size first,
 * then the smallest memory that size allows. Throws when the demand exceeds the largest task (16 vCPU, 120 GiB).
 */
export function fargateSize(cpuUnits: number, memoryMiB: number): FargateSize {
    if (!(cpuUnits > 0) || !(memoryMiB > 0)) {
        throw new Error(`fargateSize: \`cpuUnits\` (${cpuUnits}) and \`memoryMiB\` (${memoryMiB}) must be positive.`);
    }
    for (const size of FARGATE_SIZES) {
        if (size.cpu < cpuUnits) continue;
        const memory = size.memory.find((m) => m >= memoryMiB);
        if (memory !== undefined) return { cpu: size.cpu, memory };
    }
    throw new Error(`fargateSize: ${cpuUnits} CPU units and ${memoryMiB} MiB exceed the largest Fargate task (16384 units, 122880 MiB).`);
}

/** CPU units of a `cpus` share (0.5 = half a core), as ECS counts them. */
export function cpuUnits(cpus: number): number {
    return Math.max(1, Math.round(cpus * 1024));
}
