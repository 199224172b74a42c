/**
 * Task sizes AWS Fargate offers (Linux; 8 and 16 vCPU need platform 1.4.0 or later), from the
 * ECS developer guide's table of valid CPU and memory combinations. CPU in units, memory in MiB.
 */
const steps = (min: number, max: number, step: number) => Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);

const FARGATE_MEMORY: ReadonlyMap<number, { readonly values: readonly number[]; readonly text: string }> = new Map([
    [256, { values: [512, 1024, 2048], text: "512, 1024 or 2048" }],
    [512, { values: steps(1024, 4096, 1024), text: "1024, 2048, 3072 or 4096" }],
    [1024, { values: steps(2048, 8192, 1024), text: "2048–8192 in steps of 1024" }],
    [2048, { values: steps(4096, 16384, 1024), text: "4096–16384 in steps of 1024" }],
    [4096, { values: steps(8192, 30720, 1024), text: "8192–30720 in steps of 1024" }],
    [8192, { values: steps(16384, 61440, 4096), text: "16384–61440 in steps of 4096" }],
    [16384, { values: steps(32768, 122880, 8192), text: "32768–122880 in steps of 8192" }],
]);

export const FARGATE_CPUS: readonly number[] = [...FARGATE_MEMORY.keys()];

/** Why `memory` is not offered with `cpu` on Fargate, or undefined when AWS offers the pair. */
export function fargateMemoryProblem(cpu: number, memory: number): string | undefined {
    const allowed = FARGATE_MEMORY.get(cpu);
    if (!allowed || allowed.values.includes(memory)) return undefined; // an unknown cpu has its own message
    return `is not a Fargate size with cpu ${cpu}: AWS offers memory ${allowed.text} MiB; got ${memory}`;
}
