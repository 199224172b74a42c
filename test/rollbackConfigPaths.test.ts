import * as assert from "assert";
import { changedPaths } from "../tools/rollback/configPaths";

/** What the rollback preview prints for a changed key: the paths that differ, never a secret's. */
describe("rollback config diff: changed paths", () => {
    const entry = (value: unknown, secret = false) => ({ value: typeof value === "string" ? value : JSON.stringify(value), secret });

    it("names each differing leaf of an object, added and removed ones too, and nothing that is equal", () => {
        const from = entry({ stage: "harden", api: { image: "a:1", cpu: 256 }, subnetIds: ["s-1", "s-2"], gone: true });
        const to = entry({ stage: "adopt", api: { image: "a:1", cpu: 256, memory: 512 }, subnetIds: ["s-1", "s-3"] });
        assert.deepStrictEqual(changedPaths("p:ecs", from, to), [
            { path: "p:ecs.api.memory", from: undefined, to: "512" },
            { path: "p:ecs.gone", from: "true", to: undefined },
            { path: "p:ecs.stage", from: '"harden"', to: '"adopt"' },
            { path: "p:ecs.subnetIds[1]", from: '"s-2"', to: '"s-3"' },
        ]);
    });

    it("a list that changed length is one change; plain values and secrets are left to the caller", () => {
        assert.deepStrictEqual(changedPaths("k", entry({ l: [1] }), entry({ l: [1, 2] })), [{ path: "k.l", from: "[1]", to: "[1,2]" }]);
        assert.strictEqual(changedPaths("k", entry("old"), entry("new")), undefined);
        assert.strictEqual(changedPaths("k", entry({ a: 1 }, true), entry({ a: 2 })), undefined);
        assert.strictEqual(changedPaths("k", entry({ a: 1 }), entry({ a: 2 }, true)), undefined);
    });
});
