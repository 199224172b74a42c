import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { IAM_ACTIONS, readOnlyPolicy } from "../tools/discover/iamActions";

const ROOT = path.join(__dirname, "..");
/** discover and verify share the read-only policy: every call either makes goes through `call()`. */
const SOURCES = ["tools/discover", "tools/verify"]
    .flatMap((dir) =>
        fs
            .readdirSync(path.join(ROOT, dir))
            .filter((f) => f.endsWith(".ts") && f !== "iamActions.ts")
            .map((f) => fs.readFileSync(path.join(ROOT, dir, f), "utf8")),
    )
    .join("\n");

describe("discover and verify: the IAM actions they need", () => {
    it("are all read-only: Describe, List and Get calls only", () => {
        for (const action of IAM_ACTIONS) assert.match(action, /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]+$/, action);
        assert.ok(!IAM_ACTIONS.some((a) => a === ("secretsmanager:GetSecretValue" as string)), "neither reads a secret's value");
    });

    it("are exactly the actions the code calls", () => {
        const used = new Set([...SOURCES.matchAll(/\bcall\(\s*session,\s*"([^"]+)"/g)].map((m) => m[1]));
        assert.deepStrictEqual([...used].sort(), [...IAM_ACTIONS].sort());
    });

    it("appear in the README as the ready policy document", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const block = /<!-- discover-policy -->\n```json\n([\s\S]*?)\n```/.exec(readme);
        assert.ok(block, "README has no discover policy block");
        assert.deepStrictEqual(JSON.parse(block[1]), readOnlyPolicy());
    });
});
