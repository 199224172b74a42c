// Runs inside a copy of policies/ (cwd), loading it through the pack's own ts-node and tsconfig
// compilerOptions over ES2020/nodenext, as the Node host's run-policy-pack does. It only transpiles:
// the type-check under those options is part of npm test's (tsconfig.policies.json), so what this
// proves is that the copy resolves everything it needs from inside itself.
// Prints the violations the pack's policies report for the resources in argv[2] (JSON).
const fs = require("fs");
const path = require("path");

const fromPack = (name) => require(require.resolve(name, { paths: [process.cwd()] }));
const ts = fromPack("typescript");
const { config, error } = ts.parseConfigFileTextToJson("tsconfig.json", fs.readFileSync("tsconfig.json", "utf8"));
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
fromPack("ts-node").register({
    transpileOnly: true,
    skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...config.compilerOptions },
});

const { policies } = require(path.resolve("all.ts"));
const resources = JSON.parse(process.argv[2]);
const violations = [];
const defaults = (policy) => Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, s]) => [k, s.default]));
class NotApplicable extends Error {}
const notApplicable = () => {
    throw new NotApplicable();
};
for (const policy of policies) {
    const getConfig = () => defaults(policy);
    const report = (message) => violations.push({ policy: policy.name, message });
    if (policy.validateResource) {
        for (const r of resources) {
            try {
                policy.validateResource({ ...r, stackTags: new Map(), getConfig, notApplicable, isType: () => false, asType: () => undefined }, report);
            } catch (e) {
                if (!(e instanceof NotApplicable)) throw e;
            }
        }
    } else {
        const stack = resources.map((r) => ({ ...r, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined }));
        policy.validateStack({ resources: stack, stackTags: new Map(), getConfig, notApplicable }, report);
    }
}
process.stdout.write(JSON.stringify({ policyNames: policies.map((p) => p.name), violations }));
