import * as assert from "assert";
import { Change } from "../tools/offline/diffPlans";
import { PlanResource } from "../tools/offline/planDocument";
import { renderChanges, renderTree } from "../tools/offline/renderPlan";

function res(name: string, type: string, parent: string | null, extra: Partial<PlanResource> = {}): PlanResource {
    return { urn: `urn:${name}`, type, name, parent, inputs: {}, outputs: {}, ...extra };
}

describe("plan rendering", () => {
    it("draws the tree like pulumi preview, marking imports and protection", () => {
        const lines = renderTree([
            res("stack", "pulumi:pulumi:Stack", null),
            res("egress", "egress-remediation:network:VpcEgress", "urn:stack"),
            res("egress-nat", "aws:ec2/natGateway:NatGateway", "urn:egress"),
            res("egress-connector", "aws:apprunner/vpcConnector:VpcConnector", "urn:egress", { importId: "arn:aws:apprunner:…", protect: true }),
            res("app", "egress-remediation:apprunner:AppRunnerService", "urn:stack"),
        ]);
        assert.deepStrictEqual(lines, [
            " +   pulumi:pulumi:Stack  stack  create",
            " +   ├─ egress-remediation:network:VpcEgress  egress  create",
            " +   │  ├─ aws:ec2/natGateway:NatGateway  egress-nat  create",
            " =   │  └─ aws:apprunner/vpcConnector:VpcConnector  egress-connector  import arn:aws:apprunner:…  [protect]",
            " +   └─ egress-remediation:apprunner:AppRunnerService  app  create",
        ]);
    });

    it("folds long runs of one type so a large plan stays readable", () => {
        const rules = Array.from({ length: 40 }, (_, i) => res(`rule-${i}`, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "urn:data"));
        const lines = renderTree([res("data", "egress-remediation:data:DataStoreAccess", null), ...rules]);
        assert.strictEqual(lines.length, 1 + 6 + 1);
        assert.strictEqual(lines.at(-1), "     └─ … 34 more aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    });

    it("lists changes deletions first and counts them", () => {
        const changes: Change[] = [
            { op: "+", urn: "u1", type: "aws:ec2/natGateway:NatGateway", name: "nat", keys: [] },
            { op: "~", urn: "u2", type: "aws:apprunner/service:Service", name: "app", keys: ["sourceConfiguration"] },
            { op: "-", urn: "u3", type: "aws:ecs/service:Service", name: "worker", keys: [] },
            { op: "+-", urn: "u4", type: "aws:ecs/taskDefinition:TaskDefinition", name: "task", keys: ["containerDefinitions"] },
        ];
        assert.strictEqual(
            renderChanges(changes),
            [
                " -  aws:ecs/service:Service  worker",
                " +- aws:ecs/taskDefinition:TaskDefinition  task  [containerDefinitions]",
                " ~  aws:apprunner/service:Service  app  [sourceConfiguration]",
                " +  aws:ec2/natGateway:NatGateway  nat",
                "Changes: 1 to create, 1 to update, 1 to replace, 1 to delete",
            ].join("\n"),
        );
        assert.strictEqual(renderChanges([]), "No changes against the previous plan.");
    });
});
