import { expect } from "chai";
import * as fs from "fs";
import { skipUnusedPromiseDebugStacks, NOT_FORMATTED } from "../../../components/runtime/promiseDebugStacks";

// The SDK's internal module: its debuggablePromise is what records a stack per tracked promise.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx: string) => Promise<T> };

type Prepare = NonNullable<typeof Error.prepareStackTrace>;

/** The stack debuggablePromise records on the promise it is given (it returns a chained one). */
function debugStackOf(promise: Promise<unknown>): string {
    debuggablePromise(promise, "test");
    return (promise as unknown as { _debugStackTrace: string })._debugStackTrace;
}

function declaredHere(): Error {
    return new Error("from the program");
}

describe("skipUnusedPromiseDebugStacks", () => {
    const original = Error.prepareStackTrace;
    let mapperCalls: string[];
    let mapper: Prepare;

    beforeEach(() => {
        mapperCalls = [];
        // Stands in for ts-node's source-map-support; delegates to it so the output is the real mapped stack.
        mapper = (error, sites) => {
            mapperCalls.push(String(sites[0]?.getFunctionName()));
            return original(error, sites);
        };
        Error.prepareStackTrace = mapper;
    });

    afterEach(() => {
        Error.prepareStackTrace = original;
    });

    it("runs under mocha with ts-node's source-map formatter installed (what the other cases rely on)", () => {
        expect(original, "ts-node registers source-map-support").to.be.a("function");
    });

    it("leaves the SDK's per-promise debug stacks unformatted", () => {
        expect(skipUnusedPromiseDebugStacks({})).to.equal(true);
        const stack = debugStackOf(Promise.resolve(1));
        expect(mapperCalls).to.deep.equal([]);
        expect(stack).to.equal(`Error\n${NOT_FORMATTED}`);
    });

    it("leaves every other stack to the installed formatter, so program errors still point at TypeScript lines", () => {
        skipUnusedPromiseDebugStacks({});
        const stack = declaredHere().stack!;
        expect(mapperCalls).to.deep.equal(["declaredHere"]);
        expect(stack.split("\n")[0]).to.equal("Error: from the program");
        const source = fs.readFileSync(__filename, "utf8").split("\n");
        const line = source.findIndex((l) => l.includes(`new Error("from the program")`)) + 1;
        const column = source[line - 1]!.indexOf("new Error") + 1;
        expect(stack.split("\n")[1]).to.equal(`    at declaredHere (${__filename}:${line}:${column})`);
    });

    it("changes nothing when PULUMI_DEBUG_PROMISE_LEAKS asks for the leak reports that print those stacks", () => {
        expect(skipUnusedPromiseDebugStacks({ PULUMI_DEBUG_PROMISE_LEAKS: "1" })).to.equal(false);
        expect(Error.prepareStackTrace).to.equal(mapper);
        debugStackOf(Promise.resolve(1));
        expect(mapperCalls).to.deep.equal(["debuggablePromise"]);
    });

    it("installs once, and not at all without a formatter to bypass", () => {
        expect(skipUnusedPromiseDebugStacks({})).to.equal(true);
        const installed = Error.prepareStackTrace;
        expect(skipUnusedPromiseDebugStacks({})).to.equal(false);
        expect(Error.prepareStackTrace).to.equal(installed);
        Reflect.deleteProperty(Error, "prepareStackTrace");
        expect(skipUnusedPromiseDebugStacks({})).to.equal(false);
        expect(Error.prepareStackTrace).to.equal(undefined);
    });
});
