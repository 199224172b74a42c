import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { Policies } from "@pulumi/policy";
import { evaluatePolicies, ResourceUnderCheck } from "../tools/offline/evaluatePolicies";
import { policies } from "../policies/all";
import { parseCpu, parseMemory } from "../policies/lib/appRunnerLimits";
import { projectRoot } from "../tools/offline/stackFiles";
import { generateResources } from "./generate";

const RESOURCES = 20_000;
const ROUNDS = 7;

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

/** Resources per second, the median of ROUNDS timed evaluations after one warm-up. */
function throughput(resources: ResourceUnderCheck[], pack: Policies): { perSecond: number; violations: number } {
    let violations = evaluatePolicies(resources, {}, pack).violations.length;
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
        const start = process.hrtime.bigint();
        violations = evaluatePolicies(resources, {}, pack).violations.length;
        times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    return { perSecond: resources.length / median(times), violations };
}

/** Milliseconds for parseCpu + parseMemory on inputs that made the old single patterns backtrack. */
function parseMilliseconds(length: number): number {
    const hostile = ["1" + " ".repeat(length) + "x", "1 " + " ".repeat(length) + "vcpu" + " ".repeat(length) + "x", "1".repeat(length) + ".1x"];
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
        const start = process.hrtime.bigint();
        for (const input of hostile) {
            parseCpu(input);
            parseMemory(input);
        }
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return median(times);
}

function planSeconds(): number {
    const root = projectRoot();
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(process.execPath, [path.join(root, "tools/launch.js"), "tools/main", "plan", "--stack", "prod"], {
            cwd: root,
            stdio: "ignore",
        });
        if (result.status !== 0) throw new Error(`npm run plan exited ${result.status}`);
        times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    return median(times);
}

function main(): void {
    const resources = generateResources(RESOURCES);
    const dense = generateResources(RESOURCES, 0.3);
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    console.log(`Policy evaluation, ${fmt(RESOURCES)} generated resources, median of ${ROUNDS} rounds (node ${process.version}, ${os.cpus().length} cores)`);

    const ours = throughput(resources, policies);
    console.log(
        `  egress-remediation-guard, all ${policies.length} policies, 2% bad choices: ${fmt(ours.perSecond)} resources/s (${ours.violations} violations)  target ≥ 100,000`,
    );
    const worst = throughput(dense, policies);
    console.log(
        `  egress-remediation-guard, all ${policies.length} policies, 30% bad choices: ${fmt(worst.perSecond)} resources/s (${worst.violations} violations)`,
    );

    console.log(
        `parseCpu + parseMemory, 3 hostile inputs of 80,000+ characters: ${parseMilliseconds(80_000).toFixed(2)} ms (320,000: ${parseMilliseconds(320_000).toFixed(2)} ms)  target < 50 ms (the old patterns: 18 s)`,
    );

    const plan = planSeconds();
    console.log(`Offline plan (prod), whole process, median of 5: ${plan.toFixed(2)} s  target < 2 s`);
}

main();
