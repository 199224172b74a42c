import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALL_LIVE_PROPERTIES } from "../components/liveProperties";

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
