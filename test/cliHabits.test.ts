import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { habitHint } from "../tools/commands/usage";
import { runCliInProcess } from "./cliInProcess";
import { tempDir } from "./tempDirs";

/** What someone used to the Pulumi CLI and npm types, answered with the one line that helps. */
describe("CLI habits", () => {
    it("takes -s for --stack, as Pulumi does", async () => {
        const result = await runCliInProcess(["plan", "-s", "no-such-stack"]);
        assert.strictEqual(result.status, 2);
        assert.match(result.stderr, /^--stack no-such-stack: no Pulumi\.no-such-stack\.yaml; stacks here: /);
    });

    it("names the stack for a stack file or an org/project/stack name", async () => {
        const file = await runCliInProcess(["plan", "--stack", "Pulumi.prod.yaml"]);
        assert.deepStrictEqual([file.status, file.stderr], [2, "--stack takes the stack's name, not its file: --stack prod reads Pulumi.prod.yaml\n"]);
        const qualified = await runCliInProcess(["plan", "--stack", "acme/egress-remediation/prod"]);
        assert.strictEqual(qualified.status, 2);
        assert.match(qualified.stderr, /^--stack takes the stack's own name \(the last part of "acme\/egress-remediation\/prod", e\.g\. prod\)/);
    });

    it("answers preview and up with the offline plan or the Pulumi CLI", async () => {
        for (const command of ["preview", "up"]) {
            const result = await runCliInProcess([command, "--stack", "prod"]);
            assert.strictEqual(result.status, 2);
            assert.strictEqual(result.stderr.split("\n").length, 2, result.stderr);
            assert.match(result.stderr, new RegExp(`^unknown command '${command}': did you mean \`plan\` .* or \`pulumi ${command}\``));
        }
    });

    it("names a forgotten npm -- when npm took the tool's options for itself", () => {
        const npm = { npm_lifecycle_event: "plan", npm_config_stack: "prod" };
        assert.strictEqual(habitHint(["prod"], npm), "npm took --stack for itself: put -- before the tool's options, e.g. npm run plan -- --stack …");
        assert.strictEqual(habitHint(["--stack", "prod"], { npm_lifecycle_event: "plan" }), undefined);
        assert.strictEqual(habitHint(["plan"], { npm_config_stack: "prod" }), undefined, "outside npm run, the variable is someone else's");
    });

    it("check on a file that starts with npm's banner says how to get the JSON alone", async () => {
        const file = path.join(tempDir("banner-"), "plan.json");
        fs.writeFileSync(file, '\n> egress-remediation@0.1.0 plan\n> node tools/launch.js tools/main plan --json\n\n{"resources": []}\n');
        const result = await runCliInProcess(["check", file]);
        assert.strictEqual(result.status, 2);
        assert.match(result.stderr, /starts with npm's banner .*: write the JSON with --out <file>, or run npm run --silent\n$/);
    });
});
