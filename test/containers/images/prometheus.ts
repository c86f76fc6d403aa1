// Stands in for prom/prometheus:v3.5.0 (prometheus/prometheus Dockerfile at v3.5.0: FROM quay.io/prometheus/busybox).
import { BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "prometheus",
    standsInFor: ["prom/prometheus:v3.5.0"],
    // sid carries 3.5.3, the deployed v3 LTS line (trixie has 2.53).
    suite: "sid",
    packages: { prometheus: "3.5.3+ds1-6", promtool: "3.5.3+ds1-6", ...BUSYBOX_PACKAGE },
    // The official image: /bin/prometheus and /bin/promtool, an example /etc/prometheus/prometheus.yml (Debian's here),
    // no consoles (dropped in v3), /etc/prometheus and the /prometheus volume owned by nobody, /prometheus group-writable.
    setup: [
        "rm -rf /etc/prometheus/consoles /etc/prometheus/console_libraries",
        "mkdir -p /prometheus",
        "chown -R 65534:65534 /etc/prometheus /prometheus",
        "chmod g+w /prometheus",
    ].join("\n"),
    layout: { kind: "busybox", keep: ["/usr/bin/prometheus", "/usr/bin/promtool", "/etc/prometheus", "/prometheus"] },
    config: {
        user: "nobody",
        workdir: "/prometheus",
        entrypoint: ["/bin/prometheus"],
        cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
        env: {},
        volumes: ["/prometheus"],
        expose: ["9090"],
        labels: {
            maintainer: "The Prometheus Authors <prometheus-developers@googlegroups.com>",
            "org.opencontainers.image.source": "https://github.com/prometheus/prometheus",
        },
    },
    checks: [
        { argv: ["/bin/prometheus", "--version"], expect: /prometheus, version 3\.5\.3/ },
        { argv: ["/bin/promtool", "--version"], expect: /promtool, version 3\.5\.3/ },
        { argv: ["id"], expect: /^uid=65534\(nobody\) gid=65534\(nobody\)/ },
        { argv: ["stat", "-c", "%a %u:%g %n", "/prometheus", "/etc/prometheus", "/etc/prometheus/prometheus.yml"], expect: /^775 65534:65534 \/prometheus\n755 65534:65534 \/etc\/prometheus\n644 65534:65534 \/etc\/prometheus\/prometheus.yml$/ },
        { argv: ["pwd"], expect: /^\/prometheus$/ },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\""], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox$/ },
    ],
};
