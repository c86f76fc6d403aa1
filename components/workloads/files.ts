import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadFile } from "./description";

/** A configuration file (root's, 0444). */
export function config(path: string, content: pulumi.Input<string>): WorkloadFile {
    return { path, source: { kind: "config", content } };
}

/** A secret rendered for this workload alone (its user's, 0400); `readCurrent` as FileSource documents it. */
export function secret(path: string, content: pulumi.Input<string>, options: { readonly readCurrent?: boolean } = {}): WorkloadFile {
    return { path, source: { kind: "secret", content, ...(options.readCurrent ? { readCurrent: true } : {}) } };
}

/** Files rendered into one directory, one per entry of `rendered` (alert rules, dashboards). */
export function configDirectory(dir: string, rendered: Readonly<Record<string, string>>): WorkloadFile[] {
    return Object.entries(rendered).map(([file, content]) => config(`${dir}/${file}`, content));
}
