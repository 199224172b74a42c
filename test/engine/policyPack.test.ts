import * as assert from "assert";
import { EngineSandbox } from "../../tools/engine/sandbox";
import { expectSuccess, prodSandbox } from "./harness";

/** A preview with the pack that the real analyzer must stop, naming the mandatory policy that stopped it. */
async function expectBlockedBy(sandbox: EngineSandbox, policy: string): Promise<void> {
    const preview = await sandbox.pulumi(["preview", "--stack", "prod", "--policy-pack", "policies"]);
    assert.notStrictEqual(preview.status, 0, `the preview should fail:\n${preview.stdout.slice(-3000)}`);
    assert.match(preview.stdout, new RegExp(`\\[mandatory\\]\\s+${policy}\\b`), preview.stdout.slice(-3000));
}

describe("the policy pack, loaded by the real engine (`pulumi preview --policy-pack policies`)", function () {
    let sandbox: EngineSandbox;
    const setConfig = async (key: string, value: string) =>
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", key, value]), `config set ${key}`);
    const removeConfig = async (key: string) => expectSuccess(await sandbox.pulumi(["config", "rm", "--stack", "prod", "--path", key]), `config rm ${key}`);

    before(async function () {
        sandbox = await prodSandbox();
    });
    after(() => sandbox?.dispose());

    it("blocks the preview when the NAT fix is removed (natMode: none)", async () => {
        await setConfig("egress-remediation:appRunner.network.natMode", "none");
        try {
            await expectBlockedBy(sandbox, "apprunner-vpc-egress-has-nat");
        } finally {
            await setConfig("egress-remediation:appRunner.network.natMode", "single");
        }
    });

    it("blocks a data-store source open to the whole internet", async () => {
        await setConfig("egress-remediation:appRunner.dataStores.cidrSources.everyone", "0.0.0.0/0");
        try {
            await expectBlockedBy(sandbox, "no-world-open-database-ingress");
        } finally {
            await removeConfig("egress-remediation:appRunner.dataStores.cidrSources");
        }
    });
});
