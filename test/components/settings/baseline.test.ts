import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildSettings } from "../../../components/settings/buildSettings";
import { problems } from "../../support/configProblems";
import { ConfigError } from "../../../components/settings/validate";
import { BaselineCase, digest, toRaw } from "./fixtures/corpus";
import { decode, encode } from "./fixtures/codec";

/**
 * The settings reader against the baseline recorded before settings became a schema (issue 14, fixtures/record.ts):
 * every stack file and every configuration the unit suite used must still give the same StackSettings (every value,
 * key order and `undefined` field) or the same ConfigError problems, word for word and in the same order.
 */

const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "baseline.json"), "utf8")) as BaselineCase[];

type Outcome = { readonly settings: ReturnType<typeof buildSettings> } | { readonly problems: readonly string[] };

function outcome(c: BaselineCase): Outcome {
    try {
        return { settings: buildSettings(toRaw(c)) };
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return { problems: error.problems };
    }
}

/** What differs from the recorded case, or undefined when nothing does. */
function difference(c: BaselineCase): string | undefined {
    const now = outcome(c);
    if (c.problems) {
        if ("problems" in now && JSON.stringify(now.problems) === JSON.stringify(c.problems)) return undefined;
        return `expected problems ${JSON.stringify(c.problems)}, got ${JSON.stringify("problems" in now ? now.problems : "settings")}`;
    }
    if ("problems" in now) return `expected settings, got problems ${JSON.stringify(now.problems)}`;
    return digest(now.settings) === c.settingsSha256 ? undefined : `settings differ: ${JSON.stringify(encode(now.settings))}`;
}

describe(`settings: the recorded baseline (${CASES.length} configurations)`, () => {
    for (const c of CASES.filter((k) => k.settings !== undefined)) {
        it(`${c.name}: the same StackSettings`, () => {
            const now = outcome(c);
            expect("settings" in now ? encode(now.settings) : now).to.deep.equal(c.settings);
            expect(decode(c.settings!)).to.deep.equal("settings" in now ? now.settings : undefined);
        });
    }

    it("every other configuration: the same settings, or the same problems in the same order", () => {
        const differing = CASES.filter((c) => c.settings === undefined).flatMap((c) => {
            const found = difference(c);
            return found ? [`${c.name}: ${found}`] : [];
        });
        expect(differing).to.deep.equal([]);
        expect(CASES.filter((c) => c.problems).length, "problem lists in the corpus").to.be.greaterThan(150);
    });
});

describe("settings: what the differential run against the reader before the schema found (fixtures/differential.ts)", () => {
    it("names `backup.offsite`'s keys in the order its messages always have", () => {
        expect(problems({ backup: { offsite: true }, tls: { caValidityDays: [] } }, ["backupS3AccessKeyId"]).slice(0, 2)).to.deep.equal([
            "`service-stack:tls.caValidityDays` is []: expected an integer from 30 to 7300.",
            "`service-stack:backup.offsite` is true: expected an object with keys `endpoint`, `region`, `bucket`, `prefix`, `serverSideEncryption`, `kmsKeyId`, `caCertificate`.",
        ]);
    });

    it("refuses an e-mail receiver's `null` field as an empty one", () => {
        expect(problems({ alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: null } } })).to.deep.equal([
            '`service-stack:alerting.email.smarthost` is "": expected `host:port` of the SMTP relay, such as `smtp.example.com:587` (a host name or IPv4 address, a port from 1 to 65535).',
        ]);
    });
});
