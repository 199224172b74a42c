import { strict as assert } from "assert";
import { run } from "../tools/engine/sandbox";
import { compiledModule, REPO } from "./cli";

/** Runs a script in a fresh Node process (module loading is per process) with the compiled deferral at hand. */
async function inFreshNode(script: string): Promise<string> {
    const defer = JSON.stringify(compiledModule("tools/offline/deferUnusedModules"));
    const result = await run(process.execPath, ["-e", `const { deferUnusedModules } = require(${defer});\n${script}`], { cwd: REPO, env: process.env });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
}

const COUNT_LOADED = `const loaded = () => Object.keys(require.cache).filter((f) => /node_modules[\\\\/](typescript|@npmcli[\\\\/]arborist)[\\\\/]/.test(f)).length;`;

describe("deferUnusedModules (offline plan start-up)", function () {
    this.timeout(120_000);

    it("keeps @pulumi/pulumi from loading TypeScript and Arborist, which load once something uses them", async () => {
        const out = await inFreshNode(`${COUNT_LOADED}
deferUnusedModules();
const pulumi = require("@pulumi/pulumi");
const atStart = loaded();
pulumi.runtime.serializeFunction(function make() { class Sub extends Object { constructor() { super(); } } return new Sub(); })
    .then((serialized) => console.log(JSON.stringify({ atStart, afterUse: loaded(), serialized: serialized.text.includes("class Sub") })));`);
        assert.deepEqual(JSON.parse(out), { atStart: 0, afterUse: 1, serialized: true });
    });

    it("still throws at require for a module that is not installed, so a caller's fallback runs", async () => {
        const out = await inFreshNode(`deferUnusedModules(["no-such-module-anywhere"]);
try { require("no-such-module-anywhere"); console.log("deferred"); } catch (error) { console.log(error.code); }`);
        assert.equal(out, "MODULE_NOT_FOUND");
    });
});
