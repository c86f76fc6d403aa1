import type { ConfigValues } from "../schema";
import type { ReadContext } from "../schema/nodes";
import type { StackSettings } from "../types";
import type { ConfigReader } from "../validate";

/** What a check sees: the keys as read (refused ones at their defaults), the settings made of them, and the context. */
export interface CheckInput {
    readonly values: ConfigValues;
    readonly settings: StackSettings;
    readonly ctx: ReadContext;
}

/**
 * A rule across keys (a conflict, a requirement, a sum), run after the per-key pass. Its problems are listed right after
 * the problems of `after`, the key or group it is about, so the list reads in the README's order of keys.
 */
export interface CrossKeyCheck {
    readonly after: string;
    readonly check: (r: ConfigReader, input: CheckInput) => void;
}
