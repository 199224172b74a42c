import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made: string[] = [];

/** A new folder (under the system's temporary one by default), removed once the test file that made it has run. */
export function tempDir(prefix: string, parent = os.tmpdir()): string {
    const dir = fs.mkdtempSync(path.join(parent, prefix));
    made.push(dir);
    return dir;
}

/** A root hook (listed in mocha's `require`): in parallel mode root hooks run once per test file. */
export const mochaHooks = {
    afterAll(): void {
        for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
};
