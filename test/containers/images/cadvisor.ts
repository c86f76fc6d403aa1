// Stands in for gcr.io/cadvisor/cadvisor:v0.52.1 (deploy/Dockerfile: FROM alpine, root, ENTRYPOINT /usr/bin/cadvisor -logtostderr); cAdvisor is not in Debian.
import { Recipe } from "./recipe";
import { STANDIN_CHECKS, STANDIN_ENV, STANDIN_KEEP, STANDIN_MODULE, STANDIN_PACKAGES } from "./files/standin/runtime";

export const recipe: Recipe = {
    name: "cadvisor",
    standsInFor: ["gcr.io/cadvisor/cadvisor:v0.52.1"],
    suite: "trixie",
    packages: STANDIN_PACKAGES,
    files: [{ source: "cadvisor/cadvisor", target: "/usr/bin/cadvisor", mode: 0o755 }, STANDIN_MODULE],
    layout: { kind: "busybox", keep: [...STANDIN_KEEP, "/usr/bin/cadvisor"] },
    config: {
        // No USER: root, as the official image (the program drops every capability).
        entrypoint: ["/usr/bin/cadvisor", "-logtostderr"],
        // The official HEALTHCHECK's URL; `docker import` cannot set a HEALTHCHECK, and the program declares its own.
        env: { CADVISOR_HEALTHCHECK_URL: "http://localhost:8080/healthz", ...STANDIN_ENV },
        expose: ["8080"],
    },
    checks: [
        ...STANDIN_CHECKS,
        { argv: ["id", "-u"], expect: /^0$/m },
        { argv: ["/usr/bin/cadvisor", "-logtostderr", "--version"], expect: /^cAdvisor version v0\.52\.1/m },
        { argv: ["/usr/bin/cadvisor", "-logtostderr", "--no_such_flag"], expect: /flag provided but not defined: -no_such_flag/ },
    ],
};
