import * as assert from "assert";
import { z } from "zod";
import { decommissionProblem, unverifiedKeyProblem } from "../config/adoption";
import { cidrWithPrefix } from "../config/fields";
import { findPlaceholders } from "../config/placeholders";

const part = (more: { enabled?: boolean; decommission?: boolean } = {}) => ({ enabled: more.enabled ?? false, decommission: more.decommission ?? false });

/** The messages zod reports for a value, with their paths. */
function issues(schema: z.ZodType, value: unknown): [string, string][] {
    const parsed = schema.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join("."), i.message]);
}

describe("config rules", () => {
    it("refuses disabling a part without decommission, whatever it adopted (the adopt keys may be gone after the imports)", () => {
        assert.strictEqual(
            decommissionProblem("ecs", part()),
            "is false without ecs.decommission: true; switching a part off deletes what it built and fails on what it protects. To stop managing it, first set ecs.decommission: true and run `pulumi up` (it lifts protection and keeps every resource in AWS on delete), then disable; a part this stack never deployed may be disabled with decommission: true at once",
        );
        assert.strictEqual(decommissionProblem("ecs", part({ enabled: true })), undefined);
        assert.strictEqual(decommissionProblem("ecs", part({ decommission: true })), undefined);
    });

    it("an unverified key must have a parent object in the stack, however the path breaks off", () => {
        const config = { appRunner: { adopt: { rules: {} }, name: "x", gone: null } };
        assert.strictEqual(unverifiedKeyProblem(config, "appRunner.adopt.rules.connector"), undefined);
        assert.strictEqual(unverifiedKeyProblem(config, "appRunner.name.length"), "names appRunner.name.length, but appRunner.name is not set in this stack");
        assert.strictEqual(unverifiedKeyProblem(config, "appRunner.gone.a"), "names appRunner.gone.a, but appRunner.gone is not set in this stack");
        assert.strictEqual(unverifiedKeyProblem(config, "appRunner.gone.a.b"), "names appRunner.gone.a.b, but appRunner.gone.a is not set in this stack");
        assert.strictEqual(unverifiedKeyProblem(config, "ecs.api.image"), "names ecs.api.image, but ecs.api is not set in this stack");
    });

    it("finds placeholders at their dotted paths, past nulls, numbers and booleans", () => {
        const config = {
            ecs: { subnetIds: ["subnet-00000000000000000", "subnet-0abc"], desired: 2, on: true, none: null },
            image: `a@sha256:${"0".repeat(64)}`,
        };
        assert.deepStrictEqual(findPlaceholders(config), ["ecs.subnetIds.0", "image"]);
        assert.deepStrictEqual(findPlaceholders(null), []);
        assert.deepStrictEqual(findPlaceholders({ unset: undefined }), []);
    });

    it("a CIDR must parse, be of the required family and state its prefix length", () => {
        assert.deepStrictEqual(issues(cidrWithPrefix(), "fd00::/8"), []);
        assert.deepStrictEqual(issues(cidrWithPrefix("ipv4"), "10.40.0.0/16"), []);
        assert.deepStrictEqual(issues(cidrWithPrefix("ipv4"), "fd00::/8"), [["", "must be an IPv4 CIDR such as 10.40.0.0/16"]]);
        assert.deepStrictEqual(issues(cidrWithPrefix(), "10.40.0.0/33"), [["", "must be an IPv4 or IPv6 CIDR such as 10.40.0.0/16"]]);
        assert.deepStrictEqual(issues(cidrWithPrefix(), " 10.40.0.0 "), [
            ["", "must give a prefix length, such as 10.40.0.0/16 (a bare address is not a CIDR)"],
        ]);
    });
});
