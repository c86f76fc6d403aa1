// Stands in for grafana/grafana:12.2.1 (Dockerfile: FROM alpine, Grafana as 472:0, ENTRYPOINT /run.sh); Grafana is not in Debian.
import { DEFAULT_PATH, Recipe } from "./recipe";
import { STANDIN_CHECKS, STANDIN_ENV, STANDIN_KEEP, STANDIN_MODULE, STANDIN_PACKAGES } from "./files/standin/runtime";

/** The official image's paths (its ENV), which run.sh and the server read. */
const GF_PATHS = {
    GF_PATHS_CONFIG: "/etc/grafana/grafana.ini",
    GF_PATHS_DATA: "/var/lib/grafana",
    GF_PATHS_HOME: "/usr/share/grafana",
    GF_PATHS_LOGS: "/var/log/grafana",
    GF_PATHS_PLUGINS: "/var/lib/grafana/plugins",
    GF_PATHS_PROVISIONING: "/etc/grafana/provisioning",
} as const;

const PROVISIONING_DIRS = ["datasources", "dashboards", "notifiers", "plugins", "access-control", "alerting"];

export const recipe: Recipe = {
    name: "grafana",
    standsInFor: ["grafana/grafana:12.2.1"],
    suite: "trixie",
    packages: STANDIN_PACKAGES,
    // As the Dockerfile: the provisioning directories, logs, plugins and data (the volume's initial content) belong to
    // grafana:root and are mode 777 all the way down; the home has an .aws directory the same way.
    setup: [
        "set -e",
        `mkdir -p ${PROVISIONING_DIRS.map((d) => `${GF_PATHS.GF_PATHS_PROVISIONING}/${d}`).join(" ")} ${GF_PATHS.GF_PATHS_LOGS} ${GF_PATHS.GF_PATHS_PLUGINS} ${GF_PATHS.GF_PATHS_HOME}/.aws ${GF_PATHS.GF_PATHS_HOME}/conf ${GF_PATHS.GF_PATHS_HOME}/bin`,
        `chown -R 472:0 ${GF_PATHS.GF_PATHS_DATA} ${GF_PATHS.GF_PATHS_HOME}/.aws ${GF_PATHS.GF_PATHS_LOGS} ${GF_PATHS.GF_PATHS_PROVISIONING}`,
        `chmod -R 777 ${GF_PATHS.GF_PATHS_DATA} ${GF_PATHS.GF_PATHS_HOME}/.aws ${GF_PATHS.GF_PATHS_LOGS} ${GF_PATHS.GF_PATHS_PROVISIONING}`,
    ].join("\n"),
    files: [
        { source: "grafana/run.sh", target: "/run.sh", mode: 0o755 },
        { source: "grafana/grafana", target: `${GF_PATHS.GF_PATHS_HOME}/bin/grafana`, mode: 0o755 },
        { source: "grafana/defaults.ini", target: `${GF_PATHS.GF_PATHS_HOME}/conf/defaults.ini`, mode: 0o644 },
        // The Dockerfile copies conf/sample.ini (every setting commented out) to GF_PATHS_CONFIG.
        { source: "grafana/grafana.ini", target: GF_PATHS.GF_PATHS_CONFIG, mode: 0o644 },
        STANDIN_MODULE,
    ],
    layout: {
        kind: "busybox",
        keep: [...STANDIN_KEEP, "/run.sh", GF_PATHS.GF_PATHS_HOME, "/etc/grafana", GF_PATHS.GF_PATHS_DATA, GF_PATHS.GF_PATHS_LOGS],
        // adduser -S -u 472 -G root grafana: the user is in root's group, which the official image does not rename.
        users: [{ name: "grafana", uid: 472, gid: 0, home: "/home/grafana" }],
    },
    config: {
        user: "472",
        entrypoint: ["/run.sh"],
        env: { PATH: `${GF_PATHS.GF_PATHS_HOME}/bin:${DEFAULT_PATH}`, ...GF_PATHS, ...STANDIN_ENV },
        workdir: GF_PATHS.GF_PATHS_HOME,
        expose: ["3000"],
        labels: { maintainer: "Grafana Labs <hello@grafana.com>", "org.opencontainers.image.source": "https://github.com/grafana/grafana" },
    },
    checks: [
        ...STANDIN_CHECKS,
        { argv: ["id", "-u"], expect: /^472$/m },
        { argv: ["id", "-g"], expect: /^0$/m },
        { argv: ["stat", "-c", "%n %u:%g %a", GF_PATHS.GF_PATHS_DATA, GF_PATHS.GF_PATHS_PLUGINS, `${GF_PATHS.GF_PATHS_PROVISIONING}/datasources`, `${GF_PATHS.GF_PATHS_PROVISIONING}/dashboards`],
          expect: /^\/var\/lib\/grafana 472:0 777\n\/var\/lib\/grafana\/plugins 472:0 777\n\/etc\/grafana\/provisioning\/datasources 472:0 777\n\/etc\/grafana\/provisioning\/dashboards 472:0 777$/m },
        { argv: ["sh", "-c", "command -v grafana; test -r \"$GF_PATHS_HOME/conf/defaults.ini\" && test -r \"$GF_PATHS_CONFIG\" && echo readable"], expect: /^\/usr\/share\/grafana\/bin\/grafana\nreadable$/m },
        // The server parses its arguments as Grafana's CLI does before it reads anything.
        { argv: ["grafana", "server", "--no-such-flag"], expect: /flag provided but not defined: --no-such-flag/ },
    ],
};
