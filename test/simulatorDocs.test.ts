import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { KNOWN_GAPS } from "../simulator/knownGaps";

/** docs/simulator.md says what the simulator models and where it differs: both claims checked against the code. */
describe("docs/simulator.md", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "simulator.md"), "utf8");

    it("lists exactly the gaps rehearse prints", () => {
        const section = doc.slice(doc.indexOf("## Where it still differs"));
        const listed = section
            .split("\n")
            .filter((line) => line.startsWith("- "))
            .map((line) => line.slice(2));
        assert.deepStrictEqual(listed, [...KNOWN_GAPS]);
    });

    it("cites, for every behaviour, tests that exist under those names", () => {
        const rows = doc.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Behaviour") && !line.startsWith("| ---"));
        assert.ok(rows.length >= 10, `${rows.length} rows`);
        for (const row of rows) {
            const cell = row.split(" | ").at(-1)!;
            const citations = [...cell.matchAll(/`(test\/[^`]+\.ts)`((?: "[^"]+",?)*)/g)];
            assert.ok(citations.length > 0, `no test cited: ${row.slice(0, 80)}`);
            for (const [, file, titles] of citations) {
                const source = fs.readFileSync(path.join(__dirname, "..", file), "utf8");
                for (const [, title] of titles.matchAll(/"([^"]+)"/g)) assert.ok(source.includes(title), `${file} has no test "${title}"`);
            }
        }
    });
});
