import * as assert from "assert";
import { Interrupts } from "../tools/rollback/interrupts";

describe("Interrupts", () => {
    it("forwards SIGTERM during up but not SIGINT, and forwards SIGINT outside up", async () => {
        const lines: string[] = [];
        const during = new Interrupts((l) => lines.push(l)).install();
        try {
            await during.duringUp(async () => {
                process.emit("SIGINT", "SIGINT");
                assert.strictEqual(during.signal.aborted, false);
                process.emit("SIGTERM", "SIGTERM");
                assert.strictEqual(during.signal.aborted, true);
            });
            assert.throws(() => during.check(), /interrupted by SIGINT/);
        } finally {
            during.uninstall();
        }
        const outside = new Interrupts(() => undefined).install();
        try {
            process.emit("SIGINT", "SIGINT");
            assert.strictEqual(outside.signal.aborted, true);
            assert.strictEqual(outside.interruption?.exitCode, 130);
        } finally {
            outside.uninstall();
        }
        assert.strictEqual(process.listenerCount("SIGINT"), 0);
    });
});
