import { expect } from "chai";
import { cachedImage, imageSource, parseImage, upstreamsInUse } from "../../../../components/platforms/aws/imageSources";
import { isDockerHubImage, isPrivateEcrImage } from "../../../../policy/lib/ecsTasks";

const CACHE = { pullThroughCache: true };
const HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

describe("where a task pulls an image from", () => {
    it("reads references as Docker does: Docker Hub by default, official images under library/, tag and digest kept", () => {
        expect(parseImage("postgres:18.1")).to.deep.equal({ registry: "docker.io", repository: "library/postgres", reference: ":18.1" });
        expect(parseImage("prom/prometheus:v3.5.0@sha256:" + "a".repeat(64))).to.deep.equal({ registry: "docker.io", repository: "prom/prometheus", reference: ":v3.5.0@sha256:" + "a".repeat(64) });
        expect(parseImage("registry.example.com:5000/team/api:1.4.2")).to.deep.equal({ registry: "registry.example.com:5000", repository: "team/api", reference: ":1.4.2" });
    });

    for (const [image, pulled] of [
        ["postgres:18.1", `${HOST}/s-hub/library/postgres:18.1`],
        ["oliver006/redis_exporter:v1.76.0-alpine", `${HOST}/s-hub/oliver006/redis_exporter:v1.76.0-alpine`],
        ["cr.jaegertracing.io/jaegertracing/jaeger:2.11.0", `${HOST}/s-hub/jaegertracing/jaeger:2.11.0`],
        ["quay.io/prometheuscommunity/postgres-exporter:v0.18.1", `${HOST}/s-quay/prometheuscommunity/postgres-exporter:v0.18.1`],
        ["public.ecr.aws/aws-cli/aws-cli:2.27.0", `${HOST}/s-ecr/aws-cli/aws-cli:2.27.0`],
    ] as const) {
        it(`pulls ${image} through the cache as ${pulled}, an image the policy pack sees in ECR, not on Docker Hub`, () => {
            const source = imageSource(image, CACHE);
            expect(source.kind).to.equal("cache");
            if (source.kind !== "cache") return;
            const result = cachedImage(source.ref, HOST, `s-${source.upstream.suffix}`);
            expect(result).to.equal(pulled);
            expect(isPrivateEcrImage(result)).to.equal(true);
            expect(isDockerHubImage(result)).to.equal(false);
        });
    }

    it("takes ECR images as written, the team registry with credentials, anything as written with the cache off", () => {
        expect(imageSource(`${HOST}/agente-api:1.4.2`, CACHE).kind).to.equal("ecr");
        expect(imageSource("registry.example.com/agente-api:1.4.2", { ...CACHE, teamRegistry: "registry.example.com" }).kind).to.equal("team-registry");
        expect(imageSource("registry.example.com/agente-api:1.4.2", CACHE).kind).to.equal("unsupported");
        expect(imageSource("gcr.io/cadvisor/cadvisor:v0.52.1", CACHE).kind).to.equal("unsupported");
        expect(imageSource("postgres:18.1", { pullThroughCache: false }).kind).to.equal("anonymous");
    });

    it("declares a cache rule only for the upstreams in use, each once", () => {
        expect(upstreamsInUse(["postgres:18.1", "prom/prometheus:v3.5.0", "quay.io/x/y:1"], CACHE).map((u) => u.id)).to.deep.equal(["docker-hub", "quay"]);
        expect(upstreamsInUse(["postgres:18.1"], { pullThroughCache: false })).to.deep.equal([]);
    });
});
