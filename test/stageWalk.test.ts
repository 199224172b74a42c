import * as assert from "assert";
import { AccountData, StoredResource } from "../simulator/account";
import { T } from "../simulator/tokens";
import { countChanges, failed, stagesAhead, worldOpenDatabaseRules } from "../tools/engine/stageWalk";
import { stagesReport } from "../tools/commands/rehearse";

const URN = "urn:pulumi:prod::egress-remediation::";

describe("rehearse --stages: the walk's order, its counts and its account check", () => {
    it("walks every part's remaining stages round by round, App Runner first, so the NAT path is the first update", () => {
        const walk = (current: Parameters<typeof stagesAhead>[0]) => stagesAhead(current).map((s) => `${s.part} ${s.stage}`);
        assert.deepStrictEqual(walk({ appRunner: "egress", ecs: "adopt" }), [
            "appRunner egress",
            "ecs adopt",
            "appRunner adopt",
            "ecs harden",
            "appRunner harden",
        ]);
        assert.deepStrictEqual(walk({ appRunner: "adopt", ecs: "harden" }), ["appRunner adopt", "ecs harden", "appRunner harden"]);
        assert.deepStrictEqual(walk({ appRunner: "harden" }), ["appRunner harden"]);
    });

    it("counts AWS resources by kind of change, a replace once, components and providers not at all", () => {
        const preview = JSON.stringify({
            steps: [
                { op: "create", urn: `${URN}egress:index:EgressPath$aws:ec2/natGateway:NatGateway::egress-nat` },
                { op: "create", urn: `${URN}egress:index:EgressPath::egress` },
                { op: "create", urn: `${URN}pulumi:providers:aws::apprunner-account` },
                { op: "import", urn: `${URN}aws:ec2/securityGroup:SecurityGroup::data-postgres-sg` },
                { op: "same", urn: `${URN}aws:ec2/vpc:Vpc::vpc` },
                { op: "create-replacement", urn: `${URN}aws:ecs/taskDefinition:TaskDefinition::api-task` },
                { op: "delete-replaced", urn: `${URN}aws:ecs/taskDefinition:TaskDefinition::api-task` },
                { op: "delete", urn: `${URN}aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::data-postgres-world-open` },
            ],
        });
        const { counts, resources } = countChanges(preview);
        assert.deepStrictEqual(counts, { create: 1, import: 1, update: 0, replace: 1, delete: 1 });
        assert.deepStrictEqual(resources, {
            create: ["egress-nat"],
            import: ["data-postgres-sg"],
            replace: ["api-task"],
            delete: ["data-postgres-world-open"],
        });
    });

    it("finds the rules left admitting a database port from the internet, and only those", () => {
        const rule = (id: string, inputs: Record<string, unknown>): StoredResource => ({ type: T.ingressRule, id, region: "us-east-1", inputs, outputs: {} });
        const account: AccountData = {
            accounts: {},
            sequence: 0,
            events: [],
            resources: [
                rule("sgr-open", { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }),
                rule("sgr-all", { cidrIpv6: "::/0", ipProtocol: "-1" }),
                rule("sgr-https", { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
                rule("sgr-vpc", { cidrIpv4: "10.0.0.0/16", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }),
            ],
        };
        assert.deepStrictEqual(worldOpenDatabaseRules(account), ["sgr-all", "sgr-open"]);
    });

    it("reports a failed --json step by its errors' own lines, not the program's stack", () => {
        const stdout = JSON.stringify({
            diagnostics: [
                { severity: "warning", message: "warning: using pulumi-resource-aws from $PATH\n" },
                {
                    severity: "error",
                    message:
                        "error: Running program 'index.ts' failed with an unhandled exception:\n\u001b[36m<ref *1>\u001b[39m Error: invocation of aws:secretsmanager/getSecret:getSecret returned an error: reading Secrets Manager Secret (nerava/prod/DATABASE_URL): ResourceNotFoundException\n    at Object.callback (invoke.ts:281:37)\n",
                },
            ],
        });
        assert.strictEqual(
            failed("appRunner harden: pulumi preview", { status: 1, stdout, stderr: "" }),
            "appRunner harden: pulumi preview failed (exit 1):\nError: invocation of aws:secretsmanager/getSecret:getSecret returned an error: reading Secrets Manager Secret (nerava/prod/DATABASE_URL): ResourceNotFoundException",
        );
        assert.strictEqual(
            failed("ecs adopt: pulumi up", { status: 255, stdout: "plain\noutput", stderr: "last line" }),
            "ecs adopt: pulumi up failed (exit 255):\nplain\noutput\nlast line",
        );
    });
    it("the report keeps a failure whole: the step on its first line, the error on the next", () => {
        const failure = failed("ecs adopt: pulumi up", { status: 255, stdout: "plain\noutput", stderr: "last line" });
        const report = stagesReport({ stages: [], account: { worldOpenDatabaseRules: [], egressProblems: [] }, failure }) as { failure: string };
        assert.strictEqual(report.failure, failure);
        assert.ok(!("failure" in stagesReport({ stages: [], account: { worldOpenDatabaseRules: [], egressProblems: [] } })));
    });
});
