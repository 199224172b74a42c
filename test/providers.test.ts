import * as assert from "assert";
import { accountProvider } from "../components/providers";
import { underMocks } from "./harness";

/** The provider's inputs as the engine receives them (object inputs arrive JSON-encoded). */
async function providerInputs(account: Parameters<typeof accountProvider>[1]): Promise<Record<string, unknown>> {
    const { mocks } = await underMocks(() => accountProvider("ecs-account", account, { Team: "platform" }));
    const inputs = mocks.named("ecs-account").inputs;
    return Object.fromEntries(
        Object.entries(inputs).map(([key, value]) => [key, typeof value === "string" && /^[[{]/.test(value) ? JSON.parse(value) : value]),
    );
}

describe("accountProvider", () => {
    it("pins the region, refuses any other account, uses the named profile and tags every resource as this project's", async () => {
        const inputs = await providerInputs({ id: "905418046272", region: "eu-central-1", profile: "ecs-prod" });
        assert.strictEqual(inputs.region, "eu-central-1");
        assert.deepStrictEqual(inputs.allowedAccountIds, ["905418046272"]);
        assert.strictEqual(inputs.profile, "ecs-prod");
        assert.deepStrictEqual(inputs.defaultTags, { tags: { ManagedBy: "pulumi", Project: "egress-remediation", Team: "platform" } });
        assert.strictEqual(inputs.assumeRoles, undefined);
    });

    it("assumes the configured role (CI's OIDC role) under a session name that says who acts", async () => {
        const roleArn = "arn:aws:iam::905418046272:role/pulumi-deploy";
        const inputs = await providerInputs({ id: "905418046272", region: "eu-central-1", assumeRoleArn: roleArn });
        assert.deepStrictEqual(inputs.assumeRoles, [{ roleArn, sessionName: "pulumi-egress-remediation" }]);
        assert.strictEqual(inputs.profile, undefined);
    });
});
