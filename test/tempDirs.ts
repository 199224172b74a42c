import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made: string[] = [];

/**
 * A new folder (under the system's temporary one by default), removed after the test file that made it
 * has run (in a parallel run; in a serial one, such as Stryker's, after the whole run).
 */
export function tempDir(prefix: string, parent = os.tmpdir()): string {
    const dir = fs.mkdtempSync(path.join(parent, prefix));
    made.push(dir);
    return dir;
}

/** A file `name` holding `text`, alone in a new temporary folder. */
export function tempFile(name: string, text: string): string {
    const file = path.join(tempDir("file-"), name);
    fs.writeFileSync(file, text);
    return file;
}

/** A root hook (listed in mocha's `require`): mocha runs root hooks once per file in parallel mode, once per run otherwise. */
export const mochaHooks = {
    afterAll(): void {
        for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
};
