import * as assert from "assert";
import { partTargets, PART_VARIABLE } from "../../config/stages";
import { T } from "../../simulator/tokens";
import { POLICY_PACK_ARGS } from "../../tools/engine/stageWalk";
import { CommandResult, EngineSandbox } from "../../tools/engine/sandbox";
import { accountReadyForFirstUp, expectSuccess, prodSandbox } from "./harness";

/** A password the live service keeps in a plain variable, as the incident notes found it. */
const SENTINEL = "SENTINEL-live-env-7c41";
const LIVE_DATABASE_URL = `postgresql+psycopg2://nerava_admin:${SENTINEL}@nerava-db.c27i820wot9o.us-east-1.rds.amazonaws.com:5432/nerava`;

function liveEnvironment(account: ReturnType<typeof accountReadyForFirstUp>): Record<string, string> {
    const service = account.resources.find((r) => r.type === T.appRunnerService)!;
    return (service.inputs as any).sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables;
}

function assertNoSentinel(result: CommandResult, what: string): void {
    const text = result.stdout + result.stderr;
    assert.ok(!text.includes(SENTINEL), `${what} prints the live service's DATABASE_URL password`);
}

describe("the adopted App Runner service's live environment, through the real engine", function () {
    let sandbox: EngineSandbox;
    const targets = partTargets("egress-remediation", "prod", "appRunner").flatMap((glob) => ["--target", glob]);
    const env = { [PART_VARIABLE]: "appRunner" };
    const pulumi = (args: string[]) => sandbox.pulumi([...args, "--stack", "prod", ...POLICY_PACK_ARGS, ...targets, "--diff"], { env });
    const stage = async (name: string) =>
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", "egress-remediation:appRunner.stage", name]), `stage ${name}`);

    before(async function () {
        const account = accountReadyForFirstUp();
        liveEnvironment(account).DATABASE_URL = LIVE_DATABASE_URL;
        sandbox = await prodSandbox(account, "committed");
    });
    after(() => sandbox?.dispose());

    it("adopt: neither the preview nor the up that imports the service prints a live variable", async () => {
        await stage("adopt");
        const preview = await pulumi(["preview"]);
        expectSuccess(preview, "preview --diff at adopt");
        assert.match(preview.stdout, /= aws:apprunner\/service:Service/, "the preview imports the service");
        assertNoSentinel(preview, "preview --diff at adopt");
        const up = await pulumi(["up", "--yes"]);
        expectSuccess(up, "up --diff at adopt");
        assertNoSentinel(up, "up --diff at adopt");
    });

    it("harden: the diff that removes the live variables hides them, and the update does remove them", async () => {
        await stage("harden");
        const preview = await pulumi(["preview"]);
        expectSuccess(preview, "preview --diff at harden");
        assert.match(preview.stdout, /~ aws:apprunner\/service:Service/, "the preview updates the service");
        assert.match(preview.stdout, /runtimeEnvironmentVariables.*\(hidden\)/, "the diff says the variables are hidden");
        assertNoSentinel(preview, "preview --diff at harden");
        const up = await pulumi(["up", "--yes"]);
        expectSuccess(up, "up --diff at harden");
        assertNoSentinel(up, "up --diff at harden");
        // The sentinel was there to print: the live service held it, and the update replaced it with a secret reference.
        assert.strictEqual(liveEnvironment(sandbox.account()).DATABASE_URL, undefined);
        const exported = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
        expectSuccess(exported, "stack export");
        assert.ok(!exported.stdout.includes(SENTINEL), "the state after harden keeps no live variable");
    });
});
