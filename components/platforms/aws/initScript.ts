/** Where a delivered file's content comes from. */
export type FileSource =
    /** An object version in the config bucket (non-secret configuration). */
    | { readonly kind: "object"; readonly key: string; readonly versionId: string }
    /**
     * A Secrets Manager secret the task receives through ECS `secrets`, named by `env` inside the init container, and
     * handed over to `owner` (the consuming container's numeric `uid[:gid]`), the only user that can read it.
     */
    | { readonly kind: "secret"; readonly env: string; readonly owner: string }
    /** Public certificate bundles fetched over HTTPS (verified against the image's trust store), concatenated. */
    | { readonly kind: "download"; readonly urls: readonly string[] };

/** One file the init container writes: where (inside its own mount of the volume) and from what. */
export interface InitFile {
    /** Absolute path inside the init container, e.g. `/out/prometheus-etc-prometheus/rules/api.yml`. */
    readonly target: string;
    readonly source: FileSource;
}

/** A task volume's root directory the init container gives to a non-root writer (Fargate creates it root's, 0755). */
export interface HandOver {
    readonly dir: string;
    /** Numeric non-root `uid[:gid]`. */
    readonly owner: string;
}

/** Mode of configuration files: read-only for everyone in the task; they stay root-owned, as on the Docker platform. */
export const CONFIG_FILE_MODE = "0444";
/** Mode of secret files: read-only for the owner (the consuming container's user, after the hand-over) alone. */
export const SECRET_FILE_MODE = "0400";

/** Quotes a string for a POSIX shell: single quotes, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The environment variable a secret file's content arrives in: `SECRET_` and the path in upper snake case. */
export function secretEnvName(path: string): string {
    return `SECRET_${path.replace(/^\/+/, "").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase()}`;
}

function dirname(path: string): string {
    return path.slice(0, path.lastIndexOf("/")) || "/";
}

/**
 * The init container's shell script, run as root: fetches each configuration object version from the bucket named
 * by `$CONFIG_BUCKET`, downloads the trust bundles, and writes each secret from its environment variable with the
 * shell's `printf` builtin (so no value appears in a process's arguments), then sets the modes (0444 for
 * configuration, 0400 for secrets) and hands each secret to its consumer with `chown`. Fails on the first error, so
 * the main container (which depends on the init container's SUCCESS) never starts with partial configuration.
 */
export function renderInitScript(files: readonly InitFile[], handOver: readonly HandOver[] = []): string {
    const sorted = [...files].sort((a, b) => a.target.localeCompare(b.target));
    const dirs = [...new Set(sorted.map((f) => dirname(f.target)))].sort();
    const lines = ["set -eu", "umask 0022"];
    if (dirs.length > 0) lines.push(`mkdir -p ${dirs.map(shellQuote).join(" ")}`);
    for (const h of handOver) {
        if (!/^[1-9]\d*(:\d+)?$/.test(h.owner)) throw new Error(`renderInitScript: directory "${h.dir}" is handed to "${h.owner}": expected a numeric, non-root uid[:gid].`);
        lines.push(`chown ${h.owner} ${shellQuote(h.dir)}`);
    }
    for (const f of sorted) {
        const target = shellQuote(f.target);
        if (f.source.kind === "object") {
            // `--version-id ''` fails at task start; an unversioned object must be refused before a definition names it.
            if (!f.source.versionId) throw new Error(`renderInitScript: object "${f.source.key}" has no version id; the task definition must name one.`);
            lines.push(`aws s3api get-object --bucket "$CONFIG_BUCKET" --key ${shellQuote(f.source.key)} --version-id ${shellQuote(f.source.versionId)} ${target} > /dev/null`);
            lines.push(`chmod ${CONFIG_FILE_MODE} ${target}`);
        } else if (f.source.kind === "download") {
            lines.push(`{ ${f.source.urls.map((u) => `curl -fsSL --proto '=https' --tlsv1.2 ${shellQuote(u)};`).join(" ")} } > ${target}`);
            lines.push(`chmod ${CONFIG_FILE_MODE} ${target}`);
        }
    }
    const secrets = sorted.filter((f) => f.source.kind === "secret");
    if (secrets.length > 0) lines.push("umask 0277");
    for (const f of secrets) {
        const { env, owner } = f.source as { env: string; owner: string };
        if (!/^[A-Z_][A-Z0-9_]*$/.test(env)) throw new Error(`renderInitScript: secret variable "${env}" is not an upper-case environment variable name.`);
        if (!/^[1-9]\d*(:\d+)?$/.test(owner)) throw new Error(`renderInitScript: secret "${f.target}" is handed to "${owner}": expected a numeric, non-root uid[:gid].`);
        lines.push(`printf '%s' "$${env}" > ${shellQuote(f.target)}`);
        // chmod before chown: once the file is the consumer's, root without CAP_FOWNER may no longer change its mode.
        lines.push(`chmod ${SECRET_FILE_MODE} ${shellQuote(f.target)}`);
        lines.push(`chown ${owner} ${shellQuote(f.target)}`);
    }
    return `${lines.join("\n")}\n`;
}
