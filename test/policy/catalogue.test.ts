import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PLAIN_HTTP_JOBS } from "../../components/render/prometheus";
import { CONFIG_PATHS, EDGE_CONTAINER_PORTS, JAEGER_PORTS, SECRETS_DIR, servingSpecs, workloadSpecs } from "../../components/workloads/catalogue";
import { DEFAULT_IMAGES } from "../../components/settings/defaults";
import { SERVICES, WORKLOADS } from "../../components/settings/types";
import { imageLocation } from "../../policy/lib/images";
import { DEFAULT_DATA_PORTS } from "../../policy/policies/network/publishedPorts";
import { DEFAULT_SECRET_PATHS } from "../../policy/policies/secrets/secretFiles";
import { SERVICE_COMPONENTS } from "../../policy/policies/stack/services";
import { requireWebConfigTlsAndAuth } from "../../policy/policies/tls/monitoring";
import { globMatches } from "../../policy/lib/config";
import { stackSettings } from "../../harness/stackSettings";

/**
 * The pack is self-contained (the CLI runs it from policy/), so it repeats a few of the program's constants on
 * purpose. These tests keep the copies, and each environment's policy config, in step with the program.
 */

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "policy", "config");
const STACKS = { dev: "local", staging: "staging", production: "production" } as const;

function policyConfig(environment: string): Record<string, Record<string, unknown>> {
    const file = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${environment}.json`), "utf8")) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(file).map(([k, v]) => [k, typeof v === "string" ? { enforcementLevel: v } : (v as Record<string, unknown>)]));
}

describe("the pack's copies of the program's constants", () => {
    it("names the seven services as the program's components do", () => {
        expect(SERVICE_COMPONENTS.map((s) => s.toLowerCase())).to.deep.equal([...SERVICES]);
    });

    it("treats every data and internal service port as a data port, and never the edge's own ports", () => {
        const specs = workloadSpecs(stackSettings("dev"));
        const internal = Object.entries(servingSpecs(specs)).filter(([w]) => w !== "edge" && w !== "api" && w !== "cadvisor").map(([, spec]) => spec.port);
        expect([...DEFAULT_DATA_PORTS].sort()).to.include.members([...internal, JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp]);
        expect(DEFAULT_DATA_PORTS).to.not.include.members([EDGE_CONTAINER_PORTS.http, EDGE_CONTAINER_PORTS.https]);
    });

    it("treats the program's secrets directory as secret paths", () => {
        expect(DEFAULT_SECRET_PATHS).to.include(`${SECRETS_DIR}/*`);
    });

    it("requires basic auth on exactly Prometheus' and Alertmanager's web configs", () => {
        const defaults = requireWebConfigTlsAndAuth.configSchema!.properties.basicAuthPaths as { default: string[] };
        expect(defaults.default).to.deep.equal([CONFIG_PATHS.prometheusWebConfig, CONFIG_PATHS.alertmanagerWebConfig]);
    });
});

for (const [stack, environment] of Object.entries(STACKS)) {
    describe(`policy/config/${environment}.json and the ${stack} stack`, () => {
        const settings = stackSettings(stack);
        const config = policyConfig(environment);

        it("allows the registry of every image the stack pulls", () => {
            const allowed = config["restrict-image-registries"]!.allowedRegistries as string[];
            for (const image of new Set([...Object.values(settings.images), ...Object.values(DEFAULT_IMAGES)])) {
                expect(allowed.some((prefix) => imageLocation(image).startsWith(prefix)), image).to.equal(true);
            }
        });

        it("requires protection exactly where the program protects stateful resources", () => {
            expect(config["require-protected-stateful-resources"]!.requireProtection).to.equal(settings.protectStateful);
        });

        it("sets the password floor to what the settings allow at least, and the program generates", () => {
            expect(settings.passwordLength).to.be.at.least(config["require-minimum-password-length"]!.minLength as number);
        });

        it("asks for the TLS version the environment's settings require", () => {
            for (const policy of ["require-postgres-tls-and-scram", "require-redis-tls-and-auth", "require-web-config-tls-and-auth"]) {
                expect(config[policy]!.minTlsVersion, policy).to.equal(environment === "production" ? "1.3" : "1.2");
            }
            if (environment === "production") expect(settings.tls.minVersion).to.equal("1.3");
        });

        it("checks DNS records in the stack's zone, or not at all when it has none", () => {
            expect(config["require-dns-records-for-public-hostnames"]!.zone).to.equal(settings.dns?.zone ?? "");
        });

        it("exempts exactly the plain-HTTP scrape jobs the Prometheus config documents", () => {
            const exemptions = config["require-tls-scrape-targets"]!.exemptions as { scrapeJob: string }[];
            expect(exemptions.map((e) => e.scrapeJob).sort()).to.deep.equal([...PLAIN_HTTP_JOBS].sort());
        });

        it("exempts from host mounts and root exactly the workloads the catalogue says need it", () => {
            const specs = workloadSpecs(settings);
            const rootWorkloads = WORKLOADS.filter((w) => /^0(:|$)/.test(specs[w].user)).map((w) => `${settings.namePrefix}-${specs[w].alias}`);
            const rootExempt = (config["require-non-root-user"]!.exemptions as { containerName: string }[]).map((e) => e.containerName);
            for (const name of rootWorkloads) expect(rootExempt.some((g) => globMatches(g, name)), name).to.equal(true);
            expect(rootExempt).to.have.length(rootWorkloads.length);
            const mountExempt = (config["disallow-sensitive-host-mounts"]!.exemptions as { containerName: string }[]).map((e) => e.containerName);
            expect(mountExempt.map((g) => WORKLOADS.filter((w) => globMatches(g, `${settings.namePrefix}-${specs[w].alias}`)))).to.deep.equal([["nodeExporter"], ["cadvisor"]]);
        });

        it("allows wildcard binds only for the edge's public ports", () => {
            const wildcard = config["require-explicit-bind-address"]!.wildcardPorts as number[];
            if (settings.edge.bindAddress === "0.0.0.0") expect(wildcard).to.include.members([settings.edge.httpPort, settings.edge.httpsPort]);
            expect(wildcard).to.deep.equal([80, 443]);
        });
    });
}
