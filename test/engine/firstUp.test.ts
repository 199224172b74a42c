import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { T } from "../../simulator/tokens";
import { finishAdoption, IMPORT_ONCE_FLAGS } from "../../tools/engine/finishAdoption";
import { EngineSandbox } from "../../tools/engine/sandbox";
import { runCli } from "../cli";
import { expectSuccess, prodSandbox } from "./harness";

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
}

function stepsOf(previewJson: string): PreviewStep[] {
    return (JSON.parse(previewJson).steps ?? []) as PreviewStep[];
}

/** Every step per resource name: an import whose inputs differ is an `import` step followed by an `update`. */
function opsByName(steps: readonly PreviewStep[]): Map<string, string[]> {
    const ops = new Map<string, string[]>();
    for (const step of steps) {
        const name = step.urn.split("::").pop()!;
        ops.set(name, [...(ops.get(name) ?? []), step.op]);
    }
    return ops;
}

const STATEFUL_TYPES: readonly string[] = [T.replicationGroup, T.vpcConnector, T.appRunnerService, T.logGroup, T.ecsService];
const ADOPTED_GROUPS = ["sg-0e4cc786d9053f05f", "sg-00bc5ec63287eacdd"];

describe("the first `pulumi up` of prod, by the real engine against the simulated account", function () {
    let sandbox: EngineSandbox;

    before(async function () {
        sandbox = await prodSandbox();
    });
    after(() => sandbox?.dispose());

    it("previews with the policy pack: adopted resources imported, the NAT path created, no violation", async () => {
        const preview = await sandbox.pulumi(["preview", "--stack", "prod", "--policy-pack", "policies", "--json"]);
        expectSuccess(preview, "pulumi preview");
        const ops = opsByName(stepsOf(preview.stdout));
        for (const adopted of [
            "egress-connector-sg",
            "egress-connector",
            "app-service",
            "data-postgres-sg",
            "data-redis",
            "workloads-api",
            "workloads-api-logs",
        ]) {
            assert.ok(ops.get(adopted)?.includes("import"), `${adopted}: ${ops.get(adopted)}`);
        }
        for (const created of ["egress-nat", "egress-nat-eip", "egress-nat-route", "egress-private-rt"])
            assert.deepStrictEqual(ops.get(created), ["create"], created);
        const destructive = [...ops].filter(([, list]) => list.some((op) => ["delete", "replace", "create-replacement", "delete-replaced"].includes(op)));
        assert.deepStrictEqual(destructive, [], "nothing is deleted or replaced");

        // The checker reads the engine's own preview output, not a hand-written file.
        const file = path.join(sandbox.root, "preview.json");
        fs.writeFileSync(file, preview.stdout);
        const checked = await runCli(["check", file]);
        assert.strictEqual(checked.status, 0, checked.stdout + checked.stderr);
    });

    it("applies without failure, deletes nothing stateful, and leaves no diff behind", async () => {
        const before = sandbox.account();
        expectSuccess(await sandbox.pulumi(["up", "--stack", "prod", "--yes", "--policy-pack", "policies"]), "pulumi up");
        const after = sandbox.account();

        const deleted = after.events.filter((e) => e.op === "delete");
        assert.deepStrictEqual(
            deleted.filter((e) => STATEFUL_TYPES.includes(e.type) || ADOPTED_GROUPS.includes(e.id)),
            [],
            "no stateful or adopted resource is deleted",
        );
        const nat = after.resources.find((r) => r.type === T.natGateway);
        assert.ok(nat, "a NAT gateway exists after the up");
        assert.ok(after.resources.length >= before.resources.length);
        // Each adopted resource is the live one, under its live id: imported, not replaced by a look-alike.
        const exported = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
        expectSuccess(exported, "pulumi stack export");
        const resources = JSON.parse(exported.stdout).deployment.resources as { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[];
        const idOf = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))?.id;
        assert.deepStrictEqual(["egress-connector-sg", "data-postgres-sg", "data-redis", "app-service"].map(idOf), [
            "sg-00bc5ec63287eacdd",
            "sg-0e4cc786d9053f05f",
            "nerava-redis",
            "arn:aws:apprunner:us-east-1:566287346479:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3",
        ]);
        // Each component records its outputs in state (`registerOutputs`), where `pulumi stack output` and
        // other stacks' references read them; the mocks keep no component, so only the engine shows this.
        const outputsOf = (type: string) => Object.keys(resources.find((r) => r.type === type)?.outputs ?? {}).sort();
        assert.deepStrictEqual(
            {
                vpcEgress: outputsOf("egress-remediation:network:VpcEgress"),
                dataStoreAccess: outputsOf("egress-remediation:data:DataStoreAccess"),
                appRunnerService: outputsOf("egress-remediation:apprunner:AppRunnerService"),
                ecsWorker: outputsOf("egress-remediation:ecs:EcsWorker"),
            },
            {
                vpcEgress: ["connectorArn", "connectorSecurityGroupId", "connectorSubnetIds", "natGatewayIds", "natPublicIps", "routeTableIds", "vpcId"],
                dataStoreAccess: ["postgresSecurityGroupId", "redisSecurityGroupId"],
                appRunnerService: ["instanceRoleArn", "serviceArn", "serviceUrl"],
                ecsWorker: ["apiServiceName", "apiTaskDefinitionArn", "tasksSecurityGroupId", "workerServiceName", "workerTaskDefinitionArn"],
            },
        );
        // The recorded world-open rule is still there: the program never declares it (the runbook removes it).
        assert.ok(after.resources.some((r) => r.id === "sgr-0c1a2b3c4d5e6f702"));

        // As the README says to commit after the first up: ECS services are imported once.
        assert.deepStrictEqual(await finishAdoption(sandbox, "prod"), [IMPORT_ONCE_FLAGS[0]]);
        expectSuccess(
            await sandbox.pulumi(["preview", "--stack", "prod", "--expect-no-changes", "--policy-pack", "policies"]),
            "second preview (--expect-no-changes)",
        );
    });
});
