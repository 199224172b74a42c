import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../tools/offline/stackFiles";

/** A `secure:` value is replaced wherever it sits, inside lists and maps of lists too, and its key is marked secret. */
describe("stack files: secure values inside lists", () => {
    it("replaces each one, keeps the plain items beside it, and never keeps a ciphertext", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
        try {
            fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: egress-remediation\nruntime: nodejs\n");
            fs.writeFileSync(
                path.join(root, "Pulumi.prod.yaml"),
                [
                    "config:",
                    "  egress-remediation:tokens:",
                    "    - plain",
                    "    - secure: v1:CIPHER-IN-LIST",
                    "  egress-remediation:nested:",
                    "    hooks:",
                    "      - url: https://example.com",
                    "        token:",
                    "          secure: v1:CIPHER-IN-MAP-IN-LIST",
                    "  egress-remediation:open: [a, b]",
                    "",
                ].join("\n"),
            );
            const file = readStackFile("prod", root);
            assert.deepStrictEqual(file.config["egress-remediation:tokens"], ["plain", "[secret]"]);
            assert.deepStrictEqual(file.config["egress-remediation:nested"], { hooks: [{ url: "https://example.com", token: "[secret]" }] });
            assert.deepStrictEqual(file.secretKeys.sort(), ["egress-remediation:nested", "egress-remediation:tokens"]);
            assert.ok(!JSON.stringify(file).includes("CIPHER"));
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
