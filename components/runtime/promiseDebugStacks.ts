import * as path from "path";

const PULUMI_DEBUGGABLE = path.join("@pulumi", "pulumi", "runtime", "debuggable.js");
/** What such a stack reads, should anything ever read it: the SDK itself prints it only when leak debugging is on. */
export const NOT_FORMATTED = "    (stack not formatted: set PULUMI_DEBUG_PROMISE_LEAKS=1 to record promise stacks)";
const INSTALLED = Symbol.for("service-stack.promiseDebugStacks");

type PrepareStackTrace = NonNullable<typeof Error.prepareStackTrace>;

/**
 * The Pulumi SDK records `new Error().stack` for every promise it tracks (`debuggablePromise`: several per resource
 * and four per output property), and prints those stacks only in promise-leak reports with PULUMI_DEBUG_PROMISE_LEAKS
 * set. Under ts-node every `.stack` goes through source-map-support frame by frame, which was about half of a run's
 * time. This puts a one-line note in those stacks instead of formatting them; every other stack (errors users see,
 * the source positions Pulumi sends to the engine) and, with PULUMI_DEBUG_PROMISE_LEAKS set, all of them still go to
 * the formatter that was installed. Returns whether it installed itself.
 */
export function skipUnusedPromiseDebugStacks(env: NodeJS.ProcessEnv = process.env): boolean {
    const mapped = Error.prepareStackTrace as (PrepareStackTrace & { [INSTALLED]?: true }) | undefined;
    // No formatter means V8's own, which is already cheap; installing twice would only add a layer.
    if (env.PULUMI_DEBUG_PROMISE_LEAKS || !mapped || mapped[INSTALLED]) return false;
    const prepareStackTrace: PrepareStackTrace = function (this: unknown, error, callSites) {
        const top = callSites[0];
        if (top?.getFunctionName() === "debuggablePromise" && top.getFileName()?.endsWith(PULUMI_DEBUGGABLE)) {
            return `${String(error)}\n${NOT_FORMATTED}`;
        }
        return mapped.call(this, error, callSites);
    };
    Error.prepareStackTrace = Object.assign(prepareStackTrace, { [INSTALLED]: true as const });
    return true;
}
