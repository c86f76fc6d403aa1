import { isNonRootUser } from "../grammars";
import { DEFAULT_IMAGES } from "./workloads";
import { integer, key, must, oneOf, text, textList, textMap } from "./kinds";
import { group, SharedRow } from "./nodes";

/** Where the local API stand-in reads its Caddy JSON config. */
export const API_STAND_IN_CONFIG = "/etc/api/caddy.json";

/** The load balancer's health-check path limit, the strictest consumer of the API's paths. */
const MAX_PATH_LENGTH = 1024;

const urlPath = text({
    accepts: (text) => /^\/[A-Za-z0-9._~/-]*$/.test(text) && text.length <= MAX_PATH_LENGTH,
    expected: `an absolute URL path such as \`/health/live\` (letters, digits and \`. _ ~ / -\`), at most ${MAX_PATH_LENGTH} characters`,
});

const PATHS: SharedRow = {
    type: "URL path: `/` then letters, digits and `. _ ~ / -`, ≤ 1024 characters (the load balancer's health-check limit)",
    default: "`/health/live`, `/health/ready`, `/metrics`",
    meaning: "health and metrics endpoints",
};

const metricName = text({ accepts: /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, expected: "a Prometheus metric name" });

/** Docker's and ECS's forms of a healthcheck that runs something. */
function isHealthcheckCommand(test: readonly string[]): boolean {
    if (test[0] === "CMD") return test.length >= 2 && (test[1] ?? "").trim() !== "";
    if (test[0] === "CMD-SHELL") return test.length === 2 && (test[1] ?? "").trim() !== "";
    return false;
}

/**
 * The team's API: its port, command, environment, endpoints, metric names, user and healthcheck. The credential checks
 * on `args`, `env` and `healthcheck` (checks/api.ts) are the policy pack's own, so what the pack would block is refused
 * before any resource exists.
 */
export const API_KEYS = {
    api: group({
        port: key(integer(1024, 65535), { default: 8000, type: "port 1024–65535", meaning: "port the API listens on" }),
        scheme: key(oneOf(["http", "https"]), {
            default: "https",
            type: "`https` \\| `http`",
            meaning: "whether the API serves TLS itself (from `TLS_CERT_FILE`/`TLS_KEY_FILE`)",
        }),
        args: key(textList, {
            // The local stand-in is Caddy serving a rendered config; a real API takes its own args and reads the env we set.
            default: (ctx) => (ctx.value("images.api") === DEFAULT_IMAGES.api ? ["caddy", "run", "--config", API_STAND_IN_CONFIG] : []),
            type: "list of text; nothing credential-looking (as `api.env` values)",
            defaultText: "stand-in's args / none",
            meaning: "container command",
        }),
        env: key(textMap(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name in upper case"), {
            default: {},
            type: "map of `UPPER_CASE` → text",
            meaning: "plain environment. The policy pack's own rules refuse a credential name (a `PASSWORD`, `PASS`, `PWD`, `SECRET`, `TOKEN`, `KEY`, `CREDENTIAL`, `PRIVATE`… part; `*_FILE` names a file) and a credential-looking value (private key, cloud access key, token, URL with a password, random-looking string); a variable the stack sets itself (`DATABASE_HOST`, `PORT`, …) is refused too",
        }),
        livePath: key(urlPath, { default: "/health/live", row: PATHS }),
        readyPath: key(urlPath, { default: "/health/ready", row: PATHS }),
        metricsPath: key(urlPath, { default: "/metrics", row: PATHS }),
        metricNames: group({
            requestsTotal: key(metricName, { default: "http_requests_total" }),
            requestDurationBucket: key(metricName, { default: "http_request_duration_seconds_bucket" }),
            // Names starting `__` are Prometheus's own (`__name__`, `__address__`).
            statusLabel: key(text({ accepts: /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/, expected: "a Prometheus label name not starting with `__`" }), { default: "status" }),
        }, {
            row: {
                type: "`{requestsTotal, requestDurationBucket, statusLabel}`: Prometheus metric names and a label name not starting `__`",
                default: "`http_requests_total`, `http_request_duration_seconds_bucket`, `status`",
                meaning: "metric names the alerts and dashboards query",
            },
        }),
        user: key(text({ accepts: isNonRootUser, expected: "a numeric `uid` or `uid:gid`, not root: decimal without leading zeros, uid 1 to 2147483647, gid 0 to 2147483647" }), {
            default: "10001:10001",
            type: "numeric `uid[:gid]`: decimal without leading zeros (`00` is root), uid 1–2147483647, gid 0–2147483647",
            meaning: "user the API runs as",
        }),
        healthcheck: key(textList, {
            default: (ctx) => ["CMD", "wget", "-q", "--spider", "--no-check-certificate", `${ctx.value("api.scheme")}://127.0.0.1:${ctx.value("api.port")}${ctx.value("api.livePath")}`],
            rules: [must(isHealthcheckCommand, "a healthcheck that runs a command: `[\"CMD\", <program>, <args>…]` or `[\"CMD-SHELL\", <command>]` (`NONE` switches it off, which the policy pack blocks)")],
            type: "`[\"CMD\", program, args…]` or `[\"CMD-SHELL\", command]` (not `NONE`); nothing credential-looking",
            defaultText: "`wget` of the liveness path",
            meaning: "container healthcheck",
        }),
    }, {
        // The healthcheck's default fetches the liveness path: both are read before the rest, as they always were.
        readOrder: ["port", "scheme", "livePath", "args", "healthcheck", "env", "readyPath", "metricsPath", "metricNames", "user"],
    }),
};
