import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runRehearsal } from "../../tools/engine/rehearsal";
import { runCli } from "../cli";
import { tempDir } from "../tempDirs";
import { accountReadyForFirstUp, CONFIRMED_VALUES, END_STATE, engineCliDir, UNVERIFIED_KEY } from "./harness";

describe("npm run rehearse (the real CLI against the simulated account)", function () {
    it("rehearses prod's first up with the unrecorded values set: preview, up and a second preview without changes", async () => {
        const lines: string[] = [];
        // The rehearsal starts from an account file a team may keep: here, the recorded one with its secrets created.
        const accountFile = path.join(tempDir("rehearse-"), "account.json");
        fs.writeFileSync(accountFile, JSON.stringify(accountReadyForFirstUp()));
        const result = await runRehearsal({
            stack: "prod",
            cliDir: engineCliDir(),
            accountFile,
            set: [...CONFIRMED_VALUES, ...END_STATE],
            unset: [UNVERIFIED_KEY],
            log: (line) => lines.push(line),
        });
        const output = lines.join("\n");
        assert.ok(result.ok, output.slice(-5000));
        assert.match(lines[0], /^SIMULATION: .*not AWS/);
        assert.match(output, /^import \(\d+\): .*aws:apprunner\/service:Service app-service/m);
        assert.match(output, /^create \(\d+\): .*aws:ec2\/natGateway:NatGateway egress-nat/m);
        assert.doesNotMatch(output, /^delete \(/m);
        assert.match(output, /REHEARSAL PASSED/);
    });

    it("--stages --json: takes the committed stages through to harden and writes the documented report", async () => {
        const dir = tempDir("rehearse-stages-");
        const out = path.join(dir, "stages.json");
        // harden reads the App Runner secrets, which the team creates before that stage (docs/stages.md).
        const accountFile = path.join(dir, "account.json");
        fs.writeFileSync(accountFile, JSON.stringify(accountReadyForFirstUp()));
        const result = await runCli([
            "rehearse",
            "--stack",
            "prod",
            "--cli",
            engineCliDir(),
            "--stages",
            "--json",
            "--out",
            out,
            "--account",
            accountFile,
            ...CONFIRMED_VALUES.flatMap(([key, value]) => ["--set", `${key}=${value}`]),
            "--unset",
            UNVERIFIED_KEY,
        ]);
        assert.strictEqual(result.status, 0, result.stderr.slice(-4000));
        const report = JSON.parse(result.stdout);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(out, "utf8")), report);
        assert.deepStrictEqual(Object.keys(report), ["stages", "account"]);
        assert.deepStrictEqual(
            report.stages.map((s: { part: string; stage: string }) => `${s.part} ${s.stage}`),
            ["appRunner egress", "ecs adopt", "appRunner adopt", "ecs harden", "appRunner harden"],
        );
        for (const stage of report.stages) {
            assert.deepStrictEqual(Object.keys(stage.changes), ["create", "import", "update", "replace", "delete"]);
            assert.strictEqual(stage.changes.replace, 0);
            assert.deepStrictEqual(Object.values(stage.secondPreviewChanges), [0, 0, 0, 0, 0]);
        }
        assert.deepStrictEqual(report.account, { worldOpenDatabaseRules: [], egressProblems: [] });
        assert.match(result.stderr, /^SIMULATION: /);
    });
});
