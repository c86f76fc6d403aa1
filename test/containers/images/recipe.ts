/**
 * The recipe format of the stand-in images the container suite builds from Debian packages (no registry is reachable,
 * so no official image can be pulled). One recipe file per image in this folder, exporting `recipe`; build.ts finds
 * every `*.ts` file here except recipe.ts and build.ts.
 *
 * A recipe reproduces the documented contract of the official image that the program relies on: user and uid/gid,
 * binary paths, ENTRYPOINT/CMD, data directories with their owners and modes, PATH and environment, and the tools a
 * healthcheck may call. Each recipe file starts with a one-line comment naming the official image it stands in for.
 */

/** The Debian suites the builder's apt knows: trixie (the base) and sid. */
export type Suite = "trixie" | "sid";

/** A file copied from `test/containers/images/files/` into the image after the setup step. */
export interface RecipeFile {
    /** Path under test/containers/images/files/, e.g. `postgres/docker-entrypoint.sh`. */
    readonly source: string;
    /** Absolute path in the image. */
    readonly target: string;
    /** File mode, e.g. 0o755. */
    readonly mode: number;
    /** Numeric `uid:gid`; root when not given. */
    readonly owner?: string;
}

/** The whole Debian root filesystem (official images built on debian:*-slim: postgres, redis). */
export interface DebianLayout {
    readonly kind: "debian";
}

/**
 * A busybox userland, as the official images built FROM quay.io/prometheus/busybox (prom/*, quay.io/prometheuscommunity/*)
 * or FROM alpine (caddy, redis_exporter `-alpine`) have: only the `keep` paths (recursively) of the installed root,
 * the shared libraries their programs load, Debian's busybox with every applet it offers linked in /usr/bin (a kept file
 * of the same name wins, e.g. GNU wget), CA certificates, zoneinfo, /etc/services and nsswitch.conf, and a passwd/group
 * of root, nobody (65534) and `users`.
 */
export interface BusyboxLayout {
    readonly kind: "busybox";
    /** Absolute paths to keep, files or directories (taken whole). */
    readonly keep: readonly string[];
    /** Extra accounts in /etc/passwd and /etc/group. */
    readonly users?: readonly { readonly name: string; readonly uid: number; readonly gid: number; readonly home: string }[];
}

/** Image configuration, as the official Dockerfile sets it (applied with `docker import --change`). */
export interface ImageConfig {
    readonly user?: string;
    readonly entrypoint?: readonly string[];
    readonly cmd?: readonly string[];
    /** PATH included: imported images get no default one. */
    readonly env: Readonly<Record<string, string>>;
    readonly workdir?: string;
    readonly volumes?: readonly string[];
    /** `9090` or `443/udp`. */
    readonly expose?: readonly string[];
    readonly labels?: Readonly<Record<string, string>>;
    readonly stopSignal?: string;
}

/** A command the image test runs in a container of the image, and what its output must contain. */
export interface RecipeCheck {
    /** Replaces the entrypoint: argv[0] is the entrypoint, the rest the command (with `viaEntrypoint`: the command). */
    readonly argv: readonly string[];
    /** Keep the image's entrypoint and give it `argv` as its command (proves the entrypoint's argument rules). */
    readonly viaEntrypoint?: boolean;
    /** Run as this user instead of the image's. */
    readonly user?: string;
    /** stdout+stderr must match. */
    readonly expect: RegExp;
}

export interface Recipe {
    /** Short name: the stand-in is `service-stack-standin/<name>:<recipe hash>`, plus every `standsInFor` tag. */
    readonly name: string;
    /** Official references this image stands in for; each is tagged on the built image, exactly. */
    readonly standsInFor: readonly string[];
    /** apt's target release for the install: where `packages` and their dependencies come from. */
    readonly suite: Suite;
    /** Exact Debian versions, package -> version (`apt-get install package=version`). */
    readonly packages: Readonly<Record<string, string>>;
    /**
     * Supporting packages installed at the version the suite serves (locales, tzdata, media-types…): what the official
     * Dockerfile installs beside its software. Their versions are recorded in the image's packages label.
     */
    readonly extras?: readonly string[];
    /** Shell run in the chroot before the install (accounts with fixed IDs, debconf or dpkg settings). */
    readonly preInstall?: string;
    /** Shell run in the chroot after the install: the official image's layout (paths, owners, modes). */
    readonly setup?: string;
    readonly files?: readonly RecipeFile[];
    readonly layout: DebianLayout | BusyboxLayout;
    /**
     * File capabilities the image carries, path -> `getcap` text (e.g. `cap_net_bind_service=ep`). Any other file
     * capability on a file of the image fails the build: with every capability dropped the kernel refuses to exec it.
     */
    readonly fileCapabilities?: Readonly<Record<string, string>>;
    readonly config: ImageConfig;
    /** What the image test proves in a container: binaries, versions, users, modes. */
    readonly checks: readonly RecipeCheck[];
}

/** PATH of the Debian-based official images (and busybox's default). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The label holding the recipe hash: an image with it is a cache hit. */
export const RECIPE_HASH_LABEL = "com.service-stack.standin.recipe-hash";
/** The label naming the official references an image stands in for. */
export const STANDS_IN_FOR_LABEL = "com.service-stack.standin.for";
/** The label listing the Debian packages (name=version) an image was built from. */
export const PACKAGES_LABEL = "com.service-stack.standin.packages";
/** Repository of the stand-ins' own names. */
export const STANDIN_REPOSITORY = "service-stack-standin";

/**
 * Debian's busybox, for the busybox userland of stand-ins for busybox- and alpine-based officials. Its `wget` has
 * busybox's own TLS client, which speaks TLS 1.2 only, as the official prom/busybox's does: a healthcheck relying on it
 * against a TLS-1.3-only server fails here as it would there.
 */
export const BUSYBOX_PACKAGE = { busybox: "1:1.37.0-6+b9" } as const;

/**
 * GNU wget, a stand-in for alpine's wget where only TLS 1.3 matters: alpine's busybox wget hands TLS to `ssl_client`
 * (OpenSSL), so it speaks TLS 1.3. GNU wget takes the same flags for what healthchecks use, but prints nothing on an
 * HTTP error with -q where busybox prints `server returned error: …`; ALPINE_WGET below keeps busybox's wget.
 */
export const GNU_WGET_PACKAGE = { wget: "1.25.0-2" } as const;

/**
 * Alpine's wget, as close as Debian gets: busybox's own wget (its flags and messages) with TLS by OpenSSL. Debian's
 * busybox wget runs `openssl s_client` for HTTPS when an `openssl` binary is present (and falls back to its TLS-1.2-only
 * client when not), as alpine's runs `ssl_client`: TLS 1.3 then works. Add `ALPINE_WGET_KEEP` to a busybox layout.
 */
export const ALPINE_WGET_PACKAGE = { openssl: "3.5.9-1~deb13u1" } as const;
/** The paths busybox's wget needs for its OpenSSL helper: the binary (its libraries follow) and OpenSSL's config. */
export const ALPINE_WGET_KEEP = ["/usr/bin/openssl", "/usr/lib/ssl"] as const;
