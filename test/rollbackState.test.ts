import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gzipSync } from "zlib";
import { fileBackendCheckpoint, fileBackendDir } from "../tools/rollback/diyCheckpoints";
import { Interrupts } from "../tools/rollback/interrupts";
import { RollbackRefused } from "../tools/rollback/planRollback";
import { diffStates } from "../tools/rollback/stateDiff";
import { runStateRestore } from "../tools/rollback/stateRestore";
import { Deployment, StateResource } from "../tools/rollback/stackOperations";
import { deployment, FakeStack, updateRecord } from "./fakeStack";

const urn = (type: string, name: string) => `urn:pulumi:prod::egress-remediation::${type}::${name}`;
const secret = (ciphertext: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext });
const nat: StateResource = {
    urn: urn("aws:ec2/natGateway:NatGateway", "egress-nat"),
    type: "aws:ec2/natGateway:NatGateway",
    id: "nat-0a1",
    inputs: { subnetId: "subnet-09f0b6b22836f635b" },
    outputs: { id: "nat-0a1" },
};
const route: StateResource = {
    urn: urn("aws:ec2/route:Route", "egress-route"),
    type: "aws:ec2/route:Route",
    id: "r-1",
    inputs: { natGatewayId: "nat-0a1" },
    outputs: {},
};
const service = (image: string, token: string): StateResource => ({
    urn: urn("aws:apprunner/service:Service", "app"),
    type: "aws:apprunner/service:Service",
    id: "arn:app",
    inputs: { image, token: secret(token) },
    outputs: { image },
});

/** Update 5 was a refresh under the wrong credentials: it dropped the NAT and route from state. */
function stackAfterBadRefresh(): FakeStack {
    const stack = new FakeStack([updateRecord(5, { kind: "refresh" }), updateRecord(4, {}), updateRecord(3, {})]);
    stack.checkpoints.set(4, deployment([nat, route, service("app:v19", "CIPHER-ONE")]));
    stack.state = deployment([service("app:v20", "CIPHER-TWO"), { urn: urn("aws:s3/bucket:Bucket", "logs"), type: "aws:s3/bucket:Bucket", id: "logs" }]);
    return stack;
}

