import { credentialLikeReason, isCredentialName } from "../../policy/lib/credentials";
import { isNonRootUser } from "./grammars";
import type { ApiSettings } from "./types";
import { ConfigReader } from "./validate";

/** Keys of the `api` config object. */
export const API_CONFIG_KEYS = ["port", "scheme", "args", "env", "livePath", "readyPath", "metricsPath", "metricNames", "user", "healthcheck"] as const;

/** Where the local API stand-in reads its Caddy JSON config. */
export const API_STAND_IN_CONFIG = "/etc/api/caddy.json";

/** The load balancer's health-check path limit, the strictest consumer of the API's paths. */
const MAX_PATH_LENGTH = 1024;

const NOT_SHOWN = "[not shown]";
const FILES_INSTEAD = "the stack delivers credentials as files (see README, `*_FILE`)";

/**
 * Reads the `api` object. The checks on `env`, `args` and `healthcheck` are the policy pack's own
 * (`disallow-plaintext-credential-env`, `disallow-credential-values`, `require-healthcheck`), so a value the pack
 * would block is refused here, before any resource exists.
 */
export function readApi(r: ConfigReader, value: unknown, standIn: boolean): ApiSettings {
    const a = r.object("api", value, API_CONFIG_KEYS);
    const path = (key: string, v: unknown, fallback: string): string =>
        r.string(`api.${key}`, v, fallback, (text) => /^\/[A-Za-z0-9._~/-]*$/.test(text) && text.length <= MAX_PATH_LENGTH, `an absolute URL path such as \`/health/live\` (letters, digits and \`. _ ~ / -\`), at most ${MAX_PATH_LENGTH} characters`);
    const port = r.number("api.port", a.port, 8000, 1024, 65535);
    const scheme = r.oneOf("api.scheme", a.scheme, ["http", "https"] as const, "https");
    const livePath = path("livePath", a.livePath, "/health/live");
    // The local stand-in is Caddy serving a rendered config; a real API takes its own args and reads the env we set.
    const args = r.stringList("api.args", a.args, standIn ? ["caddy", "run", "--config", API_STAND_IN_CONFIG] : []);
    refuseCredentialValues(r, "api.args", args);
    const healthcheck = r.stringList("api.healthcheck", a.healthcheck, [
        "CMD", "wget", "-q", "--spider", "--no-check-certificate", `${scheme}://127.0.0.1:${port}${livePath}`,
    ]);
    if (a.healthcheck !== undefined) {
        if (!isHealthcheckCommand(healthcheck)) r.fail("api.healthcheck", a.healthcheck, "a healthcheck that runs a command: `[\"CMD\", <program>, <args>…]` or `[\"CMD-SHELL\", <command>]` (`NONE` switches it off, which the policy pack blocks)");
        refuseCredentialValues(r, "api.healthcheck", healthcheck);
    } else {
        // The default healthcheck fetches the liveness path: a credential there would sit on its command line.
        const reason = credentialLikeReason(livePath);
        if (reason) r.fail("api.livePath", NOT_SHOWN, `no credential in the liveness path, which the healthcheck's command line carries, and this value ${reason}`);
    }
    return {
        port,
        scheme,
        args,
        env: readEnv(r, a.env),
        livePath,
        readyPath: path("readyPath", a.readyPath, "/health/ready"),
        metricsPath: path("metricsPath", a.metricsPath, "/metrics"),
        metricNames: readMetricNames(r, a.metricNames),
        user: r.string("api.user", a.user, "10001:10001", isNonRootUser, "a numeric `uid` or `uid:gid`, not root: decimal without leading zeros, uid 1 to 2147483647, gid 0 to 2147483647"),
        healthcheck,
        standIn,
    };
}

/** The plain environment: upper-case names, none that names a credential, no credential-looking value. */
function readEnv(r: ConfigReader, value: unknown): Record<string, string> {
    const env = r.stringMap("api.env", value, /^[A-Z_][A-Z0-9_]*$/, "an environment variable name in upper case");
    for (const [name, text] of Object.entries(env)) {
        const reason = credentialLikeReason(text);
        if (isCredentialName(name)) r.fail(`api.env.${name}`, NOT_SHOWN, `no credential in plain environment; ${FILES_INSTEAD}`);
        else if (reason) r.fail(`api.env.${name}`, NOT_SHOWN, `no credential in plain environment, and this value ${reason}; ${FILES_INSTEAD}`);
    }
    return env;
}

function readMetricNames(r: ConfigReader, value: unknown): ApiSettings["metricNames"] {
    const m = r.object("api.metricNames", value, ["requestsTotal", "requestDurationBucket", "statusLabel"]);
    const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
    return {
        requestsTotal: r.string("api.metricNames.requestsTotal", m.requestsTotal, "http_requests_total", metricName, "a Prometheus metric name"),
        requestDurationBucket: r.string("api.metricNames.requestDurationBucket", m.requestDurationBucket, "http_request_duration_seconds_bucket", metricName, "a Prometheus metric name"),
        // Names starting `__` are Prometheus's own (`__name__`, `__address__`).
        statusLabel: r.string("api.metricNames.statusLabel", m.statusLabel, "status", /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/, "a Prometheus label name not starting with `__`"),
    };
}

/** Docker's and ECS's forms of a healthcheck that runs something. */
function isHealthcheckCommand(test: readonly string[]): boolean {
    if (test[0] === "CMD") return test.length >= 2 && (test[1] ?? "").trim() !== "";
    if (test[0] === "CMD-SHELL") return test.length === 2 && (test[1] ?? "").trim() !== "";
    return false;
}

/** Reports each list element that looks like a credential, without showing it. */
function refuseCredentialValues(r: ConfigReader, key: string, list: readonly string[]): void {
    list.forEach((element, i) => {
        const reason = credentialLikeReason(element);
        if (reason) r.fail(`${key}[${i}]`, NOT_SHOWN, `no credential on a command line, and this value ${reason}; ${FILES_INSTEAD}`);
    });
}
