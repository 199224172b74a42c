import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { matchesTarget, partFromEnvironment, PARTS, partTargets, PART_VARIABLE } from "../config/stages";
import { PROJECT, validateStackConfig } from "../config/validate";
import { diffPlans } from "../tools/offline/diffPlans";
import { buildPlan, Plan } from "../tools/offline/planDocument";
import { PackConfig } from "../tools/offline/evaluatePolicies";
import { atHarden, projectConfig, stackFileConfig } from "./fixtures";

const APP = `${PROJECT}:appRunner`;
const ECS = `${PROJECT}:ecs`;
const EXEMPTIONS = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policies", "exemptions.json"), "utf8")) as PackConfig;
const NAT_PATH = [
    "aws:ec2/eip:Eip",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
];
const WORLD_OPEN = "data-postgres-world-open";

/** Custom resources only: components and providers are not AWS objects. */
const awsResources = (plan: Plan) => plan.document.resources.filter((r) => r.type.startsWith("aws:"));
/** The App Runner part at `stage`; from adopt on, with the world-open rule's id as its confirm command would show it. */
const appRunnerAt = (stage: string) => (c: Record<string, any>) => {
    c[APP].stage = stage;
    c[APP].adopt.postgresWorldOpenRuleId = "sgr-0c1a2b3c4d5e6f702";
};

const plans = new Map<string, Promise<Plan>>();
function planAt(name: string, edit: (c: Record<string, any>) => void, packConfig: PackConfig = EXEMPTIONS): Promise<Plan> {
    if (!plans.has(name)) plans.set(name, buildPlan("prod", packConfig, edit));
    return plans.get(name)!;
}
const committed = () => planAt("committed", () => {});
const adopting = () => planAt("adopt", appRunnerAt("adopt"));
const hardenedPlan = () =>
    planAt("harden", (c) => {
        appRunnerAt("harden")(c);
        atHarden(c);
    });

