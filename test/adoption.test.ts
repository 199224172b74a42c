import * as assert from "assert";
import { ProgramRun } from "../tools/offline/runProgram";
import { confirmProdConfig, hardened } from "./fixtures";
import { runStack } from "./harness";

const PROJECT = "egress-remediation";
const APP = `${PROJECT}:appRunner`;
const ECS = `${PROJECT}:ecs`;

const confirmedProd = hardened(confirmProdConfig);

/** Every stateful or adopted resource in the prod program, by name. */
const KEPT = [
    "egress-connector-sg",
    "egress-connector-egress",
    "egress-connector",
    "app-service",
    "data-postgres-sg",
    "data-postgres-from-connector",
    "data-redis",
    "workloads-api",
    "workloads-worker",
    "workloads-api-logs",
    "workloads-worker-logs",
];

/**
 * What the engine compares, with each id written as the name of the resource it belongs to: the
 * mocks invent a created resource's id but use the import id for an imported one, while the
 * engine takes both from state.
 */
function shape(run: ProgramRun) {
    const names = new Map(run.mocks.resources.filter((r) => r.id && /^(sg|sgr)-|^arn:/.test(r.id)).map((r) => [r.id!, r.name]));
    for (const r of run.mocks.resources)
        for (const value of Object.values(r.state)) if (typeof value === "string" && value.startsWith("arn:")) names.set(value, r.name);
    const byName = (value: unknown): unknown => {
        if (typeof value === "string") return names.has(value) ? `<${names.get(value)}>` : value;
        if (Array.isArray(value)) return value.map(byName);
        if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, byName(v)]));
        return value;
    };
    return run.mocks.resources
        .filter((r) => r.type !== "pulumi:providers:aws")
        .map((r) => {
            const { protect, retainOnDelete, ignoreChanges } = run.mocks.optionsOf(r.name);
            return { name: r.name, type: r.type, inputs: byName(r.inputs), protect, retainOnDelete, ignoreChanges };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

describe("adopting production: the first pulumi up", () => {
    /** The first `pulumi up` once every value is confirmed (the program run as an update, not a preview). */
    let firstUp: ProgramRun;
    before(async () => {
        firstUp = await runStack("prod", confirmedProd, false);
    });

    it("refuses `pulumi up` while the existing 5432 rule's id is not configured, and imports it once it is", async () => {
        await assert.rejects(
            runStack(
                "prod",
                (c) => {
                    confirmedProd(c);
                    delete c[APP].adopt.postgresIngressRuleIds;
                },
                false,
            ),
            (error: Error) => {
                assert.match(
                    error.message,
                    /^pulumi up refused: 1 unconfirmed value\(s\): egress-remediation:appRunner\.adopt\.postgresIngressRuleIds\.connector;/,
                );
                assert.doesNotMatch(error.message, /\n/);
                return true;
            },
        );
        assert.strictEqual(firstUp.mocks.named("data-postgres-from-connector").importId, "sgr-0a1b2c3d4e5f60718");
        assert.strictEqual(firstUp.mocks.named("egress-connector-egress").importId, "sgr-0a1b2c3d4e5f60719");
    });

    it("accepts `create` for a rule confirmed absent, and then creates it", async () => {
        const run = await runStack(
            "prod",
            (c) => {
                confirmedProd(c);
                c[APP].adopt.postgresIngressRuleIds = { connector: "create" };
            },
            false,
        );
        assert.strictEqual(run.mocks.named("data-postgres-from-connector").importId, undefined);
    });

    it("only warns in a preview, and names every unconfirmed value the stages read with the command that confirms it", async () => {
        const committed = (await runStack("prod")).diagnostics.filter((w) => w.includes("unconfirmed egress-remediation:"));
        assert.deepStrictEqual(
            committed.map((w) => /unconfirmed (\S+):/.exec(w)![1]),
            [
                "egress-remediation:appRunner.network.publicSubnetIds",
                "egress-remediation:ecs.adopt.workerService",
                "egress-remediation:ecs.adopt.workerLogGroup",
            ],
            "the NAT path and the ECS imports read only these",
        );
        // runProgram collects what the program logs (pulumi.log without an engine) instead of printing it.
        const { diagnostics } = await runStack(
            "prod",
            hardened(() => {}),
        );
        assert.ok(
            diagnostics.every((d) => d.startsWith("warning: ")),
            diagnostics.join("\n"),
        );
        const unconfirmed = diagnostics.filter((w) => w.includes("unconfirmed egress-remediation:"));
        assert.ok(
            unconfirmed.some((w) => /ecs\.api\.loadBalancer: .* Confirm with: aws ecs describe-services/.test(w)),
            unconfirmed.join("\n"),
        );
        assert.ok(
            unconfirmed.some((w) => /appRunner\.adopt\.postgresIngressRuleIds\.connector: .*Confirm with: aws ec2 describe-security-group-rules/.test(w)),
        );
        assert.strictEqual(unconfirmed.length, 15);
    });

    it("adopts the live worker and its log group instead of creating them again", () => {
        assert.strictEqual(firstUp.mocks.named("workloads-worker").importId, "sandbox-broker-cluster/sandbox-broker-worker");
        assert.strictEqual(firstUp.mocks.named("workloads-worker-logs").importId, "/ecs/sandbox-broker-worker");
    });

    it("protects and retains every stateful or adopted resource", () => {
        for (const name of KEPT) {
            const options = firstUp.mocks.optionsOf(name);
            assert.ok(options.protect && options.retainOnDelete, `${name}: protect ${options.protect}, retainOnDelete ${options.retainOnDelete}`);
        }
    });

    it("retains, unprotected, what harden creates and a kept service or Redis goes on using, and nothing else it creates", () => {
        const usedByKept = [
            "app-instance-role",
            "app-read-secrets",
            "data-redis-sg",
            "workloads-tasks-sg",
            "workloads-execution-role",
            "workloads-execution-policy",
            "workloads-api-task",
            "workloads-worker-task",
        ];
        const retainedUnprotected = firstUp.mocks.resources
            .filter((r) => r.custom && firstUp.mocks.optionsOf(r.name).retainOnDelete && !firstUp.mocks.optionsOf(r.name).protect)
            .map((r) => r.name);
        assert.deepStrictEqual(retainedUnprotected.sort(), [...usedByKept].sort());
        // A retained standalone rule would outlive its removal from the config: the groups this program
        // creates carry their rules inline, so removing a source is an update that revokes it.
        const retainedRules = firstUp.mocks.resources.filter(
            (r) => r.type.startsWith("aws:vpc/securityGroup") && firstUp.mocks.optionsOf(r.name).retainOnDelete && !firstUp.mocks.optionsOf(r.name).protect,
        );
        assert.deepStrictEqual(
            retainedRules.map((r) => r.name),
            [],
        );
        // The NAT path is nobody's dependency once removed from the program: deleting it stops its cost.
        for (const name of ["egress-nat", "egress-nat-eip", "egress-private-rt"]) assert.strictEqual(firstUp.mocks.optionsOf(name).retainOnDelete, false, name);
    });

    it("changes nothing when `adopt` is removed after the first up: same resources, inputs, protection and ignoreChanges", async () => {
        const withoutAdopt = await runStack(
            "prod",
            (c) => {
                confirmedProd(c);
                delete c[APP].adopt;
                delete c[ECS].adopt;
            },
            false,
        );
        assert.deepStrictEqual(shape(withoutAdopt), shape(firstUp));
        assert.strictEqual(withoutAdopt.mocks.resources.filter((r) => r.importId).length, 1, "only nerava-redis, which is never created, keeps its import id");
        for (const name of KEPT) assert.ok(withoutAdopt.mocks.optionsOf(name).protect, `${name} lost protection`);
    });

    it("refuses disabling a part that adopted resources unless it is a deliberate decommission", async () => {
        await assert.rejects(
            runStack(
                "prod",
                hardened((c) => (c[APP].enabled = false)),
            ),
            /stack config is invalid/,
        );
        const decommissioning = await runStack(
            "prod",
            hardened((c) => (c[APP].decommission = true)),
        );
        for (const name of ["app-service", "data-redis", "data-redis-sg", "egress-nat", "app-instance-role"]) {
            const options = decommissioning.mocks.optionsOf(name);
            assert.deepStrictEqual([options.protect, options.retainOnDelete], [false, true], `${name} must be unprotected and kept in AWS`);
        }
        assert.ok(decommissioning.mocks.optionsOf("workloads-api").protect, "the ECS part is not decommissioned");
        const ecsOnly = await runStack(
            "prod",
            hardened((c) => Object.assign(c[APP], { enabled: false, decommission: true })),
        );
        assert.strictEqual(ecsOnly.mocks.ofType("aws:apprunner/service:Service").length, 0);
    });
});
