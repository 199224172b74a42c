import * as assert from "assert";
import { evaluatePolicies } from "../tools/offline/evaluatePolicies";
import { TYPES } from "../policies/lib/resourceTypes";
import { PART_VARIABLE, untargetedAndUncreated } from "../policies/lib/untargeted";
import { PART_VARIABLE as PROGRAM_PART_VARIABLE } from "../config/stages";
import { policies } from "../policies/all";
import { resource, violationsOf } from "./policyResources";

/**
 * One part's targeted update hands the pack the other part's never-created resources with no
 * properties at all (the engine stubs their Check with the old inputs, none): the pack leaves them
 * to that part's own update, and still judges every resource that has properties. Outside a part's
 * update, a resource with no properties is judged like any other.
 */
describe("policies on one part's targeted update: the other part's resources not yet created", () => {
    const ecsPolicy = policies.find((p) => p.name === "ecs-circuit-breaker-rolls-back")!;
    const judge = (props: Record<string, unknown>, environment: NodeJS.ProcessEnv) => {
        const reports: string[] = [];
        const saved = process.env[PART_VARIABLE];
        Object.assign(process.env, environment);
        try {
            const args = {
                type: TYPES.ecsService,
                props,
                urn: "urn:pulumi:prod::p::aws:ecs/service:Service::workloads-worker",
                name: "workloads-worker",
                getConfig: () => ({}),
            };
            for (const validate of [(ecsPolicy as { validateResource: unknown }).validateResource].flat() as ((a: unknown, r: (m: string) => void) => void)[])
                validate(args, (message) => reports.push(message));
        } finally {
            if (saved === undefined) delete process.env[PART_VARIABLE];
            else process.env[PART_VARIABLE] = saved;
        }
        return reports;
    };

    it("reads the same variable the program reads", () => assert.strictEqual(PART_VARIABLE, PROGRAM_PART_VARIABLE));

    it("skips a resource with no properties only during a part's update", () => {
        assert.deepStrictEqual(judge({}, { [PART_VARIABLE]: "appRunner" }), []);
        assert.strictEqual(judge({}, {}).length, 1);
        assert.strictEqual(judge({ cluster: "c", taskDefinition: "td:1" }, { [PART_VARIABLE]: "appRunner" }).length, 1);
        assert.strictEqual(untargetedAndUncreated(undefined, { [PART_VARIABLE]: "ecs" }), true);
        assert.strictEqual(untargetedAndUncreated({ name: "x" }, { [PART_VARIABLE]: "ecs" }), false);
    });

    it("offline (plan, check) judges every resource, whatever the environment says", () => {
        process.env[PART_VARIABLE] = "appRunner";
        try {
            assert.strictEqual(violationsOf([resource(TYPES.ecsService, {})], "ecs-circuit-breaker-rolls-back").length, 1);
            const empty = [TYPES.securityGroup, TYPES.logGroup].map((type) => resource(type, {}));
            assert.strictEqual(evaluatePolicies(empty).violations.length, 1, "a log group with no inputs keeps logs forever");
            assert.strictEqual(process.env[PART_VARIABLE], "appRunner", "the caller's environment is given back");
        } finally {
            delete process.env[PART_VARIABLE];
        }
    });
});
