import * as assert from "assert";
import { verdictLine } from "../tools/offline/renderPlan";
import { evaluatePolicies } from "../tools/offline/evaluatePolicies";
import { TYPES } from "../policies/lib/resourceTypes";
import { resource } from "./policyResources";
import { runCliInProcess } from "./cliInProcess";

/** A plan ends with its verdict, so a blocked plan says so on its last line, not 80 lines up. */
describe("the plan's last line", () => {
    const open = (port: number) => resource(TYPES.securityGroup, { ingress: [{ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"] }] });

    it("counts the mandatory violations of a blocked plan", () => {
        const evaluation = evaluatePolicies([open(5432), open(6379)]);
        assert.strictEqual(
            verdictLine({ evaluation, unconfirmed: [] }),
            "Plan blocked: 2 mandatory policy violation(s) (listed under Policies above); `pulumi up` would fail the same way. Exit 1.",
        );
    });

    it("says when the policies pass but unconfirmed values still stop pulumi up, and when nothing does", () => {
        const evaluation = evaluatePolicies([]);
        const unconfirmed = [{ key: "ecs.vpcId", reason: "r", confirm: "c" }];
        assert.match(
            verdictLine({ evaluation, unconfirmed }),
            /^Plan passes the policies; `pulumi up` still refuses until the 1 unconfirmed value\(s\) above are settled\.$/,
        );
        assert.strictEqual(verdictLine({ evaluation, unconfirmed: [] }), "Plan passes the policies, and every value the current stages read is confirmed.");
    });

    it("is the last line `npm run plan` prints", async () => {
        const result = await runCliInProcess(["plan", "--stack", "prod"]);
        const lines = result.stdout.trimEnd().split("\n");
        assert.match(lines.at(-1)!, /^Plan (passes|blocked|not judged)/);
        assert.strictEqual(result.status, lines.at(-1)!.startsWith("Plan blocked") ? 1 : lines.at(-1)!.startsWith("Plan not judged") ? 3 : 0);
    });
});
