import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { PACK_NAME, policies } from "../policies/all";

describe("policy pack entry (policies/index.ts)", () => {
    it("starts the analyzer the engine talks to: prints its port, as `pulumi preview --policy-pack policies` expects", async () => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: path.resolve(__dirname, "../policies") });
        try {
            const firstLine = await new Promise<string>((resolve, reject) => {
                let out = "";
                child.stdout.on("data", (chunk) => {
                    out += chunk;
                    if (out.includes("\n")) resolve(out.split("\n")[0]);
                });
                child.on("exit", (code) => reject(new Error(`pack exited ${code} before printing a port`)));
                setTimeout(() => reject(new Error("no port within 15 s")), 15000).unref();
            });
            assert.match(firstLine, /^\d{2,5}$/);
        } finally {
            // The analyzer keeps serving after SIGTERM until the engine lets go; end it outright.
            const exited = new Promise((resolve) => child.once("close", resolve));
            child.kill("SIGKILL");
            await exited;
        }
    });

    it("has unique kebab-case policy names with descriptions and the pack name the docs use", () => {
        const names = policies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const policy of policies) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(policy.description && policy.description.length > 20, policy.name);
        }
        assert.strictEqual(PACK_NAME, "egress-remediation-guard");
    });
});
