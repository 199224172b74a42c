import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALL_LIVE_PROPERTIES } from "../components/liveProperties";
import { REPLACE_ON } from "../tools/offline/replaceOn";

/** The input properties a pulumi-aws resource class passes to the engine, read from the SDK itself. */
function providerInputs(type: string): string[] {
    const [, module, name] = /^aws:([a-z0-9]+)\/([a-zA-Z0-9]+):/.exec(type)!;
    const source = fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), module, `${name}.js`), "utf8");
    const inputs = [...source.matchAll(/resourceInputs\["(\w+)"\] = .*\bargs\?\.(\w+)/g)].filter((m) => m[1] === m[2]).map((m) => m[1]);
    return [...new Set(inputs)].sort();
}

describe("adopted resources: every property declared or left alone", () => {
    for (const table of ALL_LIVE_PROPERTIES) {
        it(`${table.type}: declared + left alone = the provider's inputs, with no overlap`, () => {
            const inputs = providerInputs(table.type);
            assert.ok(inputs.length > 3, `read only ${inputs.length} inputs from the SDK`);
            assert.deepStrictEqual([...table.declared, ...table.leftAlone, ...(table.unsetKeepsLive ?? [])].sort(), inputs);
            assert.deepStrictEqual(
                table.declared.filter((p) => table.leftAlone.includes(p)),
                [],
            );
        });
    }
});

/**
 * A change to one of these inputs replaces the resource, and an adopted resource is protected: the
 * update fails (or, unprotected, deletes the live one). So an adopted resource may declare a
 * replacing input only where the config holds the live value itself (the id it is imported by, the
 * VPC, the names); every other one, a hand-written description first, is left as it is live.
 */
const REPLACING_INPUTS_THE_CONFIG_HOLDS_LIVE: Readonly<Record<string, readonly string[]>> = {
    "aws:ec2/securityGroup:SecurityGroup": ["vpcId"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    "aws:apprunner/vpcConnector:VpcConnector": ["vpcConnectorName", "subnets", "securityGroups"],
    "aws:apprunner/service:Service": ["serviceName"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId"],
    "aws:ecs/service:Service": ["name", "cluster", "launchType"],
    "aws:cloudwatch/logGroup:LogGroup": ["name"],
};

describe("adopted resources: no declared input forces a replacement of the live resource", () => {
    for (const table of ALL_LIVE_PROPERTIES) {
        it(`${table.type}: declares a replacing input only where the config holds its live value`, () => {
            const rule = REPLACE_ON[table.type];
            assert.ok(rule && "always" in rule, `no replacement rule for ${table.type}`);
            const declaredReplacing = (rule.always ?? []).filter((key) => table.declared.includes(key));
            assert.deepStrictEqual(declaredReplacing, REPLACING_INPUTS_THE_CONFIG_HOLDS_LIVE[table.type]);
        });
    }
});
