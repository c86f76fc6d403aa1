import * as path from "path";

const PULUMI_DEBUGGABLE = path.join("@pulumi", "pulumi", "runtime", "debuggable.js");
const INSTALLED = Symbol.for("service-stack.promiseDebugStacks");

type PrepareStackTrace = NonNullable<typeof Error.prepareStackTrace>;

/**
 * The Pulumi SDK records `new Error().stack` for every promise it tracks (`debuggablePromise`: several per resource
 * and four per output property), and prints those stacks only in promise-leak reports with PULUMI_DEBUG_PROMISE_LEAKS
 * set. Under ts-node every `.stack` goes through source-map-support frame by frame, which was about half of a run's
 * time. This formats just those stacks the way V8 does without source maps; every other stack (errors users see,
 * the source positions Pulumi sends to the engine) and, with PULUMI_DEBUG_PROMISE_LEAKS set, all of them still go to
 * the formatter that was installed. Returns whether it installed itself.
 */
export function formatPromiseDebugStacksWithoutSourceMaps(env: NodeJS.ProcessEnv = process.env): boolean {
    const mapped = Error.prepareStackTrace as (PrepareStackTrace & { [INSTALLED]?: true }) | undefined;
    // No formatter means V8's own, which is already cheap; installing twice would only add a layer.
    if (env.PULUMI_DEBUG_PROMISE_LEAKS || !mapped || mapped[INSTALLED]) return false;
    const prepareStackTrace: PrepareStackTrace = function (this: unknown, error, callSites) {
        const top = callSites[0];
        if (top?.getFunctionName() === "debuggablePromise" && top.getFileName()?.endsWith(PULUMI_DEBUGGABLE)) {
            return [String(error), ...callSites.map((site) => `    at ${site}`)].join("\n");
        }
        return mapped.call(this, error, callSites);
    };
    Error.prepareStackTrace = Object.assign(prepareStackTrace, { [INSTALLED]: true as const });
    return true;
}
