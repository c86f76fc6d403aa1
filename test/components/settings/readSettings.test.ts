import { expect } from "chai";
import { ConfigError } from "../../../components/settings/validate";
import { runProgram } from "../../../harness/runProgram";

describe("reading the stack's configuration from the Pulumi runtime", () => {
    it("reads a top-level `__proto__` key as a misspelt key, never as the settings' prototype", async () => {
        // A computed key makes `__proto__` an ordinary entry, as a stack file's `service-stack:__proto__:` is.
        const hostile = { ["__proto__"]: { domain: "evil.example.com", acmeEmail: "ops@evil.example.com" } };
        const error = await runProgram("dev", hostile).then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).problems).to.deep.equal([
            '`service-stack:__proto__` is {"domain":"evil.example.com","acmeEmail":"ops@evil.example.com"}: expected no such key; see README.md for the keys this project reads.',
        ]);
    });
});
