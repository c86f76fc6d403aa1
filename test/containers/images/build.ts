/**
 * Builds the stand-in images the container suite runs, from Debian packages, since no image registry is reachable.
 *
 * Per image: a fresh copy of a cached `debootstrap --variant=minbase` trixie root, `apt-get install` of the recipe's
 * exact package versions in a chroot, the recipe's setup step and files, apt state and docs removed, for busybox-based
 * officials only the kept paths plus a busybox userland, then the root tarred with its xattrs (file capabilities) and
 * `docker import`ed with the official image's configuration. The result is tagged as exactly the official reference,
 * so a container declared with `postgres:18.1` runs the stand-in.
 *
 * Everything slow is cached under the machine's cache dir: the base tarball, apt's indexes and .debs, each image's
 * tarball (re-imported into a fresh engine) and the image itself, keyed by a hash of the recipe, the files it copies
 * and the base. A cache miss rebuilds; it never fails the run.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheRoot, CommandResult, docker, Engine, mountsUnder, runCommand, tail } from "../support/dockerd";
import { BusyboxLayout, DEFAULT_PATH, PACKAGES_LABEL, Recipe, RECIPE_HASH_LABEL, STANDIN_REPOSITORY, STANDS_IN_FOR_LABEL, Suite } from "./recipe";

/** Bump when a change of this file changes what lands in an image: every image is then rebuilt once. */
const BUILDER_REVISION = 2;
/** Bump when the base root's preparation below changes. */
const BASE_REVISION = 1;
const BASE_SUITE: Suite = "trixie";
const MIRROR = process.env.SERVICE_STACK_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
/** apt indexes older than this are refreshed before a build (a wanted version missing refreshes them at once). */
const APT_LISTS_MAX_AGE_MS = Number(process.env.SERVICE_STACK_APT_MAX_AGE_HOURS ?? 24) * 3600_000;
/** Data files every busybox-style official image carries (prom/busybox adds them; alpine installs them). */
const BUSYBOX_DATA_PACKAGES = ["ca-certificates", "tzdata", "netbase"];
const IMAGES_DIR = __dirname;
const FILES_DIR = path.join(IMAGES_DIR, "files");
const NOT_RECIPES = new Set(["recipe.ts", "build.ts"]);

const MINUTE = 60_000;

/** One built (or cached) stand-in. */
export interface BuiltImage {
    readonly recipe: Recipe;
    readonly hash: string;
    /** `sha256:…` */
    readonly imageId: string;
    /** `service-stack-standin/<name>:<hash prefix>` */
    readonly localName: string;
    /** Where it came from: the engine's image store, the saved tarball, or a fresh build. */
    readonly source: "engine" | "saved" | "built";
    readonly seconds: number;
}

/** A build that failed: names the image and the step, with the step's output tail. */
export class ImageBuildError extends Error {
    override readonly name = "ImageBuildError";
}

/** Paths of the builder's cache. */
export function imageCache(): { root: string; base: string; apt: string; lists: string; archives: string; debootstrap: string; saved: string; work: string; lock: string } {
    const root = process.env.SERVICE_STACK_IMAGE_CACHE ?? path.join(cacheRoot(), "images");
    const apt = path.join(root, "apt");
    return {
        root,
        base: path.join(root, "base"),
        apt,
        lists: path.join(apt, "lists"),
        archives: path.join(apt, "archives"),
        debootstrap: path.join(apt, "debootstrap"),
        saved: path.join(root, "saved"),
        work: path.join(root, "work"),
        lock: path.join(root, "build.lock"),
    };
}

function log(message: string): void {
    process.stderr.write(`[images] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Recipes

/** Every recipe in this folder: each `*.ts` file but recipe.ts and build.ts exports `recipe`. */
export function loadRecipes(): Recipe[] {
    const recipes: Recipe[] = [];
    for (const file of fs.readdirSync(IMAGES_DIR).sort()) {
        if (!file.endsWith(".ts") || file.endsWith(".d.ts") || file.endsWith(".test.ts") || NOT_RECIPES.has(file)) continue;
        const mod = require(path.join(IMAGES_DIR, file)) as { recipe?: Recipe };
        if (!mod.recipe) throw new Error(`test/containers/images/${file} exports no \`recipe\``);
        recipes.push(mod.recipe);
    }
    const owners = new Map<string, string>();
    for (const r of recipes) {
        for (const ref of r.standsInFor) {
            const key = normaliseReference(ref);
            const other = owners.get(key);
            if (other) throw new Error(`${ref} has two stand-in recipes: ${other} and ${r.name}`);
            owners.set(key, r.name);
        }
    }
    return recipes;
}

