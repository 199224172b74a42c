import * as assert from "assert";
import * as fc from "fast-check";
import { looksSecret } from "../tools/discover/secretLooking";
import { validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

describe("discover: secret-looking variables", () => {
    it("flags names with a secret word as a whole part", () => {
        for (const name of [
            "TWILIO_AUTH_TOKEN",
            "JWT_SECRET",
            "STRIPE_SECRET_KEY",
            "HUBSPOT_API_KEY",
            "SMTP_PASSWORD",
            "SENTRY_DSN",
            "DB_PASS",
            "GCP_CREDENTIALS",
            "PRIVATE_KEY_PEM",
            "DATABASE_URL",
            "REDIS_URL",
        ]) {
            assert.strictEqual(looksSecret(name, "x"), true, name);
        }
    });

    it("leaves names whose parts only contain a secret word", () => {
        for (const name of ["KEYBOARD_LAYOUT", "PASSENGER_LIMIT", "MONKEY_MODE", "LOG_LEVEL", "ENV", "PUBLIC_BASE_URL", "SMTP_HOST"])
            assert.strictEqual(looksSecret(name, "short"), false, name);
    });

    it("flags values that carry credentials, known token shapes and long random strings", () => {
        const secretValues = [
            "postgresql+psycopg2://nerava_admin:hunter2@nerava-db.c27i820wot9o.us-east-1.rds.amazonaws.com:5432/nerava",
            "AKIAIOSFODNN7EXAMPLE",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "xoxb-263594206564-FGqddMF8t08v8N7Oq4i57vs1",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "q8Zr3Lx0Vw7Tn2Kb5Yd9Pm4Hs6Jc1Fg",
        ];
        for (const value of secretValues) assert.strictEqual(looksSecret("SETTING", value), true, value);
    });

    it("leaves ordinary values plain: URLs without a password, host names, lists, numbers", () => {
        for (const value of [
            "redis://nerava-redis.yagp9v.ng.0001.use1.cache.amazonaws.com:6379/0",
            "https://api.nerava.network",
            "email-smtp.us-east-1.amazonaws.com",
            "https://app.nerava.network,https://nerava.network",
            "twilio_verify",
            "120",
        ]) {
            assert.strictEqual(looksSecret("SETTING", value), false, value);
        }
    });

    it("flags every env name the stack schema refuses, so discover never writes a file the program rejects", () => {
        const base = stackFileConfig("prod") as Record<string, any>;
        const words = fc.constantFrom("SECRET", "TOKEN", "PASSWORD", "DATABASE", "REDIS", "URL", "API", "MY", "DB", "APP", "WORD", "PASS", "X1");
        const names = fc.tuple(fc.array(words, { minLength: 1, maxLength: 4 }), fc.constantFrom("", "_")).map(([parts, sep]) => parts.join(sep));
        fc.assert(
            fc.property(names, (name) => {
                const config = structuredClone(base);
                config["egress-remediation:appRunner"].service.env = { [name]: "plain" };
                config["egress-remediation:appRunner"].service.secrets = {};
                const result = validateStackConfig(projectConfig(config));
                const refused = !result.ok && result.problems.some((p) => p.includes(`env.${name} looks like a secret`));
                return !refused || looksSecret(name, "plain");
            }),
            { numRuns: 300 },
        );
        // The property is not vacuous: the schema does refuse names of this shape.
        const config = structuredClone(base);
        config["egress-remediation:appRunner"].service.secrets = {};
        config["egress-remediation:appRunner"].service.env = { TWILIO_AUTH_TOKEN: "plain" };
        assert.strictEqual(validateStackConfig(projectConfig(config)).ok, false);
    });
});
