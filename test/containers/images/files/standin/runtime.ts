// The runtime shared by the stand-ins for grafana/grafana:12.2.1, cr.jaegertracing.io/jaegertracing/jaeger:2.11.0 and gcr.io/cadvisor/cadvisor:v0.52.1.
import { BUSYBOX_PACKAGE, GNU_WGET_PACKAGE, RecipeFile } from "../../recipe";

/**
 * The three official images are Alpine-based and run one Go binary; Debian packages none of them, so their stand-ins
 * are Python 3 programs (standin.py beside this file) on a busybox userland, like Alpine's. Their healthcheck tool is
 * wget, which Alpine's busybox runs with TLS 1.3 (through ssl_client): GNU wget stands in for it (see recipe.ts),
 * kept in /usr/bin where busybox would otherwise link its own applet, which speaks TLS 1.2 only.
 */
export const STANDIN_PACKAGES: Readonly<Record<string, string>> = {
    python3: "3.13.5-1",
    "python3-yaml": "6.0.2-1+b2",
    ...GNU_WGET_PACKAGE,
    ...BUSYBOX_PACKAGE,
};

/** The paths the busybox layout keeps for the Python runtime, PyYAML, the shared module and GNU wget. */
export const STANDIN_KEEP: readonly string[] = [
    "/usr/bin/python3",
    "/usr/lib/python3.13",
    "/usr/lib/python3/dist-packages",
    "/etc/python3.13",
    "/usr/bin/wget",
    "/etc/wgetrc",
];

/** The module every stand-in imports, on Debian's Python path. */
export const STANDIN_MODULE: RecipeFile = { source: "standin/standin.py", target: "/usr/lib/python3/dist-packages/standin.py", mode: 0o644 };

/** The root filesystem is read-only in the stack: Python must not try to write bytecode caches. */
export const STANDIN_ENV: Readonly<Record<string, string>> = { PYTHONDONTWRITEBYTECODE: "1" };

/** Checks every stand-in image passes: its Python has PyYAML and TLS 1.3, and `wget` is GNU wget with TLS. */
export const STANDIN_CHECKS = [
    { argv: ["python3", "-c", "import ssl, yaml, standin; print('tls13', ssl.HAS_TLSv1_3, 'yaml', yaml.__version__)"], expect: /^tls13 True yaml 6\.0\.2$/m },
    { argv: ["wget", "--version"], expect: /GNU Wget 1\.25\.0[\s\S]*\+https/ },
] as const;