/** `docker.io/library/postgres:18.1` and `postgres:18.1` are the same image. */
export function normaliseReference(reference: string): string {
    return reference.replace(/^docker\.io\//, "").replace(/^library\//, "");
}

/** The recipe standing in for an official reference, or an error naming the references we have. */
export function recipeFor(reference: string, recipes: readonly Recipe[] = loadRecipes()): Recipe {
    if (reference.includes("@")) {
        throw new Error(`${reference}: a stand-in cannot carry the official image's digest; declare the tag alone for the container suite`);
    }
    const wanted = normaliseReference(reference);
    const recipe = recipes.find((r) => r.standsInFor.some((ref) => normaliseReference(ref) === wanted));
    if (!recipe) {
        const known = recipes.flatMap((r) => r.standsInFor).sort().join(", ");
        throw new Error(`no stand-in recipe for ${reference} in test/containers/images/ (stand-ins exist for: ${known})`);
    }
    return recipe;
}

function sha256(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

/** Base root key: what debootstrap is asked for and how the root is prepared. */
function baseKey(): string {
    return sha256(JSON.stringify({ BASE_REVISION, BASE_SUITE, variant: "minbase", baseFiles: baseFiles() })).slice(0, 16);
}

/** The cache key of an image: the recipe (checks aside), the files it copies, the base and this builder's revision. */
export function recipeHash(recipe: Recipe): string {
    const { checks: _checks, ...built } = recipe;
    const files = (recipe.files ?? []).map((f) => ({ ...f, sha256: sha256(fs.readFileSync(path.join(FILES_DIR, f.source))) }));
    return sha256(JSON.stringify({ BUILDER_REVISION, base: baseKey(), recipe: sortKeys(built), files }));
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === "object" && !(value instanceof RegExp)) {
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
    }
    return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points

/**
 * Makes every declared official reference resolve to its stand-in on the engine: built, or taken from the cache, and
 * tagged as exactly that reference. Returns reference -> image ID (`sha256:…`).
 */
export async function ensureImages(engine: Pick<Engine, "dockerHost">, references: readonly string[]): Promise<Map<string, string>> {
    const recipes = loadRecipes();
    const wanted = [...new Set(references)];
    const byRecipe = new Map<Recipe, string[]>();
    const problems: string[] = [];
    for (const ref of wanted) {
        try {
            const recipe = recipeFor(ref, recipes);
            byRecipe.set(recipe, [...(byRecipe.get(recipe) ?? []), ref]);
        } catch (err) {
            problems.push((err as Error).message);
        }
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    const result = new Map<string, string>();
    // One at a time: two cores, and each build is mostly dpkg and tar.
    for (const [recipe, refs] of byRecipe) {
        const built = await ensureImage(engine, recipe);
        for (const ref of refs) result.set(ref, built.imageId);
    }
    return result;
}

/** One recipe's stand-in on the engine (all its `standsInFor` tags set): from the engine, the saved tarball, or built. */
export async function ensureImage(engine: Pick<Engine, "dockerHost">, recipe: Recipe): Promise<BuiltImage> {
    const started = Date.now();
    const hash = recipeHash(recipe);
    const localName = `${STANDIN_REPOSITORY}/${recipe.name}:${hash.slice(0, 12)}`;
    const done = async (source: BuiltImage["source"], imageId: string): Promise<BuiltImage> => {
        for (const ref of recipe.standsInFor) await docker(engine, ["tag", imageId, ref]);
        const seconds = (Date.now() - started) / 1000;
        if (source !== "engine") log(`${recipe.name}: ${source === "built" ? "built" : "re-imported"} in ${seconds.toFixed(1)}s (${localName})`);
        return { recipe, hash, imageId, localName, source, seconds };
    };

    const present = await imageWithHash(engine, localName, hash);
    if (present) return done("engine", present);

    const cache = imageCache();
    const saved = path.join(cache.saved, `${recipe.name}-${hash}.tar`);
    return withBuildLock(cache.lock, async () => {
        // Another process may have built it while we waited for the lock.
        const meanwhile = await imageWithHash(engine, localName, hash);
        if (meanwhile) return done("engine", meanwhile);
        if (fs.existsSync(saved)) {
            const imageId = await importImage(engine, recipe, hash, saved, localName).catch((err: Error) => {
                log(`${recipe.name}: saved tarball did not import (${err.message.split("\n")[0]}); rebuilding`);
                fs.rmSync(saved, { force: true });
                return undefined;
            });
            if (imageId) {
                await pruneOlder(engine, recipe, hash);
                return done("saved", imageId);
            }
        }
        await buildRootTarball(recipe, hash, saved);
        const imageId = await importImage(engine, recipe, hash, saved, localName);
        await pruneOlder(engine, recipe, hash);
        return done("built", imageId);
    });
}

async function imageWithHash(engine: Pick<Engine, "dockerHost">, localName: string, hash: string): Promise<string | undefined> {
    const inspect = await docker(engine, ["image", "inspect", "--format", `{{.Id}} {{index .Config.Labels "${RECIPE_HASH_LABEL}"}}`, localName], { allowFailure: true });
    if (inspect.code !== 0) return undefined;
    const [id, label] = inspect.stdout.trim().split(" ");
    return label === hash ? id : undefined;
}

/** Old stand-ins of the same recipe: their tags in the engine (if unused) and their saved tarballs. */
async function pruneOlder(engine: Pick<Engine, "dockerHost">, recipe: Recipe, hash: string): Promise<void> {
    const cache = imageCache();
    for (const file of fs.readdirSync(cache.saved)) {
        const rest = file.startsWith(`${recipe.name}-`) ? file.slice(recipe.name.length + 1) : "";
        if (/^[0-9a-f]{64}\.tar(\.packages|\.partial)?$/.test(rest) && !rest.startsWith(hash)) {
            fs.rmSync(path.join(cache.saved, file), { force: true });
        }
    }
    const listed = await docker(engine, ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", `${STANDIN_REPOSITORY}/${recipe.name}`], { allowFailure: true });
    for (const name of listed.stdout.split("\n").map((l) => l.trim()).filter(Boolean)) {
        if (!name.endsWith(`:${hash.slice(0, 12)}`)) await docker(engine, ["image", "rm", name], { allowFailure: true });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Import

function importChanges(recipe: Recipe, hash: string, packages: string): string[] {
    const c = recipe.config;
    const json = (list: readonly string[]) => JSON.stringify(list);
    const changes: string[] = [];
    for (const [k, v] of Object.entries({ PATH: DEFAULT_PATH, ...c.env })) changes.push(`ENV ${k}=${/\s/.test(v) ? JSON.stringify(v) : v}`);
    if (c.user) changes.push(`USER ${c.user}`);
    if (c.workdir) changes.push(`WORKDIR ${c.workdir}`);
    if (c.entrypoint) changes.push(`ENTRYPOINT ${json(c.entrypoint)}`);
    if (c.cmd) changes.push(`CMD ${json(c.cmd)}`);
    for (const v of c.volumes ?? []) changes.push(`VOLUME ${json([v])}`);
    for (const p of c.expose ?? []) changes.push(`EXPOSE ${p}`);
    if (c.stopSignal) changes.push(`STOPSIGNAL ${c.stopSignal}`);
    const labels: Record<string, string> = {
        ...c.labels,
        [RECIPE_HASH_LABEL]: hash,
        [STANDS_IN_FOR_LABEL]: recipe.standsInFor.join(","),
        [PACKAGES_LABEL]: packages,
    };
    for (const [k, v] of Object.entries(labels)) changes.push(`LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`);
    return changes;
}

async function importImage(engine: Pick<Engine, "dockerHost">, recipe: Recipe, hash: string, tarball: string, localName: string): Promise<string> {
    const packages = fs.existsSync(`${tarball}.packages`) ? fs.readFileSync(`${tarball}.packages`, "utf8").trim() : "";
    const args = ["import", "--message", `service-stack stand-in for ${recipe.standsInFor.join(", ")}`];
    for (const change of importChanges(recipe, hash, packages)) args.push("--change", change);
    const imported = await docker(engine, [...args, tarball, localName], { timeoutMs: 20 * MINUTE });
    const imageId = imported.stdout.trim().split("\n").pop() ?? "";
    if (!/^sha256:[0-9a-f]{64}$/.test(imageId)) throw new ImageBuildError(`image "${recipe.name}": docker import printed no image ID:\n${tail(imported.stdout + imported.stderr, 10)}`);
    return imageId;
}

// ---------------------------------------------------------------------------------------------------------------
// Locking and work dirs

async function withBuildLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    let announced = false;
    for (;;) {
        try {
            fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
            break;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
            let holder = 0;
            try {
                holder = Number(fs.readFileSync(lockFile, "utf8").trim() || 0);
            } catch {
                continue; // released between our attempt and the read
            }
            if (!holder || holder === process.pid || !alive(holder)) {
                fs.rmSync(lockFile, { force: true });
                continue;
            }
            if (!announced) log(`waiting for the image build lock (held by process ${holder})`);
            announced = true;
            await new Promise((r) => setTimeout(r, 2000));
        }
    }
    try {
        removeStaleWorkDirs();
        return await fn();
    } finally {
        fs.rmSync(lockFile, { force: true });
    }
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

function newWorkDir(label: string): string {
    const work = imageCache().work;
    fs.mkdirSync(work, { recursive: true });
    return fs.mkdtempSync(path.join(work, `${label}-`));
}

/**
 * Removes a work dir. Chroot mounts live in a private mount namespace that dies with its process, so none should be
 * visible here; if one is, the dir is left alone rather than deleting through a mount into the host.
 */
function removeWorkDir(dir: string): void {
    const mounted = mountsUnder([dir]);
    if (mounted.length > 0) {
        log(`not removing ${dir}: still mounted: ${mounted.join(", ")}`);
        return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
}

/** Work dirs of builds that died (we hold the build lock, so none is in use). */
function removeStaleWorkDirs(): void {
    const work = imageCache().work;
    if (!fs.existsSync(work)) return;
    for (const entry of fs.readdirSync(work)) removeWorkDir(path.join(work, entry));
}

// ---------------------------------------------------------------------------------------------------------------
// Chroot steps

/** Runs a step, failing with the image, the step and its output tail. */
async function step(image: string, name: string, command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
    const started = Date.now();
    const result = await runCommand(command, args, { env: options.env ?? { ...process.env, PATH: toolPath() }, timeoutMs: options.timeoutMs ?? 10 * MINUTE, allowFailure: true });
    if (result.code !== 0) {
        throw new ImageBuildError(`image "${image}": step "${name}" failed (exit ${result.code}):\n${tail(`${result.stdout}\n${result.stderr}`, 40)}`);
    }
    if (process.env.SERVICE_STACK_BUILD_VERBOSE) log(`${image}: ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return result;
}

/**
 * A shell script in the chroot, with /proc, /dev and the shared apt indexes and .deb cache mounted in a private mount
 * namespace: every mount vanishes when the step ends, whatever happens to it. The host network serves apt.
 */
function inChroot(image: string, name: string, root: string, script: string, timeoutMs?: number): Promise<CommandResult> {
    const cache = imageCache();
    const outer = [
        "set -e",
        'mount -t proc proc "$ROOT/proc"',
        'mount --rbind /dev "$ROOT/dev"',
        'mount --bind "$APT_LISTS" "$ROOT/var/lib/apt/lists"',
        'mount --bind "$APT_ARCHIVES" "$ROOT/var/cache/apt/archives"',
        'exec chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -ec "$SCRIPT"',
    ].join("\n");
    return step(image, name, "unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", outer], {
        env: { PATH: toolPath(), ROOT: root, APT_LISTS: cache.lists, APT_ARCHIVES: cache.archives, SCRIPT: script },
        timeoutMs,
    });
}

/** PATH for the build's tools: chroot, mount and getcap live in sbin, which a non-login PATH may lack. */
function toolPath(): string {
    return [process.env.PATH ?? "/usr/bin:/bin", "/usr/sbin", "/sbin"].join(path.delimiter);
}

function tarOptions(): string[] {
    // POSIX format carries xattrs (security.capability) as SCHILY.xattr records, which docker import applies.
    return ["--xattrs", "--xattrs-include=*", "--numeric-owner", "--format=posix"];
}

// ---------------------------------------------------------------------------------------------------------------
// Base root

/** Files the base root gets after debootstrap: apt sources and settings, a slim dpkg, no service starts. */
function baseFiles(): Record<string, { content: string; mode: number }> {
    return {
        "etc/apt/sources.list": {
            content: [
                `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${MIRROR} trixie main`,
                `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${MIRROR} sid main`,
                "",
            ].join("\n"),
            mode: 0o644,
        },
        "etc/apt/apt.conf.d/90service-stack": {
            content: [
                // The suites are read as archived snapshots may be; the .debs and indexes are shared between builds.
                'Acquire::Check-Valid-Until "false";',
                'APT::Install-Recommends "false";',
                'APT::Install-Suggests "false";',
                'APT::Sandbox::User "root";',
                'Dpkg::Options { "--force-confdef"; "--force-confold"; };',
                'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";',
                'APT::Keep-Downloaded-Packages "true";',
                "",
            ].join("\n"),
            mode: 0o644,
        },
        // As debian:*-slim: no docs, manuals or translations in the images.
        "etc/dpkg/dpkg.cfg.d/90service-stack-slim": {
            content: [
                "path-exclude /usr/share/doc/*",
                "path-include /usr/share/doc/*/copyright",
                "path-exclude /usr/share/man/*",
                "path-exclude /usr/share/groff/*",
                "path-exclude /usr/share/info/*",
                "path-exclude /usr/share/lintian/*",
                "path-exclude /usr/share/linda/*",
                "path-exclude /usr/share/locale/*",
                "",
            ].join("\n"),
            mode: 0o644,
        },
        // Package scripts must not start services in the chroot.
        "usr/sbin/policy-rc.d": { content: "#!/bin/sh\nexit 101\n", mode: 0o755 },
    };
}

async function ensureBase(): Promise<string> {
    const cache = imageCache();
    const tarball = path.join(cache.base, `${BASE_SUITE}-minbase-${baseKey()}.tar`);
    if (fs.existsSync(tarball)) return tarball;
    for (const dir of [cache.base, cache.debootstrap]) fs.mkdirSync(dir, { recursive: true });
    const started = Date.now();
    log(`base: debootstrap --variant=minbase ${BASE_SUITE} (once; cached as ${tarball})`);
    const work = newWorkDir("base");
    try {
        const root = path.join(work, "rootfs");
        await step("base", "debootstrap", "unshare", ["--mount", "--propagation", "private", "--",
            "debootstrap", "--variant=minbase", `--cache-dir=${cache.debootstrap}`, BASE_SUITE, root, MIRROR], { timeoutMs: 30 * MINUTE });
        for (const [rel, file] of Object.entries(baseFiles())) {
            fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
            fs.writeFileSync(path.join(root, rel), file.content, { mode: file.mode });
            fs.chmodSync(path.join(root, rel), file.mode);
        }
        cleanRoot(root);
        const partial = `${tarball}.partial`;
        await step("base", "tar", "tar", [...tarOptions(), "-C", root, "-cf", partial, "."]);
        fs.renameSync(partial, tarball);
        for (const old of fs.readdirSync(cache.base)) {
            if (old !== path.basename(tarball)) fs.rmSync(path.join(cache.base, old), { force: true });
        }
    } finally {
        removeWorkDir(work);
    }
    log(`base: ready in ${((Date.now() - started) / 1000).toFixed(0)}s`);
    return tarball;
}

/** What no image keeps: apt indexes and .debs, logs, docs, manuals, the build's resolv.conf, temp files. */
function cleanRoot(root: string): void {
    const emptyDir = (rel: string) => {
        const dir = path.join(root, rel);
        if (!fs.existsSync(dir)) return;
        for (const entry of fs.readdirSync(dir)) {
            if (rel === "var/cache/apt/archives" && entry === "partial") continue;
            if (rel === "var/lib/apt/lists" && entry === "partial") continue;
            fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
        }
    };
    for (const rel of ["var/lib/apt/lists", "var/cache/apt/archives", "var/log/apt", "tmp", "var/tmp", "usr/share/man", "usr/share/info", "usr/share/groff", "usr/share/lintian"]) emptyDir(rel);
    for (const rel of ["var/cache/apt/pkgcache.bin", "var/cache/apt/srcpkgcache.bin", "var/log/dpkg.log", "var/log/alternatives.log", "var/log/bootstrap.log", "root/.bash_history"]) {
        fs.rmSync(path.join(root, rel), { force: true });
    }
    const debconf = path.join(root, "var/cache/debconf");
    if (fs.existsSync(debconf)) for (const f of fs.readdirSync(debconf)) if (f.endsWith("-old")) fs.rmSync(path.join(debconf, f), { force: true });
    const doc = path.join(root, "usr/share/doc");
    if (fs.existsSync(doc)) {
        for (const pkg of fs.readdirSync(doc)) {
            const dir = path.join(doc, pkg);
            if (!fs.lstatSync(dir).isDirectory()) continue;
            for (const f of fs.readdirSync(dir)) if (f !== "copyright") fs.rmSync(path.join(dir, f), { recursive: true, force: true });
        }
    }
    // Docker bind-mounts its own resolv.conf, hosts and hostname; the image keeps empty files as debian:* does.
    for (const rel of ["etc/resolv.conf", "etc/hosts", "etc/hostname"]) {
        const file = path.join(root, rel);
        fs.rmSync(file, { force: true });
        fs.writeFileSync(file, "", { mode: 0o644 });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Image root

/** What a build needs of this machine, checked before anything starts, each missing piece named. */
function preflight(recipe: Recipe): void {
    const problems: string[] = [];
    if (process.getuid && process.getuid() !== 0) problems.push("building needs root (chroot, mounts, file owners)");
    const pathDirs = (process.env.PATH ?? "").split(path.delimiter).concat(["/usr/sbin", "/sbin"]);
    for (const tool of ["debootstrap", "unshare", "chroot", "getcap", "tar", "mount"]) {
        if (!pathDirs.some((dir) => dir && fs.existsSync(path.join(dir, tool)))) problems.push(`${tool} is not installed`);
    }
    if (problems.length > 0) {
        throw new ImageBuildError(`image "${recipe.name}": cannot build here: ${problems.join("; ")} (bash .ci/install-engine.sh installs the tools)`);
    }
}

/** Builds the recipe's root and writes it as `tarball` (with `<tarball>.packages`: the versions installed). */
async function buildRootTarball(recipe: Recipe, hash: string, tarball: string): Promise<void> {
    preflight(recipe);
    const cache = imageCache();
    for (const dir of [cache.saved, cache.lists, cache.archives]) fs.mkdirSync(dir, { recursive: true });
    const base = await ensureBase();
    const started = Date.now();
    log(`${recipe.name}: building stand-in for ${recipe.standsInFor.join(", ")} from ${Object.entries(recipe.packages).map(([p, v]) => `${p}=${v}`).join(" ")}`);
    const work = newWorkDir(recipe.name);
    try {
        const root = path.join(work, "rootfs");
        fs.mkdirSync(root);
        await step(recipe.name, "unpack base", "tar", [...tarOptions(), "-C", root, "-xpf", base]);
        fs.copyFileSync("/etc/resolv.conf", path.join(root, "etc/resolv.conf"));

        await ensureServed(recipe, root);
        if (recipe.preInstall) await inChroot(recipe.name, "preInstall", root, recipe.preInstall);
        const pinned = Object.entries(recipe.packages).map(([p, v]) => `${p}=${v}`);
        const data = [...(recipe.extras ?? []), ...(recipe.layout.kind === "busybox" ? BUSYBOX_DATA_PACKAGES : [])];
        await inChroot(recipe.name, "apt-get install", root,
            `apt-get install -y -q --no-install-recommends -t ${recipe.suite} ${[...pinned, ...data].map(shellQuote).join(" ")}`, 30 * MINUTE);
        if (recipe.setup) await inChroot(recipe.name, "setup", root, recipe.setup);
        copyFiles(recipe, root);
        const versions = await inChroot(recipe.name, "package versions", root,
            `dpkg-query -W -f '\${Package}=\${Version}\\n' ${[...Object.keys(recipe.packages), ...data].map(shellQuote).join(" ")}`);
        const installed = versions.stdout.trim().split("\n").filter(Boolean).join(" ");

        let finalRoot = root;
        if (recipe.layout.kind === "busybox") {
            finalRoot = path.join(work, "distilled");
            await distill(recipe, recipe.layout, root, finalRoot);
        }
        cleanRoot(finalRoot);
        await checkFileCapabilities(recipe, finalRoot);

        const partial = `${tarball}.partial`;
        await step(recipe.name, "tar", "tar", [...tarOptions(), "-C", finalRoot, "-cf", partial, "."]);
        fs.writeFileSync(`${tarball}.packages`, installed + "\n");
        fs.renameSync(partial, tarball);
        log(`${recipe.name}: root built in ${((Date.now() - started) / 1000).toFixed(0)}s (${(fs.statSync(tarball).size / 1048576).toFixed(0)} MiB; hash ${hash.slice(0, 12)})`);
    } finally {
        removeWorkDir(work);
    }
}

function shellQuote(s: string): string {
    return /^[A-Za-z0-9_.:+=\/,@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every pinned version must be served by the suites: apt's indexes are refreshed when stale, and once more when a
 * version is missing, before the build fails naming the image, package, wanted version and what is served.
 */
async function ensureServed(recipe: Recipe, root: string): Promise<void> {
    const cache = imageCache();
    const stamp = path.join(cache.lists, ".service-stack-updated");
    const refresh = async () => {
        await inChroot(recipe.name, "apt-get update", root, "apt-get update -q", 10 * MINUTE);
        fs.writeFileSync(stamp, new Date().toISOString());
    };
    const stale = !fs.existsSync(stamp) || Date.now() - fs.statSync(stamp).mtimeMs > APT_LISTS_MAX_AGE_MS;
    let refreshed = false;
    if (stale) {
        try {
            await refresh();
            refreshed = true;
        } catch (err) {
            if (!fs.existsSync(stamp)) throw err;
            log(`${recipe.name}: apt indexes could not be refreshed, using the cached ones (${(err as Error).message.split("\n")[0]})`);
        }
    }
    for (;;) {
        const served = await servedVersions(recipe, root);
        const missing = Object.entries(recipe.packages).filter(([p, v]) => !(served.get(p) ?? []).some((s) => s.version === v));
        if (missing.length === 0) return;
        if (!refreshed) {
            await refresh();
            refreshed = true;
            continue;
        }
        const lines = missing.map(([p, v]) => {
            const offered = (served.get(p) ?? []).map((s) => `${s.version} (${s.suite})`).join(", ") || "none";
            return `package ${p} version ${v} is not served by ${MIRROR} trixie/sid (served: ${offered})`;
        });
        throw new ImageBuildError(`image "${recipe.name}" (stand-in for ${recipe.standsInFor.join(", ")}): ${lines.join("; ")}; update test/containers/images/${recipe.name}.ts`);
    }
}

async function servedVersions(recipe: Recipe, root: string): Promise<Map<string, { version: string; suite: string }[]>> {
    const names = Object.keys(recipe.packages);
    const out = await inChroot(recipe.name, "apt-cache madison", root, `apt-cache madison ${names.map(shellQuote).join(" ")} || true`);
    const served = new Map<string, { version: string; suite: string }[]>();
    for (const line of out.stdout.split("\n")) {
        const [pkg, version, source] = line.split("|").map((s) => s.trim());
        if (!pkg || !version || !source || !source.endsWith("Packages")) continue;
        const suite = source.split(" ")[1]?.split("/")[0] ?? "?";
        served.set(pkg, [...(served.get(pkg) ?? []), { version, suite }]);
    }
    return served;
}

function copyFiles(recipe: Recipe, root: string): void {
    for (const file of recipe.files ?? []) {
        const source = path.join(FILES_DIR, file.source);
        const target = path.join(root, file.target);
        if (!path.isAbsolute(file.target) || path.relative(root, target).startsWith("..")) {
            throw new ImageBuildError(`image "${recipe.name}": file target ${file.target} must be an absolute path in the image`);
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(source, target);
        const [uid, gid] = (file.owner ?? "0:0").split(":").map(Number);
        fs.chownSync(target, uid ?? 0, gid ?? uid ?? 0);
        fs.chmodSync(target, file.mode);
    }
}

/** Fails unless the root's file capabilities are exactly the recipe's: Debian's postinsts may set some of their own. */
async function checkFileCapabilities(recipe: Recipe, root: string): Promise<void> {
    const out = await step(recipe.name, "getcap", "getcap", ["-r", root]);
    const found: Record<string, string> = {};
    for (const line of out.stdout.split("\n").map((l) => l.trim()).filter(Boolean)) {
        const at = line.lastIndexOf(" ");
        const file = line.slice(0, at).replace(/ =$/, "");
        found[`/${path.relative(root, file)}`] = line.slice(at + 1).replace(/^=/, "");
    }
    const wanted = recipe.fileCapabilities ?? {};
    const problems: string[] = [];
    for (const [file, caps] of Object.entries(wanted)) {
        const resolved = Object.keys(found).find((f) => f === file || realIn(root, file) === f);
        if (!resolved || found[resolved] !== caps) problems.push(`${file} should carry ${caps} but carries ${resolved ? found[resolved] : "none"}`);
    }
    for (const [file, caps] of Object.entries(found)) {
        const expected = Object.keys(wanted).some((w) => w === file || realIn(root, w) === file);
        if (!expected) problems.push(`${file} carries ${caps}, which the official image's binary does not (with every capability dropped it would not run)`);
    }
    if (problems.length > 0) throw new ImageBuildError(`image "${recipe.name}": step "file capabilities" failed:\n${problems.join("\n")}`);
}

/** `/bin/caddy` in a merged-/usr root is `/usr/bin/caddy`. */
function realIn(root: string, file: string): string {
    return `/${resolveInRoot(root, file).final}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Busybox layout

/**
 * Resolves `abs` inside `root` as the kernel would in a chroot: every symlink met on the way is returned (relative to
 * root) so the distilled root keeps the chain, and `final` is the real path.
 */
function resolveInRoot(root: string, abs: string): { links: string[]; final: string } {
    const links: string[] = [];
    let pending = abs.split("/").filter(Boolean);
    let current: string[] = [];
    for (let hops = 0; pending.length > 0;) {
        const part = pending.shift()!;
        if (part === ".") continue;
        if (part === "..") {
            current.pop();
            continue;
        }
        const rel = [...current, part].join("/");
        let stat: fs.Stats | undefined;
        try {
            stat = fs.lstatSync(path.join(root, rel));
        } catch {
            stat = undefined;
        }
        if (stat?.isSymbolicLink()) {
            if (++hops > 40) throw new Error(`symlink loop at /${rel} in ${root}`);
            links.push(rel);
            const target = fs.readlinkSync(path.join(root, rel));
            pending = [...target.split("/").filter(Boolean), ...pending];
            if (target.startsWith("/")) current = [];
            continue;
        }
        current.push(part);
    }
    return { links, final: current.join("/") };
}

/** Copies the kept paths, their libraries and busybox into a fresh root, and gives it busybox's accounts and dirs. */
async function distill(recipe: Recipe, layout: BusyboxLayout, root: string, target: string): Promise<void> {
    const entries = new Set<string>();
    const walked = new Set<string>();
    const addWithParents = (rel: string) => {
        const parts = rel.split("/").filter(Boolean);
        for (let i = 1; i <= parts.length; i++) entries.add(parts.slice(0, i).join("/"));
    };
    const addPath = (abs: string, recursive: boolean) => {
        const { links, final } = resolveInRoot(root, abs);
        for (const link of links) {
            addWithParents(path.posix.dirname(link) === "." ? "" : path.posix.dirname(link));
            entries.add(link);
        }
        const full = path.join(root, final);
        if (!fs.existsSync(full)) throw new ImageBuildError(`image "${recipe.name}": step "distill" failed: ${abs} is not in the installed root`);
        addWithParents(final);
        // A directory is walked once: zoneinfo's `posix -> .` would otherwise loop.
        if (recursive && fs.lstatSync(full).isDirectory() && !walked.has(final)) {
            walked.add(final);
            for (const child of fs.readdirSync(full)) addPath(`/${final}/${child}`, true);
        }
    };
    // Merged /usr: /bin, /sbin, /lib, /lib64 are symlinks into /usr in the root; keep them so /bin/sh, /lib64/ld-… resolve.
    for (const top of ["bin", "sbin", "lib", "lib64"]) {
        const p = path.join(root, top);
        if (fs.existsSync(p) && fs.lstatSync(p).isSymbolicLink()) entries.add(top);
    }
    for (const keep of [...layout.keep, "/usr/bin/busybox", "/etc/ssl/certs/ca-certificates.crt", "/usr/share/zoneinfo", "/etc/services", "/etc/nsswitch.conf"]) addPath(keep, true);

    // Shared libraries of every ELF file kept, as the chroot's loader resolves them.
    const elves = [...entries].filter((rel) => isElf(path.join(root, rel)));
    const ldd = await inChroot(recipe.name, "ldd", root, `for f in ${elves.map((e) => shellQuote(`/${e}`)).join(" ")}; do ldd "$f" 2>/dev/null || true; done`);
    for (const lib of new Set(ldd.stdout.split("\n").map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter((p): p is string => !!p))) addPath(lib, false);

    // Parents before children, so tar restores each directory's owner and mode from the root.
    const list = [...entries].filter(Boolean).sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
    const listFile = path.join(path.dirname(target), "distill.list");
    fs.writeFileSync(listFile, list.join("\n") + "\n");
    fs.mkdirSync(target);
    await step(recipe.name, "distill", "/bin/sh", ["-c", `tar ${tarOptions().join(" ")} -C "$ROOT" --no-recursion -cf - -T "$LIST" | tar ${tarOptions().slice(0, 3).join(" ")} -C "$TARGET" -xpf -`], {
        env: { PATH: toolPath(), ROOT: root, LIST: listFile, TARGET: target },
    });

    // Busybox applets: every name busybox offers, where nothing kept has that name already (GNU wget wins).
    const applets = await inChroot(recipe.name, "busybox applets", root, "busybox --list-full");
    // Only applets that live in a bin directory (not busybox's /linuxrc init link).
    for (const applet of applets.stdout.split("\n").map((l) => l.trim()).filter((l) => /^(usr\/)?s?bin\/[^/]+$/.test(l))) {
        const dir = resolveInRoot(target, `/${path.posix.dirname(applet)}`).final;
        const link = path.join(target, dir, path.posix.basename(applet));
        fs.mkdirSync(path.dirname(link), { recursive: true });
        if (!lexists(link)) fs.symlinkSync("/usr/bin/busybox", link);
    }

    // Accounts: root and nobody as in busybox and alpine, plus the recipe's.
    const users = [{ name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh" }, { name: "nobody", uid: 65534, gid: 65534, home: "/home", shell: "/bin/false" },
        ...(layout.users ?? []).map((u) => ({ ...u, shell: "/bin/false" }))];
    fs.writeFileSync(path.join(target, "etc/passwd"), users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.name}:${u.home}:${u.shell}`).join("\n") + "\n", { mode: 0o644 });
    fs.writeFileSync(path.join(target, "etc/group"), users.map((u) => `${u.name}:x:${u.gid}:`).join("\n") + "\n", { mode: 0o644 });
    fs.writeFileSync(path.join(target, "etc/shadow"), users.map((u) => `${u.name}:!::0:::::`).join("\n") + "\n", { mode: 0o640 });
    for (const [dir, mode] of [["tmp", 0o1777], ["root", 0o700], ["home", 0o755], ["proc", 0o555], ["sys", 0o555], ["dev", 0o755], ["run", 0o755], ["var", 0o755]] as const) {
        const full = path.join(target, dir);
        if (!fs.existsSync(full)) fs.mkdirSync(full);
        fs.chmodSync(full, mode);
    }
    for (const rel of ["etc/resolv.conf", "etc/hosts", "etc/hostname"]) fs.writeFileSync(path.join(target, rel), "", { mode: 0o644 });
}

function lexists(p: string): boolean {
    try {
        fs.lstatSync(p);
        return true;
    } catch {
        return false;
    }
}

function isElf(file: string): boolean {
    try {
        const stat = fs.lstatSync(file);
        if (!stat.isFile() || stat.size < 4) return false;
        const fd = fs.openSync(file, "r");
        const head = Buffer.alloc(4);
        fs.readSync(fd, head, 0, 4, 0);
        fs.closeSync(fd);
        return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    } catch {
        return false;
    }
}
