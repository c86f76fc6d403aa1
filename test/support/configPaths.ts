/** Dotted keys (`prometheus.scrapeInterval`) read from and written into a stack's configuration values. */

/** The value at a dotted key, or undefined where the path runs through anything but an object. */
export function valueAt(config: unknown, key: string): unknown {
    return key.split(".").reduce<unknown>((node, part) => (typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined), config);
}

/**
 * A copy of the configuration with the dotted key set to the value (undefined removes the key), creating or replacing
 * the objects on its path.
 */
export function withValue(config: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
    const copy = structuredClone(config);
    const parts = key.split(".");
    let node = copy;
    for (const part of parts.slice(0, -1)) {
        if (typeof node[part] !== "object" || node[part] === null || Array.isArray(node[part])) node[part] = {};
        node = node[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1] as string;
    if (value === undefined) delete node[last];
    // defineProperty: a generated `__proto__` must be a key, as JSON.parse makes it.
    else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
    return copy;
}
