import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PACK_NAME, policies } from "../policies/all";

describe("policy pack entry (policies/index.ts)", () => {
    let child: ChildProcess | undefined;
    // Ends the analyzer even when mocha's timeout cut the test short (it keeps serving after SIGTERM).
    afterEach(async () => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child!.once("close", resolve));
        child.kill("SIGKILL");
        await exited;
    });

    it("starts the analyzer the engine talks to: prints its port, as `pulumi preview --policy-pack policies` expects", async () => {
        // ts-node's --swc only swaps the transpiler (TypeScript's costs a second here); the pack's own
        // tsconfig still applies. npm test's type-check covers index.ts under that tsconfig, and
        // policyPackCopy.test.ts loads the policies through TypeScript's transpiler.
        const pack = spawn(process.execPath, [require.resolve("ts-node/dist/bin"), "--swc", "index.ts"], { cwd: path.resolve(__dirname, "../policies") });
        child = pack;
        // No timer of its own: on a loaded machine the start-up takes what it takes, within mocha's timeout.
        const firstLine = await new Promise<string>((resolve, reject) => {
            let out = "";
            pack.stdout.on("data", (chunk) => {
                out += chunk;
                if (out.includes("\n")) resolve(out.split("\n")[0]);
            });
            pack.on("exit", (code) => reject(new Error(`pack exited ${code} before printing a port`)));
        });
        assert.match(firstLine, /^\d{2,5}$/);
    });

    it("has unique kebab-case policy names with descriptions and the pack name policies/package.json publishes", () => {
        const names = policies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const policy of policies) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(policy.description && policy.description.length > 20, policy.name);
        }
        // The engine names the pack by this constant; `pulumi policy publish` names it by policies/package.json.
        assert.strictEqual(PACK_NAME, JSON.parse(fs.readFileSync(path.resolve(__dirname, "../policies/package.json"), "utf8")).name);
    });
});