describe("rollback --state <version>", () => {
    let project: string;
    let backups: string;
    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "state-project-"));
        backups = fs.mkdtempSync(path.join(os.tmpdir(), "state-backups-"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: egress-remediation\n");
        fs.writeFileSync(path.join(project, "Pulumi.prod.yaml"), "config: {}\n");
    });
    afterEach(() => {
        fs.rmSync(project, { recursive: true, force: true });
        fs.rmSync(backups, { recursive: true, force: true });
    });

    async function restore(stack: FakeStack, version: number, yes = false) {
        const lines: string[] = [];
        const outcome = await runStateRestore(
            { stack: "prod", version, yes, projectDir: project, backupDir: backups, print: (l) => lines.push(l) },
            { open: stack.open, interrupts: new Interrupts(() => undefined) },
        );
        return { outcome, output: lines.join("\n") };
    }

    it("after a refresh, lists what a user would restore and only counts the resources whose outputs alone moved", async () => {
        const refreshed = (r: StateResource, n: number): StateResource => ({ ...r, outputs: { ...r.outputs, refreshedAt: n } });
        const stack = new FakeStack([updateRecord(5, { kind: "update" }), updateRecord(4, {})]);
        stack.checkpoints.set(4, deployment([nat, route, service("app:v19", "CIPHER-ONE")]));
        stack.state = deployment([refreshed(nat, 1), refreshed(route, 2)]);
        const { output } = await restore(stack, 4);
        const listed = output.split("\n").filter((line) => /^ {2}[+~-] /.test(line));
        assert.deepStrictEqual(listed, [`  + ${service("", "").urn}  (in update 4's checkpoint, missing now)`]);
        assert.match(
            output,
            /^ {2}2 more resource\(s\) differ only in outputs \(as after a refresh\); the import restores those too: egress-nat, egress-route$/m,
        );
    });

    it("shows what the prior checkpoint has that the state lacks or holds differently, and imports nothing without --yes", async () => {
        const stack = stackAfterBadRefresh();
        const { outcome, output } = await restore(stack, 4);
        assert.deepStrictEqual(outcome, { imported: false });
        assert.match(output, /\+ urn:.*::egress-nat {2}\(in update 4's checkpoint, missing now\)/);
        assert.match(output, /\+ urn:.*::egress-route/);
        assert.match(output, /~ urn:.*::app {2}\(inputs.image, outputs.image\)/);
        assert.match(output, /- urn:.*::logs {2}\(only in the current state: the import drops it from state; the cloud resource stays, unmanaged\)/);
        assert.doesNotMatch(output, /CIPHER/);
        assert.match(output, /Nothing was changed\. Re-run with --yes/);
        assert.strictEqual(stack.imported, undefined);
        assert.deepStrictEqual(fs.readdirSync(backups), []);
        assert.notStrictEqual(stack.workDir, project);
        assert.ok(!fs.existsSync(stack.workDir), "temporary workspace left behind");
    });

    it("with --yes saves the current state to a private file first, then imports the checkpoint", async () => {
        const stack = stackAfterBadRefresh();
        const before = structuredClone(stack.state);
        const { outcome, output } = await restore(stack, 4, true);
        assert.strictEqual(outcome.imported, true);
        assert.deepStrictEqual(stack.imported, stack.checkpoints.get(4));
        const [file] = fs.readdirSync(backups);
        assert.match(file, /^prod-state-before-restore-.*\.json$/);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(backups, file), "utf8")), before);
        assert.strictEqual(fs.statSync(path.join(backups, file)).mode & 0o777, 0o600);
        assert.match(output, /undo: pulumi stack import --stack prod --file .*prod-state-before-restore/);
        assert.match(output, /pulumi refresh --stack prod --preview-only/);
        assert.strictEqual(fs.readFileSync(path.join(project, "Pulumi.prod.yaml"), "utf8"), "config: {}\n");
    });

    it("restores the newest update's checkpoint when the state was edited after it (state edits record no update)", async () => {
        const stack = stackAfterBadRefresh();
        stack.checkpoints.set(5, deployment([nat, route, service("app:v20", "CIPHER-TWO")]));
        stack.state = deployment([route, service("app:v20", "CIPHER-THREE")]);
        const { outcome, output } = await restore(stack, 5, true);
        assert.strictEqual(outcome.imported, true);
        assert.match(output, /Update 5 is the newest update/);
        assert.match(output, /\+ urn:.*::egress-nat {2}\(in update 5's checkpoint, missing now\)/);
        assert.doesNotMatch(output, /::app /, "a re-encrypted secret is no difference");
        assert.deepStrictEqual(stack.imported, stack.checkpoints.get(5));
    });

    it("refuses an unknown version, an unfinished update, and a state that moved before the import", async () => {
        const refused = async (stack: FakeStack, version: number) =>
            restore(stack, version, true).then(
                () => assert.fail("not refused"),
                (e: Error) => (assert.ok(e instanceof RollbackRefused, e.stack), e.message),
            );
        assert.match(await refused(stackAfterBadRefresh(), 9), /update 9 is not in the stack's history; versions: 5, 4, 3/);
        const running = stackAfterBadRefresh();
        (running.records[0] as { result: string }).result = "in-progress";
        assert.match(await refused(running, 4), /has not finished/);

        const moving = stackAfterBadRefresh();
        let reads = 0;
        const exportState = moving.exportState.bind(moving);
        moving.exportState = async (update) => {
            if (!update && ++reads === 2) moving.state = deployment([]);
            return exportState(update);
        };
        assert.match(await refused(moving, 4), /the stack's state changed since it was read; nothing was imported/);
        assert.strictEqual(moving.imported, undefined);
        assert.deepStrictEqual(fs.readdirSync(backups), []);
    });

    it("says so when the checkpoint equals the current state", async () => {
        const stack = stackAfterBadRefresh();
        stack.state = structuredClone(stack.checkpoints.get(4)!);
        assert.match((await restore(stack, 4, true)).output, /equals the current state; nothing to import/);
        assert.strictEqual(stack.imported, undefined);
    });
});

describe("state diff", () => {
    it("ignores re-encrypted secrets but reports ids, protection and pending deletes", () => {
        const prior: Deployment = deployment([service("app:v19", "CIPHER-ONE"), nat]);
        const current: Deployment = deployment([service("app:v19", "c-other"), { ...nat, id: "nat-0b2", protect: true }, { ...route, delete: true }]);
        assert.deepStrictEqual(diffStates(prior, current), [
            { urn: nat.urn, change: "differs", fields: ["id", "protect"] },
            { urn: `${route.urn} (pending delete)`, change: "extra" },
        ]);
    });
});

describe("a file backend's checkpoints", () => {
    let backend: string;
    const historyDir = () => path.join(backend, ".pulumi", "history", "egress-remediation", "prod");
    beforeEach(() => {
        backend = fs.mkdtempSync(path.join(os.tmpdir(), "diy-backend-"));
        fs.mkdirSync(historyDir(), { recursive: true });
        // Written as the DIY backend writes them: one history file and one checkpoint copy per update.
        const write = (nanos: string, startTime: number, image: string, gz = false) => {
            const encode = (o: unknown) => (gz ? gzipSync(JSON.stringify(o)) : JSON.stringify(o));
            const ext = gz ? ".json.gz" : ".json";
            fs.writeFileSync(path.join(historyDir(), `prod-${nanos}.history${ext}`), encode({ kind: "update", startTime, result: "succeeded" }));
            fs.writeFileSync(
                path.join(historyDir(), `prod-${nanos}.checkpoint${ext}`),
                encode({
                    version: 3,
                    checkpoint: { stack: "organization/egress-remediation/prod", latest: { manifest: {}, resources: [service(image, "c")] } },
                }),
            );
        };
        write("1769148000000000000", 1769148000, "app:v18");
        write("1769151600000000000", 1769151600, "app:v19", true);
        write("999999999999999999", 1769140000, "app:v17"); // fewer digits: sorts first by number, not by name
    });
    afterEach(() => fs.rmSync(backend, { recursive: true, force: true }));

    it("finds version N as the N-th update from the oldest, compressed or not, as an importable deployment", () => {
        const first = fileBackendCheckpoint(backend, "egress-remediation", "prod", 1);
        assert.strictEqual(first.deployment.resources![0].inputs!.image, "app:v17");
        const third = fileBackendCheckpoint(backend, "egress-remediation", "prod", 3, 1769151600);
        assert.deepStrictEqual(Object.keys(third), ["version", "deployment"]);
        assert.strictEqual(third.deployment.resources![0].inputs!.image, "app:v19");
    });

    it("refuses a version it does not keep, or whose start time is not the update's", () => {
        assert.throws(() => fileBackendCheckpoint(backend, "egress-remediation", "prod", 4), /keeps 3 checkpoint\(s\) for stack prod; there is no version 4/);
        assert.throws(() => fileBackendCheckpoint(backend, "egress-remediation", "prod", 2, 1), /does not belong to update 2/);
        assert.throws(() => fileBackendCheckpoint(backend, "other", "dev", 1), /keeps no history for stack dev/);
    });

    it("reads the folder from a file:// backend URL only", () => {
        assert.strictEqual(fileBackendDir("file:///var/state"), "/var/state");
        assert.strictEqual(fileBackendDir("file://~"), os.homedir());
        assert.strictEqual(fileBackendDir("file://~/state"), path.join(os.homedir(), "state"));
        assert.strictEqual(fileBackendDir("s3://bucket"), undefined);
        assert.strictEqual(fileBackendDir("https://api.pulumi.com"), undefined);
    });
});
