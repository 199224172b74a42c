import * as assert from "assert";
import {
    describe as describeUpdate,
    diffConfig,
    numberVersions,
    planRollback,
    rollbackMessage,
    RollbackRefused,
    sameValue,
} from "../tools/rollback/planRollback";
import { UpdateRecord } from "../tools/rollback/stackOperations";
import { updateRecord } from "./fakeStack";

/**
 * planRollback and the config diff on recorded histories, in-process: which update is chosen, and
 * that every refusal names its reason. No git repository, no CLI.
 */
const GOOD = "1111111111111111111111111111111111111111";
const OLDER = "2222222222222222222222222222222222222222";
const BAD = "3333333333333333333333333333333333333333";

function refusal(history: readonly UpdateRecord[], options: { to?: number; configKey?: string } = {}): string {
    try {
        planRollback(history, options);
    } catch (error) {
        assert.ok(error instanceof RollbackRefused, `expected a refusal, got ${(error as Error).stack}`);
        return error.message;
    }
    return assert.fail("the rollback was not refused");
}

describe("rollback plan: which update is chosen", () => {
    it("the newest succeeded update before the current one, whatever order history arrives in", () => {
        const history = [
            updateRecord(2, { commit: OLDER }),
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(1, { commit: OLDER }),
            updateRecord(3, { commit: GOOD }),
        ];
        const plan = planRollback(history, {});
        assert.strictEqual(plan.current.version, 4);
        assert.strictEqual(plan.target.version, 3);
        assert.strictEqual(plan.targetCommit, GOOD);
        assert.strictEqual(plan.currentCommit, BAD);
    });

    it("one part's rollback: the newest good update whose config of that part differs, skipping the other part's updates", () => {
        const part = (value: string) => ({ "egress-remediation:ecs": { value, secret: false } });
        const history = [
            updateRecord(5, { commit: BAD, config: part('{"stage":"harden"}') }),
            updateRecord(4, { commit: GOOD, config: part('{"stage": "harden"}') }), // only App Runner changed here
            updateRecord(3, { commit: OLDER, config: part('{"stage":"adopt"}') }),
        ];
        assert.strictEqual(planRollback(history, {}).target.version, 4);
        assert.strictEqual(planRollback(history, { configKey: "egress-remediation:ecs" }).target.version, 3);
        assert.match(
            refusal(history.slice(0, 2), { configKey: "egress-remediation:ecs" }),
            /^no succeeded update before update 5 .* has a different egress-remediation:ecs; nothing to roll back to$/,
        );
    });

    it("a whole-stack rollback skips the other part's update of the same commit and config (CI runs one per part)", () => {
        const config = { "egress-remediation:ecs": { value: '{"stage":"harden"}', secret: false } };
        const history = [
            updateRecord(6, { commit: BAD, config }), // part ecs
            updateRecord(5, { commit: BAD, config }), // part appRunner, same commit and config: the same program
            updateRecord(4, { commit: GOOD, config }),
            updateRecord(3, { commit: GOOD, config }),
        ];
        assert.strictEqual(planRollback(history, {}).target.version, 4);
        const changedConfig = { "egress-remediation:ecs": { value: '{"stage":"adopt"}', secret: false } };
        assert.strictEqual(planRollback([history[0], updateRecord(5, { commit: BAD, config: changedConfig }), ...history.slice(2)], {}).target.version, 5);
        // From a failed update the last good one is the way back, even when it ran the same program.
        assert.strictEqual(planRollback([updateRecord(6, { commit: BAD, config, result: "failed" }), ...history.slice(1)], {}).target.version, 5);
    });

    it("an interrupted rollback resumes towards its own target, not to the release it was rolling back", () => {
        const interrupted = (part?: string) => updateRecord(7, { commit: GOOD, result: "failed", message: rollbackMessage("prod", 4, GOOD, part) });
        const history = [updateRecord(6, { commit: BAD }), updateRecord(5, { commit: OLDER }), updateRecord(4, { commit: GOOD })];
        assert.strictEqual(planRollback([interrupted(), ...history], {}).target.version, 4);
        assert.strictEqual(planRollback([interrupted("ecs"), ...history], { configKey: "egress-remediation:ecs" }).target.version, 4);
        // Another part's interrupted rollback, or a whole-stack one resumed by a part, is no resume: the usual choice applies.
        assert.strictEqual(planRollback([interrupted("appRunner"), ...history], {}).target.version, 6);
        // A rollback that finished is no resume either: rolling it back undoes it.
        const finished = updateRecord(7, { commit: GOOD, message: rollbackMessage("prod", 4, GOOD) });
        assert.strictEqual(planRollback([finished, ...history], {}).target.version, 6);
    });

    it("never the current update, even when it succeeded; skips failed updates and other kinds", () => {
        const history = [
            updateRecord(6, { commit: BAD }),
            updateRecord(5, { kind: "refresh", commit: BAD }),
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(3, { commit: GOOD }),
        ];
        const plan = planRollback(history, {});
        assert.strictEqual(plan.current.version, 6);
        assert.strictEqual(plan.target.version, 3);
    });

    it("the current update is the newest update, not the newest entry of another kind", () => {
        const history = [updateRecord(5, { kind: "refresh", commit: BAD }), updateRecord(4, { commit: BAD }), updateRecord(3, { commit: GOOD })];
        const plan = planRollback(history, {});
        assert.strictEqual(plan.current.version, 4);
        assert.strictEqual(plan.target.version, 3);
    });

    it("with `to`, that update, and no current commit when the current update recorded none", () => {
        const history = [updateRecord(4, { result: "failed" }), updateRecord(3, { commit: GOOD }), updateRecord(2, { commit: OLDER })];
        const plan = planRollback(history, { to: 2 });
        assert.strictEqual(plan.target.version, 2);
        assert.strictEqual(plan.targetCommit, OLDER);
        assert.strictEqual(plan.current.version, 4);
        assert.strictEqual(plan.currentCommit, undefined);
        const bare = planRollback([{ ...history[0], environment: undefined }, ...history.slice(1)], {});
        assert.strictEqual(bare.target.version, 3);
        assert.strictEqual(bare.currentCommit, undefined);
    });

    it("a preview that never finished does not block a rollback; an unfinished refresh or update does", () => {
        const history = [
            updateRecord(5, { kind: "preview", result: "in-progress" }),
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(3, { commit: GOOD }),
        ];
        assert.strictEqual(planRollback(history, {}).target.version, 3);
        for (const kind of ["refresh", "update", "destroy"]) {
            for (const result of ["in-progress", "not-started"]) {
                const blocked = [updateRecord(5, { kind, result }), ...history.slice(1)];
                assert.match(
                    refusal(blocked),
                    new RegExp(
                        `^update 5 \\(${kind}, ${result}, 2026-01-23T06:05:00\\.000Z\\) has not finished; wait for it \\(or run \`pulumi cancel\`\\) before rolling back$`,
                    ),
                );
            }
        }
    });

    it("an unfinished entry anywhere in history refuses, not only the newest", () => {
        const history = [
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(3, { commit: GOOD, result: "not-started" }),
            updateRecord(2, { commit: GOOD }),
        ];
        assert.match(refusal(history), /^update 3 \(update, not-started, .*\) has not finished/);
        assert.match(refusal(history, { to: 2 }), /^update 3 \(update, not-started, .*\) has not finished/);
    });
});

