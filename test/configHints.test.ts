import * as assert from "assert";
import { fargateMemoryProblem } from "../config/fargate";
import { closest, namespaceProblems } from "../config/hints";
import { validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

function prodWith(edit: (c: Record<string, any>) => void): string[] {
    const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
    config.appRunner.stage = "harden";
    config.ecs.stage = "harden";
    edit(config);
    const result = validateStackConfig(config);
    return result.ok ? [] : result.problems;
}

describe("config errors that say what was meant", () => {
    it("an unknown key close to a known one: did you mean, with the allowed keys", () => {
        assert.deepStrictEqual(
            prodWith((c) => {
                c.appRunner.network.natMod = c.appRunner.network.natMode;
                delete c.appRunner.network.natMode;
            }),
            [
                'egress-remediation:appRunner.network has unknown key "natMod" (did you mean "natMode"?); allowed: vpcId, connectorSubnetIds, publicSubnetIds, natMode, subnetAzs, explicitAssociations, cidrBlock, azCount',
            ],
        );
        const [nested] = prodWith((c) => (c.ecs.worker.Stoped = true));
        assert.match(nested, /^egress-remediation:ecs\.worker has unknown key "Stoped" \(did you mean "stopped"\?\); allowed: image, cpu, /);
        const [far] = prodWith((c) => (c.ecs.worker.colour = "blue"));
        assert.match(far, /^egress-remediation:ecs\.worker has unknown key "colour"; allowed: /);
    });

    it("an unknown top-level key close to a known one", () => {
        const problems = prodWith((c) => {
            c.appRuner = c.appRunner;
            delete c.appRunner;
        });
        assert.ok(
            problems.includes(
                "egress-remediation:appRuner is not a known key (did you mean egress-remediation:appRunner?); allowed: appRunner, ecs, tags, unverified, secretValues",
            ),
            problems.join("\n"),
        );
    });

    it("a key under a misspelt namespace, which Pulumi would hand to no program", () => {
        assert.deepStrictEqual(
            namespaceProblems(["egress-remediaton:appRunner", "aws:region", "egress-remediation:ecs", "awsx:x", "mycorp:team"], "egress-remediation"),
            ['egress-remediaton:appRunner is under the unknown namespace "egress-remediaton"; did you mean egress-remediation:appRunner?'],
        );
        assert.deepStrictEqual(namespaceProblems(["Egress-Remediation:ecs"], "egress-remediation").length, 1);
        assert.strictEqual(closest("aws", ["egress-remediation"]), undefined);
    });

    it("a stack with every part disabled manages nothing: refused", () => {
        const dev = projectConfig(stackFileConfig("dev")) as Record<string, any>;
        Object.assign(dev.appRunner, { enabled: false, decommission: true });
        Object.assign(dev.ecs, { enabled: false, decommission: true });
        const result = validateStackConfig(dev);
        assert.deepStrictEqual(result.ok ? [] : result.problems, [
            "egress-remediation:appRunner and egress-remediation:ecs are both missing or disabled (enabled: false): the stack would manage nothing; enable at least one (to retire a decommissioned stack, run `pulumi destroy`: what decommission retained stays in AWS)",
        ]);
        dev.appRunner.enabled = true;
        assert.ok(validateStackConfig(dev).ok);
    });

    it("Fargate cpu/memory pairs AWS does not offer, per the ECS table", () => {
        assert.deepStrictEqual(
            prodWith((c) => {
                c.ecs.api.cpu = 512;
                c.ecs.api.memory = 8192;
            }),
            ["egress-remediation:ecs.api.memory is not a Fargate size with cpu 512: AWS offers memory 1024, 2048, 3072 or 4096 MiB; got 8192"],
        );
        const [worker] = prodWith((c) => {
            c.ecs.worker.cpu = 8192;
            c.ecs.worker.memory = 18432;
        });
        assert.strictEqual(
            worker,
            "egress-remediation:ecs.worker.memory is not a Fargate size with cpu 8192: AWS offers memory 16384–61440 in steps of 4096 MiB; got 18432",
        );
        for (const [cpu, memory] of [
            [256, 512],
            [256, 2048],
            [1024, 8192],
            [2048, 16384],
            [4096, 30720],
            [8192, 20480],
            [16384, 122880],
        ])
            assert.strictEqual(fargateMemoryProblem(cpu, memory), undefined, `${cpu}/${memory}`);
        for (const [cpu, memory] of [
            [256, 1536],
            [256, 4096],
            [512, 512],
            [1024, 9216],
            [2048, 3072],
            [4096, 31744],
            [16384, 36864],
        ])
            assert.ok(fargateMemoryProblem(cpu, memory), `${cpu}/${memory}`);
    });

    it("the same subnet listed twice (it would make two resources with one name)", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.network.connectorSubnetIds = ["subnet-0c3e9b306737c3fb2", "subnet-0c3e9b306737c3fb2"])),
            [
                'egress-remediation:appRunner.network.connectorSubnetIds.1 repeats subnet-0c3e9b306737c3fb2 (already item 0); list each subnet once; got "subnet-0c3e9b306737c3fb2"',
            ],
        );
        const [ecs] = prodWith((c) => (c.ecs.subnetIds = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"]));
        assert.match(ecs, /^egress-remediation:ecs\.subnetIds\.2 repeats subnet-0aaaaaaaaaaaaaaaa \(already item 0\)/);
    });

    it("a CIDR without a prefix length", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.dataStores.cidrSources = { vpn: "10.8.0.0" })),
            [
                'egress-remediation:appRunner.dataStores.cidrSources.vpn must give a prefix length, such as 10.8.0.0/16 (a bare address is not a CIDR); got "10.8.0.0"',
            ],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.dataStores.cidrSources = { vpn: "10.8.0.0/16", office: "2001:db8::/48" })),
            [],
        );
    });

    it("an unquoted account id: say to quote it, with the digits YAML dropped", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.account.id = 905418046272)),
            ['egress-remediation:ecs.account.id must be a quoted string of 12 digits: write id: "905418046272"'],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.account.id = 12345678901)),
            [
                'egress-remediation:appRunner.account.id must be a quoted string of 12 digits: write id: "012345678901" (read as the number 12345678901: the leading zeros were lost)',
            ],
        );
    });
});
