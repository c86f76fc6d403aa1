// Stands in for prom/alertmanager:v0.28.1 (prometheus/alertmanager Dockerfile at v0.28.1: FROM quay.io/prometheus/busybox).
import { BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "alertmanager",
    standsInFor: ["prom/alertmanager:v0.28.1"],
    // trixie carries exactly 0.28.1 (sid has 0.33).
    suite: "trixie",
    packages: { "prometheus-alertmanager": "0.28.1+ds-1", ...BUSYBOX_PACKAGE },
    // The official image: /bin/alertmanager and /bin/amtool, an example /etc/alertmanager/alertmanager.yml, and
    // /etc/alertmanager and the /alertmanager volume owned by nobody. Debian's build reads its notification templates
    // from /usr/share/prometheus/alertmanager (upstream embeds them), so they are kept.
    setup: [
        "mv /usr/bin/prometheus-alertmanager /usr/bin/alertmanager",
        "mkdir -p /etc/alertmanager /alertmanager",
        "cp /etc/prometheus/alertmanager.yml /etc/alertmanager/alertmanager.yml",
        "chown -R 65534:65534 /etc/alertmanager /alertmanager",
    ].join("\n"),
    layout: { kind: "busybox", keep: ["/usr/bin/alertmanager", "/usr/bin/amtool", "/etc/alertmanager", "/alertmanager", "/usr/share/prometheus/alertmanager"] },
    config: {
        user: "nobody",
        workdir: "/alertmanager",
        entrypoint: ["/bin/alertmanager"],
        cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
        env: {},
        volumes: ["/alertmanager"],
        expose: ["9093"],
        labels: {
            maintainer: "The Prometheus Authors <prometheus-developers@googlegroups.com>",
            "org.opencontainers.image.source": "https://github.com/prometheus/alertmanager",
        },
    },
    checks: [
        { argv: ["/bin/alertmanager", "--version"], expect: /alertmanager, version 0\.28\.1/ },
        { argv: ["/bin/amtool", "--version"], expect: /amtool, version 0\.28\.1/ },
        { argv: ["id"], expect: /^uid=65534\(nobody\) gid=65534\(nobody\)/ },
        { argv: ["stat", "-c", "%a %u:%g %n", "/alertmanager", "/etc/alertmanager", "/etc/alertmanager/alertmanager.yml"], expect: /^755 65534:65534 \/alertmanager\n755 65534:65534 \/etc\/alertmanager\n644 65534:65534 \/etc\/alertmanager\/alertmanager.yml$/ },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\""], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox$/ },
    ],
};