describe("rollback plan: refusals name their reason", () => {
    it("no updates at all", () => {
        assert.strictEqual(refusal([]), "the stack has no updates in its history; there is nothing to roll back to");
        assert.strictEqual(
            refusal([updateRecord(1, { kind: "refresh", commit: GOOD })]),
            "the stack has no updates in its history; there is nothing to roll back to",
        );
    });

    it("nothing succeeded before the current update", () => {
        const history = [updateRecord(3, { commit: BAD }), updateRecord(2, { commit: GOOD, result: "failed" })];
        assert.strictEqual(
            refusal(history),
            "no succeeded update before update 3 (update, succeeded, 2026-01-23T06:03:00.000Z) ran a different commit or config; nothing to roll back to (choose one with --to)",
        );
        // Only a later version counts as "after": an update numbered above the current one is not there to be chosen.
        assert.match(refusal([updateRecord(3, { commit: BAD, result: "failed" })]), /^no succeeded update before update 3/);
    });

    it("`to` not in history lists the updates newest first", () => {
        const history = [
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(3, { kind: "refresh" }),
            updateRecord(2, { commit: GOOD }),
            updateRecord(1, { commit: OLDER }),
        ];
        assert.strictEqual(refusal(history, { to: 7 }), "update 7 is not in the stack's history; updates: 4, 2, 1");
    });

    it("`to` that failed or is not an update lists the succeeded ones, never the current", () => {
        const history = [
            updateRecord(5, { commit: BAD }),
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(3, { kind: "refresh", commit: GOOD }),
            updateRecord(2, { commit: GOOD }),
            updateRecord(1, { commit: OLDER }),
        ];
        assert.strictEqual(refusal(history, { to: 4 }), "update 4 (update, failed, 2026-01-23T06:04:00.000Z) is not a succeeded update; choose one of: 2, 1");
        assert.strictEqual(
            refusal(history, { to: 3 }),
            "update 3 (refresh, succeeded, 2026-01-23T06:03:00.000Z) is not a succeeded update; choose one of: 2, 1",
        );
        assert.strictEqual(refusal(history, { to: 5 }), "update 5 is the current state; choose an earlier one");
        const onlyFailures = [updateRecord(2, { commit: BAD, result: "failed" }), updateRecord(1, { commit: GOOD, result: "failed" })];
        assert.strictEqual(
            refusal(onlyFailures, { to: 1 }),
            "update 1 (update, failed, 2026-01-23T06:01:00.000Z) is not a succeeded update; choose one of: none",
        );
    });

    it("a target without a recorded commit", () => {
        const history = [updateRecord(4, { commit: BAD, result: "failed" }), updateRecord(3, {})];
        assert.strictEqual(
            refusal(history),
            "update 3 records no git commit, so the program it ran cannot be recovered; choose an update that ran from a git checkout with --to",
        );
        assert.match(refusal([history[0], { ...history[1], environment: undefined }]), /^update 3 records no git commit/);
    });

    it("a target that ran from uncommitted changes, listing the other succeeded updates", () => {
        const history = [
            updateRecord(4, { commit: BAD, result: "failed" }),
            updateRecord(3, { commit: GOOD, dirty: true }),
            updateRecord(2, { commit: OLDER }),
        ];
        assert.strictEqual(
            refusal(history),
            `update 3 ran from commit ${GOOD} with uncommitted changes, so that commit is not the program it ran; choose another update with --to (succeeded: 3, 2)`,
        );
        assert.strictEqual(planRollback(history, { to: 2 }).targetCommit, OLDER);
    });
});

