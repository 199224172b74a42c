import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runRehearsal } from "../../tools/engine/rehearsal";
import { tempDir } from "../tempDirs";
import { accountReadyForFirstUp, CONFIRMED_VALUES, engineCliDir, UNVERIFIED_KEY } from "./harness";

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
            set: CONFIRMED_VALUES,
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
});
