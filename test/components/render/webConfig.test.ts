import { expect } from "chai";
import { parse } from "yaml";
import { renderWebConfig } from "../../../components/render/webConfig";
import { workloadSpecs } from "../../../components/workloads/catalogue";
import { buildSettings } from "../../../components/settings/buildSettings";

const HASH = "$2a$14$SrPGyJFDAQBVdhcIP9A6heu.h1dCp2ptjmBlMjZV19jGAsa12UprC";

describe("renderWebConfig", () => {
    const local = buildSettings({ project: "service-stack", stack: "dev", values: {}, secretKeys: new Set() });
    const production = buildSettings({
        project: "service-stack",
        stack: "production",
        values: { environment: "production", images: { api: "registry.example.com/api:1.0.0" } },
        secretKeys: new Set(),
    });
    const tls = workloadSpecs(local).nodeExporter.tls;

    it("serves TLS from the workload's certificate and key, TLS 1.2 at least by default", () => {
        expect(parse(renderWebConfig({ tls, minVersion: local.tls.minVersion }))).to.deep.equal({
            tls_server_config: { cert_file: "/etc/node_exporter/tls/tls.crt", key_file: "/etc/node_exporter/tls/tls.key", min_version: "TLS12" },
        });
    });

    it("accepts TLS 1.3 only in production", () => {
        const config = parse(renderWebConfig({ tls, minVersion: production.tls.minVersion }));
        expect(config.tls_server_config.min_version).to.equal("TLS13");
    });

    it("has no basic_auth_users without users, nor with an empty map", () => {
        expect(parse(renderWebConfig({ tls, minVersion: "1.2" }))).to.not.have.property("basic_auth_users");
        expect(parse(renderWebConfig({ tls, minVersion: "1.2", basicAuthUsers: {} }))).to.not.have.property("basic_auth_users");
    });

    it("maps each basic-auth user to its bcrypt hash, unaltered by YAML", () => {
        const config = parse(renderWebConfig({ tls, minVersion: "1.3", basicAuthUsers: { prometheus: HASH } }));
        expect(config.basic_auth_users).to.deep.equal({ prometheus: HASH });
        expect(config.tls_server_config.min_version).to.equal("TLS13");
    });
});
