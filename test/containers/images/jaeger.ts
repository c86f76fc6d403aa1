// Stands in for cr.jaegertracing.io/jaegertracing/jaeger:2.11.0 (cmd/jaeger/Dockerfile: FROM alpine, USER 10001, ENTRYPOINT /cmd/jaeger/jaeger-linux); Jaeger is not in Debian.
import { Recipe } from "./recipe";
import { STANDIN_CHECKS, STANDIN_ENV, STANDIN_KEEP, STANDIN_MODULE, STANDIN_PACKAGES } from "./files/standin/runtime";

export const recipe: Recipe = {
    name: "jaeger",
    standsInFor: ["cr.jaegertracing.io/jaegertracing/jaeger:2.11.0"],
    suite: "trixie",
    packages: STANDIN_PACKAGES,
    files: [{ source: "jaeger/jaeger-linux", target: "/cmd/jaeger/jaeger-linux", mode: 0o755 }, STANDIN_MODULE],
    // The official image adds no account for 10001: the process runs as a bare uid, as here.
    layout: { kind: "busybox", keep: [...STANDIN_KEEP, "/cmd/jaeger"] },
    config: {
        user: "10001",
        entrypoint: ["/cmd/jaeger/jaeger-linux"],
        env: { JAEGER_LISTEN_HOST: "0.0.0.0", ...STANDIN_ENV },
        volumes: ["/tmp"],
        expose: ["5778", "5779", "4317", "4318", "14268", "14250", "9411", "16686", "13132", "13133"],
    },
    checks: [
        ...STANDIN_CHECKS,
        { argv: ["id", "-u"], expect: /^10001$/m },
        // Without --config the real binary runs its built-in all-in-one configuration; the stand-in says it has none.
        { argv: ["/cmd/jaeger/jaeger-linux"], expect: /no --config: the stand-in does not carry Jaeger's built-in all-in-one configuration/ },
    ],
};
