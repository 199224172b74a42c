import * as assert from "assert";
import { Change } from "../tools/offline/diffPlans";
import { PlanResource } from "../tools/offline/planDocument";
import { alignColumns, displayType } from "../tools/offline/previewLayout";
import { adoptedLines, renderChanges, renderTree, unconfirmedLines } from "../tools/offline/renderPlan";

function res(name: string, type: string, parent: string | null, extra: Partial<PlanResource> = {}): PlanResource {
    return { urn: `urn:${name}`, type, name, parent, inputs: {}, outputs: {}, ...extra };
}

describe("plan rendering", () => {
    it("draws the tree like pulumi preview, marking imports and protection", () => {
        const lines = renderTree([
            res("stack", "pulumi:pulumi:Stack", null),
            res("egress", "egress-remediation:network:VpcEgress", "urn:stack"),
            res("egress-nat", "aws:ec2/natGateway:NatGateway", "urn:egress"),
            res("egress-connector", "aws:apprunner/vpcConnector:VpcConnector", "urn:egress", {
                importId: "arn:aws:apprunner:…",
                protect: true,
                retainOnDelete: true,
            }),
            res("app", "egress-remediation:apprunner:AppRunnerService", "urn:stack"),
        ]);
        assert.deepStrictEqual(lines, [
            "     Type                                              Name              Plan    Info",
            " +   pulumi:pulumi:Stack                               stack             create",
            " +   ├─ egress-remediation:network:VpcEgress           egress            create",
            " +   │  ├─ aws:ec2:NatGateway                          egress-nat        create",
            " =   │  └─ aws:apprunner:VpcConnector                  egress-connector  import  from arn:aws:apprunner:…; protected; retained on delete",
            " +   └─ egress-remediation:apprunner:AppRunnerService  app               create",
        ]);
    });

    it("counts the program's diagnostics on the stack row, as the preview's Info column does", () => {
        const lines = renderTree([res("stack", "pulumi:pulumi:Stack", null)], ["warning: placeholder values …", "warning: other", "error: bad"]);
        assert.strictEqual(lines[1], " +   pulumi:pulumi:Stack  stack  create  1 error; 2 warnings");
    });

    it("folds long runs of one type so a large plan stays readable", () => {
        const rules = Array.from({ length: 40 }, (_, i) => res(`rule-${i}`, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "urn:data"));
        const lines = renderTree([res("data", "egress-remediation:data:DataStoreAccess", null), ...rules]);
        assert.strictEqual(lines.length, 1 + 1 + 6 + 1);
        assert.strictEqual(lines.at(-1), "     └─ … 34 more aws:vpc:SecurityGroupIngressRule");
    });

    it("lists changes deletions first and counts them", () => {
        const changes: Change[] = [
            { op: "+", urn: "u1", type: "aws:ec2/natGateway:NatGateway", name: "nat", keys: [] },
            { op: "~", urn: "u2", type: "aws:apprunner/service:Service", name: "app", keys: ["sourceConfiguration"] },
            { op: "-", urn: "u3", type: "aws:ecs/service:Service", name: "worker", keys: [], retained: true },
            { op: "+-", urn: "u4", type: "aws:ecs/taskDefinition:TaskDefinition", name: "task", keys: ["containerDefinitions"] },
        ];
        assert.deepStrictEqual(renderChanges(changes, 10), [
            "     Type                    Name    Plan     Info",
            " -   aws:ecs:Service         worker  delete   [retain: leaves state, stays in AWS]",
            " +-  aws:ecs:TaskDefinition  task    replace  [diff: ~containerDefinitions]",
            " ~   aws:apprunner:Service   app     update   [diff: ~sourceConfiguration]",
            " +   aws:ec2:NatGateway      nat     create",
            "",
            "Resources:",
            "    + 1 to create",
            "    ~ 1 to update",
            "    +-1 to replace",
            "    - 1 to delete",
            "    4 changes. 7 unchanged",
        ]);
        assert.deepStrictEqual(renderChanges([]), ["No changes against the previous plan."]);
    });
});

describe("preview layout", () => {
    it("shortens type tokens as pulumi preview does, only when the module's last part is the camel-cased type", () => {
        assert.strictEqual(displayType("aws:ec2/securityGroup:SecurityGroup"), "aws:ec2:SecurityGroup");
        assert.strictEqual(displayType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), "aws:vpc:SecurityGroupIngressRule");
        assert.strictEqual(displayType("aws:ec2/eip:Eip"), "aws:ec2:Eip");
        assert.strictEqual(displayType("awsx:ec2:Vpc"), "awsx:ec2:Vpc");
        assert.strictEqual(displayType("pulumi:providers:aws"), "pulumi:providers:aws");
        assert.strictEqual(displayType("aws:s3/bucketV2:Bucket"), "aws:s3/bucketV2:Bucket");
    });

    it("pads every column but the last to its widest cell", () => {
        assert.deepStrictEqual(
            alignColumns([
                ["a", "bb", "c"],
                ["aaa", "b", ""],
            ]),
            ["a    bb  c", "aaa  b"],
        );
    });
});

describe("plan rendering: adoption and unconfirmed values", () => {
    it("says, for each import, what the program sets and what it keeps as it is live", () => {
        const redis = res("data-redis", "aws:elasticache/replicationGroup:ReplicationGroup", null, {
            importId: "nerava-redis",
            inputs: { replicationGroupId: "nerava-redis", securityGroupIds: ["sg-1"], description: "adopted" },
            ignoreChanges: ["description", "multiAzEnabled"],
        });
        assert.deepStrictEqual(adoptedLines([redis, res("nat", "aws:ec2/natGateway:NatGateway", null)]), [
            "  data-redis (aws:elasticache:ReplicationGroup)",
            "      sets: replicationGroupId, securityGroupIds",
            "      keeps live: description, multiAzEnabled",
        ]);
    });

    it("lists each unconfirmed value with the command that confirms it", () => {
        assert.deepStrictEqual(
            unconfirmedLines({
                unconfirmed: [{ key: "ecs.api.loadBalancer", reason: "may sit behind a target group", confirm: "aws ecs describe-services …" }],
            }),
            [
                "Before `pulumi up` (it refuses while any is listed): 1 unconfirmed value(s) the current stages read. Confirm each, then set it or drop it from egress-remediation:unverified.",
                "  egress-remediation:ecs.api.loadBalancer: may sit behind a target group",
                "      confirm: aws ecs describe-services …",
            ],
        );
        assert.deepStrictEqual(unconfirmedLines({ unconfirmed: [] }), ["Every value the current stages read is confirmed: `pulumi up` may run."]);
    });
});
