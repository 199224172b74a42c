import * as assert from "assert";
import { diffPlans } from "../tools/offline/diffPlans";
import { PlanResource } from "../tools/offline/planDocument";

const GROUP = "aws:ec2/securityGroup:SecurityGroup";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";

function resource(type: string, name: string, inputs: Record<string, unknown>, options: Partial<PlanResource> = {}): PlanResource {
    return { urn: `urn:pulumi:prod::p::${type}::${name}`, type, name, parent: null, inputs, outputs: {}, ...options };
}

// The NAT gateway's subnet (a replacement) is covered in test/replaceOn.test.ts with the force-new table.
describe("diffPlans", () => {
    it("reports nothing for a resource whose inputs are equal, however deep", () => {
        const inputs = { name: "/ecs/a", tags: { team: "platform" }, retentionInDays: 14 };
        assert.deepStrictEqual(diffPlans([resource(LOGS, "logs", inputs)], [resource(LOGS, "logs", structuredClone(inputs))]), []);
    });

    it("creates a resource only in the new plan, with no keys", () => {
        const logs = resource(LOGS, "logs", { name: "/ecs/a" });
        assert.deepStrictEqual(diffPlans([], [logs]), [{ op: "+", urn: logs.urn, type: LOGS, name: "logs", keys: [] }]);
    });

    it("deletes a resource only in the old plan, and says when AWS keeps it", () => {
        const dropped = resource(LOGS, "logs", { name: "/ecs/a" });
        const retained = resource(GROUP, "db-sg", { description: "db" }, { retainOnDelete: true });
        assert.deepStrictEqual(diffPlans([dropped, retained], []), [
            { op: "-", urn: dropped.urn, type: LOGS, name: "logs", keys: [] },
            { op: "-", urn: retained.urn, type: GROUP, name: "db-sg", keys: [], retained: true },
        ]);
    });

    it("lists every changed key once, sorted, including keys added or removed", () => {
        const before = resource(LOGS, "logs", { retentionInDays: 14, tags: { a: "1" }, kmsKeyId: "arn:k" });
        const after = resource(LOGS, "logs", { retentionInDays: 30, tags: { a: "2" }, skipDestroy: true });
        assert.deepStrictEqual(diffPlans([before], [after]), [
            { op: "~", urn: after.urn, type: LOGS, name: "logs", keys: ["kmsKeyId", "retentionInDays", "skipDestroy", "tags"] },
        ]);
    });

    it("leaves out keys under ignoreChanges, as the engine does: a change only there is none, an ignored force-new key replaces nothing", () => {
        const before = resource(GROUP, "db-sg", { description: "db", ingress: [], tags: {} });
        const after = (inputs: Record<string, unknown>, ignoreChanges: string[]) =>
            resource(GROUP, "db-sg", { ...before.inputs, ...inputs }, { ignoreChanges });
        const diff = (inputs: Record<string, unknown>, ignoreChanges: string[]) =>
            diffPlans([before], [after(inputs, ignoreChanges)]).map((c) => [c.op, c.keys]);
        assert.deepStrictEqual(diff({ ingress: [{ fromPort: 5432 }] }, ["ingress"]), []);
        assert.deepStrictEqual(diff({ ingress: [{ fromPort: 5432 }], tags: { a: "1" } }, ["ingress"]), [["~", ["tags"]]]);
        assert.deepStrictEqual(diff({ description: "database", tags: { a: "1" } }, ["description"]), [["~", ["tags"]]]);
        assert.deepStrictEqual(diff({ description: "database" }, []), [["+-", ["description"]]]);
    });
});