describe("stages: the road from the live accounts to the end state", () => {
    it("the committed stages: the NAT path alone on the App Runner side, only imports on the ECS side, no mandatory violation", async () => {
        const plan = await committed();
        assert.deepStrictEqual(plan.document.stages, [
            { part: "appRunner", stage: "egress", next: "adopt" },
            { part: "ecs", stage: "adopt", next: "harden" },
        ]);
        const resources = awsResources(plan);
        const appRunnerSide = resources.filter((r) => !r.urn.includes("::ecs-account") && !r.name.startsWith("workloads"));
        assert.ok(appRunnerSide.length > 0);
        for (const r of appRunnerSide) {
            assert.ok(NAT_PATH.includes(r.type), `${r.name} (${r.type}) is not part of the NAT path`);
            assert.strictEqual(r.importId, undefined, `${r.name}: the NAT stage imports nothing`);
        }
        const ecsSide = resources.filter((r) => r.name.startsWith("workloads"));
        assert.deepStrictEqual(ecsSide.map((r) => [r.name, Boolean(r.importId)]).sort(), [
            ["workloads-api", true],
            ["workloads-api-logs", true],
            ["workloads-worker", true],
            ["workloads-worker-logs", true],
        ]);
        assert.deepStrictEqual(
            plan.evaluation.violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
    });

    it("the committed stages read only the values the NAT path and the ECS imports need; the rest waits for later stages", async () => {
        const plan = await committed();
        assert.deepStrictEqual(
            plan.document.unconfirmed.map((u) => u.key),
            ["appRunner.network.publicSubnetIds", "ecs.adopt.workerService", "ecs.adopt.workerLogGroup"],
        );
        assert.ok(plan.document.unconfirmedLater.some((u) => u.key === "ecs.api.image"));
        assert.ok(plan.document.unconfirmedLater.some((u) => u.key === "appRunner.adopt.postgresWorldOpenRuleId"));
    });

    it("adopt: the live world-open rule is imported as a resource of its own and passes only through its recorded exemption", async () => {
        const plan = await adopting();
        const rule = plan.document.resources.find((r) => r.name === WORLD_OPEN);
        assert.ok(rule, "the world-open rule is declared while adopting");
        assert.strictEqual(rule.importId, "sgr-0c1a2b3c4d5e6f702");
        assert.strictEqual(rule.inputs.cidrIpv4, "0.0.0.0/0");
        assert.deepStrictEqual([rule.protect, rule.retainOnDelete], [false, false], "unprotected, so the harden update deletes it");
        assert.deepStrictEqual(
            plan.evaluation.violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
        // Nothing is created on the App Runner side: every AWS resource beyond the NAT path is imported.
        for (const r of awsResources(plan).filter((r) => !NAT_PATH.includes(r.type) && !r.name.startsWith("workloads")))
            assert.ok(r.importId, `${r.name} is created while adopting`);

        const withoutExemption = await planAt("adopt, no exemptions", appRunnerAt("adopt"), {});
        assert.ok(
            withoutExemption.evaluation.violations.some((v) => v.policyName === "no-world-open-database-ingress" && v.urn === rule.urn),
            "without its exemption the rule fails the mandatory policy",
        );
        const expired = JSON.parse(JSON.stringify(EXEMPTIONS).replace(/2027-01-08/g, "2020-01-01")) as PackConfig;
        const pastExpiry = await planAt("adopt, expired", appRunnerAt("adopt"), expired);
        assert.ok(
            pastExpiry.evaluation.violations.some((v) => v.policyName === "no-world-open-database-ingress" && v.urn === rule.urn),
            "past its expiry the policy is mandatory again",
        );
    });

    it("harden: no world-open rule declared, so the update deletes the adopted one; its replacement exists in the same plan", async () => {
        const adopt = await adopting();
        const harden = await hardenedPlan();
        assert.ok(!harden.document.resources.some((r) => r.name === WORLD_OPEN));
        assert.ok(!harden.document.resources.some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" && String(r.type).includes("IngressRule")));
        const changes = diffPlans(adopt.document.resources, harden.document.resources);
        assert.deepStrictEqual(
            changes.filter((c) => c.op === "-").map((c) => c.name),
            [WORLD_OPEN],
            "the world-open rule is the only resource harden removes",
        );
        assert.ok(changes.some((c) => c.op === "+" && c.name === "data-redis-sg"));
        assert.deepStrictEqual(
            harden.evaluation.violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
    });

    it("every resource of every stage belongs to exactly one part's targets, so a targeted up of one part never touches the other", async () => {
        for (const plan of [await committed(), await adopting(), await hardenedPlan()]) {
            for (const r of plan.document.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")) {
                const parts = PARTS.filter((part) => partTargets(PROJECT, "prod", part).some((glob) => matchesTarget(glob, r.urn)));
                const expected = r.name.startsWith("workloads") || r.name === "ecs-account" ? ["ecs"] : ["appRunner"];
                assert.deepStrictEqual(parts, expected, r.urn);
            }
        }
    });

    it(`with ${PART_VARIABLE} naming one part, the other is declared without import ids (the engine imports even untargeted resources)`, async () => {
        process.env[PART_VARIABLE] = "appRunner";
        let plan: Plan;
        try {
            plan = await buildPlan("prod", EXEMPTIONS, appRunnerAt("adopt"));
        } finally {
            delete process.env[PART_VARIABLE];
        }
        const imported = plan.document.resources.filter((r) => r.importId).map((r) => r.name);
        assert.ok(imported.includes("app-service") && imported.includes(WORLD_OPEN), imported.join(", "));
        assert.deepStrictEqual(
            imported.filter((name) => name.startsWith("workloads")),
            [],
        );
        // Only the named part's unconfirmed values block its update.
        assert.ok(
            plan.document.unconfirmed.every((u) => u.key.startsWith("appRunner.")),
            JSON.stringify(plan.document.unconfirmed),
        );
    });

    it("matches targets as the engine does: * stays within a URN segment, ** crosses them", () => {
        const urn = "urn:pulumi:prod::egress-remediation::egress-remediation:ecs:EcsWorker$aws:ecs/service:Service::workloads-api";
        assert.ok(matchesTarget("urn:pulumi:prod::egress-remediation::**::workloads*", urn));
        assert.ok(!matchesTarget("urn:pulumi:prod::egress-remediation::*::workloads*", urn));
        assert.ok(!matchesTarget("urn:pulumi:dev::egress-remediation::**::workloads*", urn));
        assert.ok(!matchesTarget("urn:pulumi:prod::egress-remediation::**::workloads", urn));
    });

    it("refuses an unknown stage in one line naming the key and the allowed values", () => {
        const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
        config.appRunner.stage = "hardened";
        config.ecs.stage = "egress";
        const result = validateStackConfig(config);
        assert.deepStrictEqual(result.ok ? [] : result.problems, [
            `${APP}.stage must be one of "egress", "adopt", "harden"; got "hardened"`,
            `${ECS}.stage must be one of "adopt", "harden"; got "egress"`,
        ]);
    });

    it(`${PART_VARIABLE} narrows the refusal to one part; any other value is one line naming the variable and the parts`, () => {
        assert.strictEqual(partFromEnvironment({}), undefined);
        assert.strictEqual(partFromEnvironment({ [PART_VARIABLE]: "ecs" }), "ecs");
        assert.throws(
            () => partFromEnvironment({ [PART_VARIABLE]: "both" }),
            (error: Error) => error.message === `${PART_VARIABLE} must be one of appRunner, ecs (or unset for both); got "both"`,
        );
    });
});
