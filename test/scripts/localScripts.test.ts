import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs a copy of the scripts in a scratch project with a stub `pulumi` on PATH that records each call with the
 * backend and passphrase variables it saw, so the test sees exactly what a user's machine would run.
 */
function runScript(script: string, args: string[] = []): { calls: string[]; dir: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "service-stack-scripts-"));
    fs.mkdirSync(path.join(dir, "scripts"));
    for (const f of ["local-env.sh", "up-local.sh", "destroy-local.sh"]) {
        fs.copyFileSync(path.join(ROOT, "scripts", f), path.join(dir, "scripts", f));
    }
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/usr/bin/env bash\necho "$* | $PULUMI_BACKEND_URL | $PULUMI_CONFIG_PASSPHRASE_FILE" >> "${log}"\n`, { mode: 0o755 });
    execFileSync("bash", [path.join(dir, "scripts", script), ...args], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: "pipe" });
    return { calls: fs.readFileSync(log, "utf8").trim().split("\n"), dir };
}

describe("npm run up / npm run destroy", () => {
    it("selects or creates the dev stack on a file backend with a passphrase provider, then runs pulumi up without prompting", () => {
        const { calls, dir } = runScript("up-local.sh", ["--diff"]);
        const state = `file://${dir}/.pulumi-local/state`;
        const passphrase = `${dir}/.pulumi-local/passphrase`;
        expect(calls).to.deep.equal([
            `stack select --create dev --secrets-provider passphrase --non-interactive | ${state} | ${passphrase}`,
            `up --stack dev --yes --non-interactive --diff | ${state} | ${passphrase}`,
        ]);
    });

    it("generates a passphrase file readable only by its owner, and keeps it across runs", () => {
        const first = runScript("up-local.sh");
        const file = path.join(first.dir, ".pulumi-local", "passphrase");
        const passphrase = fs.readFileSync(file, "utf8");
        expect(passphrase).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
        execFileSync("bash", [path.join(first.dir, "scripts", "up-local.sh")], { env: { ...process.env, PATH: `${first.dir}/bin:${process.env.PATH}` }, stdio: "pipe" });
        expect(fs.readFileSync(file, "utf8")).to.equal(passphrase);
    });

    it("destroys the same stack on the same backend", () => {
        const { calls, dir } = runScript("destroy-local.sh");
        expect(calls).to.deep.equal([`destroy --stack dev --yes --non-interactive | file://${dir}/.pulumi-local/state | ${dir}/.pulumi-local/passphrase`]);
    });
});
