// One mocked run of the program, loaded the way `pulumi up` loads a TypeScript program: ts-node registered with
// the options the Pulumi Node.js runtime derives from tsconfig.json (see @pulumi/pulumi cmd/run/run.js).
// Prints JSON: resources registered and milliseconds from process start to the last registration.
// Usage: node bench/pulumiTsMode.js <stack>
"use strict";
const { performance } = require("perf_hooks");
const path = require("path");

const root = path.resolve(__dirname, "..");
process.chdir(root);
const tsutils = require("@pulumi/pulumi/tsutils");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
    project: "tsconfig.json",
    skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

const stack = process.argv[2] || "dev";
const pulumi = require("@pulumi/pulumi");
const { RecordingMocks } = require("../harness/mocks");
const { stackConfig, PROJECT } = require("../harness/stackConfig");
const { EXAMPLE_SECRETS } = require("../harness/runProgram");

class TimedMocks extends RecordingMocks {
    newResource(args) {
        this.lastRegistration = performance.now();
        return super.newResource(args);
    }
}

async function main() {
    const mocks = new TimedMocks();
    await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
    const config = stackConfig(stack);
    for (const [key, value] of Object.entries(EXAMPLE_SECRETS)) config[`${PROJECT}:${key}`] = value;
    pulumi.runtime.setAllConfig(config, Object.keys(EXAMPLE_SECRETS).map((k) => `${PROJECT}:${k}`));
    require(path.join(root, "index.ts"));
    let seen = -1;
    while (seen !== mocks.resources.length) {
        seen = mocks.resources.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.stdout.write(`${JSON.stringify({ stack, resources: mocks.resources.length, lastRegistrationMs: mocks.lastRegistration })}\n`);
    process.exit(0);
}

main().catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
});