describe("rollback plan: history numbering and update descriptions", () => {
    it("numbers an all-zero (file backend) history from the oldest and leaves a numbered one as it is", () => {
        assert.deepStrictEqual(numberVersions([]), []);
        const diy = [updateRecord(0, { message: "newest" }), updateRecord(0, { message: "oldest" })];
        assert.deepStrictEqual(
            numberVersions(diy).map((h) => [h.version, h.message]),
            [
                [2, "newest"],
                [1, "oldest"],
            ],
        );
        assert.strictEqual(diy[0].version, 0, "the input is not modified");
        const mixed = [updateRecord(0, {}), updateRecord(7, {})];
        assert.deepStrictEqual(
            numberVersions(mixed).map((h) => h.version),
            [0, 7],
        );
    });

    it("describes an update by version, kind, result and start time in UTC", () => {
        assert.strictEqual(
            describeUpdate({ version: 9, kind: "refresh", result: "failed", startTime: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), config: {} }),
            "update 9 (refresh, failed, 2026-01-02T03:04:05.000Z)",
        );
    });
});

describe("config comparison", () => {
    it("reports added, removed and changed keys in key order, secrets masked on both sides", () => {
        const from = { b: { value: "1" }, c: { value: "old", secret: true }, a: { value: "gone" } };
        const to = { b: { value: "2" }, c: { value: "new", secret: true }, d: { value: "s", secret: true }, e: { value: "plain" } };
        assert.deepStrictEqual(diffConfig(from, to), [
            { key: "a", change: "removed", from: "gone" },
            { key: "b", change: "changed", from: "1", to: "2" },
            { key: "c", change: "changed", from: "[secret]", to: "[secret]" },
            { key: "d", change: "added", to: "[secret]" },
            { key: "e", change: "added", to: "plain" },
        ]);
        assert.deepStrictEqual(diffConfig({ k: { value: "same", secret: true } }, { k: { value: "same", secret: true } }), []);
        assert.deepStrictEqual(diffConfig({ k: { value: "x", secret: true } }, {}), [{ key: "k", change: "removed", from: "[secret]" }]);
    });

    it("a value becoming secret, or no longer secret, is a change", () => {
        assert.strictEqual(sameValue({ value: "1" }, { value: "1", secret: true }), false);
        assert.strictEqual(sameValue({ value: "1", secret: true }, { value: "1" }), false);
        assert.strictEqual(sameValue({ value: "1", secret: false }, { value: "1" }), true);
    });

    it("two JSON spellings of one value are the same; a different order of an array, a nested value or a type is not", () => {
        assert.strictEqual(sameValue({ value: '{"a":{"y":1,"x":[1,{"q":2,"p":3}]}}' }, { value: '{ "a": { "x": [1, { "p": 3, "q": 2 }], "y": 1 } }' }), true);
        assert.strictEqual(sameValue({ value: "[1,2]" }, { value: "[2,1]" }), false);
        assert.strictEqual(sameValue({ value: "[1,23]" }, { value: "[12,3]" }), false);
        assert.strictEqual(sameValue({ value: "[1,2]" }, { value: '{"0":1,"1":2}' }), false);
        assert.strictEqual(sameValue({ value: '{"a":{"b":1}}' }, { value: '{"a":{"b":2}}' }), false);
        assert.strictEqual(sameValue({ value: '{"a":"1"}' }, { value: '{"a":1}' }), false);
        assert.strictEqual(sameValue({ value: '{"a":[1]}' }, { value: '{"a":[1,1]}' }), false);
        assert.strictEqual(sameValue({ value: '{"a":1,"b":2}' }, { value: '{"a":1,"c":2}' }), false);
        assert.strictEqual(sameValue({ value: "null" }, { value: " null" }), true);
        assert.strictEqual(sameValue({ value: "not json" }, { value: "not  json" }), false);
    });
});
