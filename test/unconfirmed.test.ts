import { execFileSync } from "child_process";
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { gateUnconfirmed, unconfirmedValues } from "../config/unconfirmed";
import { StackConfig } from "../config/schema";
import { validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

function prod(edit: (c: Record<string, any>) => void = () => undefined): { ok: true; config: StackConfig } | { ok: false; problems: string[] } {
    const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
    config.appRunner.stage = "harden";
    config.ecs.stage = "harden";
    edit(config);
    return validateStackConfig(config);
}

function prodConfig(edit?: (c: Record<string, any>) => void): StackConfig {
    const result = prod(edit);
    assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
    return result.config;
}

describe("unconfirmed values", () => {
    it("lists the stack file's unverified keys, placeholders they do not cover, and rule ids on adopted groups", () => {
        const keys = unconfirmedValues(prodConfig()).map((u) => u.key);
        assert.deepStrictEqual(keys.slice(-2), ["appRunner.adopt.connectorEgressRuleId", "appRunner.adopt.postgresIngressRuleIds.connector"]);
        for (const key of [
            "appRunner.network.publicSubnetIds",
            "ecs.api.loadBalancer",
            "ecs.api.capacityProviderStrategy",
            "ecs.adopt.workerService",
            "ecs.subnetIds",
        ])
            assert.ok(keys.includes(key), key);
        assert.ok(!keys.includes("ecs.subnetIds.0"), "a placeholder under a listed key is listed once");
        const uncovered = unconfirmedValues(prodConfig((c) => (c.unverified = []))).map((u) => u.key);
        assert.deepStrictEqual(uncovered, [
            "ecs.vpcId",
            "ecs.subnetIds.0",
            "ecs.subnetIds.1",
            "ecs.api.image",
            "appRunner.adopt.connectorEgressRuleId",
            "appRunner.adopt.postgresIngressRuleIds.connector",
        ]);
    });

    it("needs no rule id for a source this program creates, nor once the group is not adopted", () => {
        const dev = validateStackConfig(projectConfig(stackFileConfig("dev")));
        assert.ok(dev.ok);
        assert.deepStrictEqual(unconfirmedValues(dev.config), []);
        const ids = prodConfig((c) => {
            c.unverified = [];
            c.appRunner.adopt.postgresIngressRuleIds = { connector: "create" };
            c.appRunner.adopt.connectorEgressRuleId = "sgr-0123456789abcdef0";
        });
        assert.deepStrictEqual(
            unconfirmedValues(ids).filter((u) => u.key.startsWith("appRunner")),
            [],
        );
    });

    it("says for each rule id which group may hold the rule and the command that lists its rules", () => {
        const ruleIds = unconfirmedValues(prodConfig((c) => (c.unverified = []))).filter((u) => u.key.startsWith("appRunner"));
        const query = "[SecurityGroupRuleId,ReferencedGroupInfo.GroupId,CidrIpv4,FromPort,ToPort]";
        assert.deepStrictEqual(ruleIds, [
            {
                key: "appRunner.adopt.connectorEgressRuleId",
                reason: 'the adopted group sg-00bc5ec63287eacdd may already allow all egress; set its sgr- id, or "create" if it has none',
                confirm: `aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-00bc5ec63287eacdd --query 'SecurityGroupRules[?IsEgress].${query}' --output text`,
            },
            {
                key: "appRunner.adopt.postgresIngressRuleIds.connector",
                reason: 'the adopted group sg-0e4cc786d9053f05f may already have "5432 from connector"; set its sgr- id, or "create" if it has none',
                confirm: `aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-0e4cc786d9053f05f --query 'SecurityGroupRules[?!IsEgress && FromPort<=\`5432\` && ToPort>=\`5432\`].${query}' --output text`,
            },
        ]);
    });

    it("prints confirm commands a POSIX shell passes to the AWS CLI unchanged: no backtick runs, no ! expands", () => {
        const config = prodConfig((c) => {
            c.unverified = [];
            c.appRunner.stage = "adopt";
        });
        const commands = unconfirmedValues(config)
            .map((u) => u.confirm)
            .filter((c) => c.includes("--query"));
        assert.ok(
            commands.some((c) => c.includes("0.0.0.0/0")),
            commands.join("\n"),
        );
        for (const command of commands) {
            // The shell splits the words as a terminal would, with history expansion on, and prints the --query argument.
            const words = execFileSync("bash", ["-c", `set -H; set -- ${command}; while [ "$1" != --query ]; do shift; done; printf %s "$2"`], {
                encoding: "utf8",
            });
            assert.match(words, /^SecurityGroupRules\[\?.*\]\.\[SecurityGroupRuleId,ReferencedGroupInfo\.GroupId,CidrIpv4,FromPort,ToPort\]$/, command);
            assert.strictEqual(words, /--query '([^']*)'/.exec(command)![1], command);
        }
    });

    it("a placeholder says to replace it; a rule id under a listed key is listed once", () => {
        const items = unconfirmedValues(
            prodConfig((c) => (c.unverified = [{ key: "appRunner.adopt", reason: "ids not checked", confirm: "aws apprunner list-vpc-connectors" }])),
        );
        assert.deepStrictEqual(
            items.filter((u) => u.key.startsWith("appRunner")),
            [{ key: "appRunner.adopt", reason: "ids not checked", confirm: "aws apprunner list-vpc-connectors" }],
        );
        assert.deepStrictEqual(
            items.find((u) => u.key === "ecs.vpcId"),
            { key: "ecs.vpcId", reason: "holds a placeholder of zeros", confirm: "replace it with the live value" },
        );
    });

    it("asks for a postgres rule id per existing source only while the postgres group is adopted", () => {
        const keys = (edit: (c: Record<string, any>) => void) =>
            unconfirmedValues(
                prodConfig((c) => {
                    c.unverified = [];
                    edit(c);
                }),
            )
                .map((u) => u.key)
                .filter((key) => key.startsWith("appRunner"));
        // A CIDR source exists already; without the adopted connector group, only the CIDR's rule may.
        assert.deepStrictEqual(
            keys((c) => {
                delete c.appRunner.adopt.connectorSecurityGroupId;
                c.appRunner.dataStores.cidrSources = { vpn: "10.8.0.0/16" };
            }),
            ["appRunner.adopt.postgresIngressRuleIds.vpn"],
        );
        assert.deepStrictEqual(
            keys((c) => delete c.appRunner.adopt.postgresSecurityGroupId),
            ["appRunner.adopt.connectorEgressRuleId"],
        );
    });

    it("asks for no rule id when appRunner is absent, or decommissioned with its groups still adopted", () => {
        const ecsOnly = prodConfig((c) => {
            c.unverified = [];
            delete c.appRunner;
        });
        assert.deepStrictEqual(
            unconfirmedValues(ecsOnly).map((u) => u.key),
            ["ecs.vpcId", "ecs.subnetIds.0", "ecs.subnetIds.1", "ecs.api.image"],
        );
        const decommissioned = prodConfig((c) => {
            c.unverified = [];
            Object.assign(c.appRunner, { enabled: false, decommission: true });
        });
        assert.deepStrictEqual(
            unconfirmedValues(decommissioned).filter((u) => u.key.startsWith("appRunner")),
            [],
        );
    });

    it("warns in a preview and throws one line, naming every key, during an update", () => {
        const items = unconfirmedValues(prodConfig());
        const warnings: string[] = [];
        gateUnconfirmed(items, { preview: true, warn: (m) => warnings.push(m) });
        assert.strictEqual(warnings.length, items.length);
        assert.match(warnings[0], /^unconfirmed egress-remediation:appRunner\.network\.publicSubnetIds: .*\. Confirm with: aws ec2 describe-route-tables /);
        assert.throws(
            () => gateUnconfirmed(items, { preview: false, warn: () => assert.fail("an update must not only warn") }),
            (error: Error) => {
                assert.ok(error instanceof pulumi.RunError);
                assert.doesNotMatch(error.message, /\n/);
                for (const item of items) assert.ok(error.message.includes(`egress-remediation:${item.key}`), item.key);
                return true;
            },
        );
        const two = [
            { key: "ecs.vpcId", reason: "r", confirm: "c" },
            { key: "ecs.api.image", reason: "r", confirm: "c" },
        ];
        assert.throws(() => gateUnconfirmed(two, { preview: false, warn: () => undefined }), {
            message:
                "pulumi up refused: 2 unconfirmed value(s): egress-remediation:ecs.vpcId, egress-remediation:ecs.api.image; `pulumi preview` or `npm run plan` prints the command that confirms each",
        });
        gateUnconfirmed([], { preview: false, warn: () => assert.fail("nothing to warn about") });
    });

    it("refuses an unverified key whose parent is not in the config, so a typo cannot pass for confirmed", () => {
        const result = prod((c) => c.unverified.push({ key: "ecs.apii.image", reason: "r", confirm: "c" }));
        assert.deepStrictEqual(result.ok ? [] : result.problems, [
            'egress-remediation:unverified.13.key names ecs.apii.image, but ecs.apii is not set in this stack; got "ecs.apii.image"',
        ]);
    });

    it("refuses disabling a part unless decommission is set, also after its adopt keys were dropped", () => {
        const result = prod((c) => (c.ecs.enabled = false));
        assert.ok(!result.ok);
        assert.strictEqual(result.problems.length, 1);
        assert.match(result.problems[0], /^egress-remediation:ecs\.enabled is false without ecs\.decommission: true; .*first set ecs\.decommission: true/);
        assert.ok(prod((c) => Object.assign(c.ecs, { enabled: false, decommission: true })).ok);
        assert.ok(!prod((c) => Object.assign(c.ecs, { enabled: false, adopt: {} })).ok, "dropping the adopt keys first is no way around it");
    });
});
