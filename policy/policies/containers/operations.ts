import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { onContainers, skipNeverStarted } from "../../lib/docker";
import { field, items, known, readable, text, UNREADABLE } from "../../lib/values";

/** Requires a memory limit on every container. */
export const requireMemoryLimit: ResourceValidationPolicy = {
    name: "require-memory-limit",
    description: "Every container has a hard memory limit, so one workload cannot starve the host.",
    remediationSteps: "Set `memory` (MiB) on the container, from `resources.<workload>.memoryMiB` in the stack config.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, _args, report) => {
        const memory = c.memory;
        if (memory === undefined || memory === null || !(Number(memory) > 0)) report("The container has no memory limit (`memory`).");
    }),
};

/** Requires a healthcheck with a test command. */
export const requireHealthcheck: ResourceValidationPolicy = {
    name: "require-healthcheck",
    description: "Every container has a healthcheck with a test, so Docker and the dependency order see real health.",
    remediationSteps: "Set `healthcheck.tests` (`[\"CMD\", …]` or `[\"CMD-SHELL\", \"…\"]`) with interval, timeout, retries and start period.",
    enforcementLevel: "mandatory",
    validateResource: onContainers((c, args, report) => {
        skipNeverStarted(c, args);
        const healthcheck = c.healthcheck;
        if (healthcheck === undefined || healthcheck === null) {
            report("The container has no healthcheck.");
            return;
        }
        const tests = readable(items(() => healthcheck.tests)).map(String);
        if (known(() => healthcheck.tests) === UNREADABLE) return;
        if (tests.length === 0 || tests[0] === "NONE" || (tests.length === 1 && /^CMD(-SHELL)?$/.test(tests[0] ?? ""))) {
            report(`The healthcheck has no test command (${JSON.stringify(tests)}).`);
        }
    }),
};

const RESTART_DEFAULTS = { allowedPolicies: ["unless-stopped", "on-failure"] };

/**
 * Requires a restart policy that recovers from crashes but respects an operator's stop: `unless-stopped`, or
 * `on-failure` with a retry limit. `always` restarts a container an operator stopped whenever the daemon restarts;
 * `no` leaves a crashed service down.
 */
export const requireBoundedRestartPolicy: ResourceValidationPolicy = {
    name: "require-bounded-restart-policy",
    description: "Containers restart `unless-stopped` or `on-failure` with a retry limit; never `always` (overrides an operator's stop) or `no` (a crash stays down).",
    remediationSteps: "Set `restart: \"unless-stopped\"`, or `restart: \"on-failure\"` with `maxRetryCount` ≥ 1.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedPolicies: { type: "array", items: { type: "string", enum: ["unless-stopped", "on-failure", "always", "no"] }, default: RESTART_DEFAULTS.allowedPolicies } } },
    validateResource: onContainers((c, args, report) => {
        skipNeverStarted(c, args);
        const { allowedPolicies } = configOf(args, RESTART_DEFAULTS);
        const restart = text(c.restart) ?? "no";
        if (restart === UNREADABLE) return;
        if (!allowedPolicies.includes(restart)) {
            report(`Restart policy "${restart}" is not allowed; use one of ${allowedPolicies.join(", ")}.`);
            return;
        }
        if (restart === "on-failure" && !(Number(c.maxRetryCount) >= 1)) report("Restart policy \"on-failure\" has no `maxRetryCount`: it would retry forever.");
    }),
};

const LOG_DEFAULTS = { allowedDrivers: ["json-file", "local"] };

/** Requires log rotation: json-file with max-size and max-file, or the self-rotating `local` driver. */
export const requireLogRotation: ResourceValidationPolicy = {
    name: "require-log-rotation",
    description: "Container logs are rotated (json-file with `max-size` and `max-file`, or the `local` driver), so logs cannot fill the disk.",
    remediationSteps: "Set `logDriver: \"json-file\"` and `logOpts: { \"max-size\": \"10m\", \"max-file\": \"3\" }`.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedDrivers: { type: "array", items: { type: "string" }, default: LOG_DEFAULTS.allowedDrivers } } },
    validateResource: onContainers((c, args, report) => {
        const { allowedDrivers } = configOf(args, LOG_DEFAULTS);
        const driver = text(c.logDriver) ?? "json-file";
        if (driver === UNREADABLE) return;
        if (!allowedDrivers.includes(driver)) {
            report(`Log driver "${driver}" is not allowed; use one of ${allowedDrivers.join(", ")}.`);
            return;
        }
        if (driver !== "json-file") return;
        const opts = known(() => c.logOpts);
        if (opts === UNREADABLE) return;
        for (const option of ["max-size", "max-file"]) {
            const value = opts ? text(field(() => opts[option])) : undefined;
            if (value === undefined || value === "") report(`json-file logging has no "${option}": the log grows without bound.`);
        }
    }),
};
