import * as assert from "assert";
import { instanceSizeForApi, parseCpu, parseMemory } from "../policies/lib/appRunnerLimits";

// Speed on long input is measured in the bench (`npm run bench`), never here.
describe("parseCpu / parseMemory", () => {
    it("read every spelling App Runner and the stack config use", () => {
        const cpu: [unknown, number][] = [
            [1024, 1],
            ["1024", 1],
            ["256", 0.25],
            ["1 vCPU", 1],
            ["0.25 vcpu", 0.25],
            [" 2VCPU ", 2],
            ["4", 4],
            ["\t1\tvCPU\n", 1],
        ];
        for (const [input, expected] of cpu) assert.strictEqual(parseCpu(input), expected, JSON.stringify(input));
        const memory: [unknown, number][] = [
            [2048, 2],
            ["512", 0.5],
            ["2 GB", 2],
            ["0.5 gb", 0.5],
            ["12", 12],
            ["3072", 3],
        ];
        for (const [input, expected] of memory) assert.strictEqual(parseMemory(input), expected, JSON.stringify(input));
    });

    it("refuse anything else, including the unit alone, a doubled unit, signs and other units", () => {
        for (const input of ["", "vcpu", "1 vcpu vcpu", "-1", "1.", ".5", "1e3", "1 GB", "one", "1 x", undefined, null, {}]) {
            assert.strictEqual(parseCpu(input), undefined, JSON.stringify(input));
        }
        for (const input of ["gb", "2 gbgb", "2 vCPU", "2 G B", "0x10"]) assert.strictEqual(parseMemory(input), undefined, input);
    });

    it("refuse the long inputs that once made them backtrack (spaces between number and junk)", () => {
        assert.strictEqual(parseCpu("1" + " ".repeat(2000) + "x"), undefined);
        assert.strictEqual(parseMemory("1 " + " ".repeat(2000) + "gb" + " ".repeat(2000) + "x"), undefined);
        assert.strictEqual(parseCpu("1" + " ".repeat(2000) + "vcpu"), 1);
    });

    it("feed the API spelling", () => {
        assert.deepStrictEqual(instanceSizeForApi("1 vCPU", "2 GB"), { cpu: "1024", memory: "2048" });
        assert.deepStrictEqual(instanceSizeForApi(256, "512"), { cpu: "256", memory: "512" });
    });
});
