import { expect } from "chai";
import * as path from "path";
import { parse } from "yaml";
import { SCRAPE_JOB_NAMES } from "../../components/render/prometheus";
import { SECRETS_DIR, workloadSpecs } from "../../components/workloads/catalogue";
import { DOCKER_TARGETS, RenderedContainer, RenderedStack, renderedStack, Upload, uploadAt } from "../support/stackFiles";

/**
 * Grafana and Jaeger are not packaged by Debian, so their servers do not run here. Their uploaded files are checked
 * as the servers will read them: every structured file parses; every path a file, the environment or the command
 * names is uploaded (or under a mount) and readable by the container's user; the datasources reach the other
 * containers at the alias, port, certificate name and password those containers actually use; the dashboards
 * provisioned from the provider's directory parse and use only provisioned datasources; Jaeger's pipeline uses only
 * components it defines, and the API, Prometheus and the healthcheck reach Jaeger where it listens.
 */

interface Datasource {
    name: string;
    uid: string;
    type: string;
    url: string;
    isDefault?: boolean;
    basicAuth?: boolean;
    basicAuthUser?: string;
    jsonData: { tlsAuthWithCACert?: boolean; serverName?: string };
    secureJsonData: { tlsCACert?: string; basicAuthPassword?: string };
}

interface TlsServerConfig {
    cert_file: string;
    key_file: string;
    min_version: string;
}

interface JaegerConfig {
    service: {
        extensions: string[];
        pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
        telemetry: { metrics: { readers: { pull: { exporter: { prometheus: { host: string; port: number } } } }[] } };
    };
    extensions: {
        healthcheckv2: { http: { endpoint: string; status: { path: string } } };
        jaeger_query: { storage: { traces: string }; http: { endpoint: string; tls: TlsServerConfig } };
        jaeger_storage: { backends: Record<string, unknown> };
        [name: string]: unknown;
    };
    receivers: { otlp: { protocols: Record<"grpc" | "http", { endpoint: string; tls: TlsServerConfig }> }; [name: string]: unknown };
    processors: Record<string, unknown>;
    exporters: { jaeger_storage_exporter: { trace_storage: string }; [name: string]: unknown };
}

/** `--name=value` or `--name value` of a command line. */
function argument(command: readonly string[], name: string): string {
    const i = command.findIndex((a) => a === name || a.startsWith(`${name}=`));
    expect(i, `${name} in ${command.join(" ")}`).to.be.at.least(0);
    return command[i] === name ? command[i + 1]! : command[i]!.slice(name.length + 1);
}

/** The port of `host:port`. */
function portOf(endpoint: string): number {
    return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** The DNS names on the certificate an upload holds: the mock provider writes the cert resource's name as the PEM body. */
function certificateNames(stack: RenderedStack, upload: Upload): readonly string[] {
    const match = /^-----BEGIN CERTIFICATE-----\n([^\n]+)\n/.exec(upload.content);
    expect(match, `${upload.file} is a certificate`).to.not.equal(null);
    const names = stack.certificateNames[match![1]!];
    expect(names, `${upload.file} (${match![1]}) is a server certificate`).to.not.equal(undefined);
    return names!;
}

/** Every string in a parsed document, with the key it sits under. */
function* strings(value: unknown, key = ""): Generator<{ key: string; value: string }> {
    if (typeof value === "string") yield { key, value };
    else if (Array.isArray(value)) for (const item of value) yield* strings(item, key);
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, k);
}

/** Every object in a parsed document (depth first). */
function* objects(value: unknown): Generator<Record<string, unknown>> {
    if (Array.isArray(value)) for (const item of value) yield* objects(item);
    else if (value && typeof value === "object") {
        yield value as Record<string, unknown>;
        for (const v of Object.values(value)) yield* objects(v);
    }
}

/** A structured upload parsed by its extension; undefined for certificates, keys and secret files. */
function parseUpload(upload: Upload): unknown {
    const ext = path.extname(upload.file);
    if (ext === ".yml" || ext === ".yaml") return parse(upload.content, { uniqueKeys: true, prettyErrors: true });
    if (ext === ".json") return JSON.parse(upload.content);
    if (ext === ".ini") return parseIni(upload.content);
    if (ext === ".crt" || ext === ".key") {
        expect(upload.content, upload.file).to.match(/^-----BEGIN [A-Z ]+-----\n/);
        return undefined;
    }
    expect(upload.file.startsWith(`${SECRETS_DIR}/`), `${upload.file}: an upload of a kind this test does not know`).to.equal(true);
    expect(upload.content.trim(), upload.file).to.not.equal("");
    return undefined;
}

/** Grafana's INI syntax: sections, `key = value`, `;`/`#` comments; anything else is an error. */
function parseIni(text: string): Record<string, Record<string, string>> {
    const sections: Record<string, Record<string, string>> = { "": {} };
    let current = "";
    for (const [i, raw] of text.split("\n").entries()) {
        const line = raw.trim();
        if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
        const section = /^\[([^\]]+)\]$/.exec(line);
        const entry = /^([\w.-]+)\s*=\s*(.*)$/.exec(line);
        if (section) sections[(current = section[1]!)] ??= {};
        else if (entry) sections[current]![entry[1]!] = entry[2]!;
        else throw new Error(`line ${i + 1} is neither a section nor a key = value: ${raw}`);
    }
    return sections;
}

/** The container paths a parsed file names: `$__file{…}` references, `*_file` values and absolute paths in /etc, /run, /var, /usr, /tmp. */
function pathsNamedIn(document: unknown): { file: string; mustBeFile: boolean }[] {
    const found: { file: string; mustBeFile: boolean }[] = [];
    for (const { key, value } of strings(document)) {
        for (const [, file] of value.matchAll(/\$__file\{([^}]+)\}/g)) found.push({ file: file!, mustBeFile: true });
        if (/_file$|File$/.test(key)) {
            expect(value, `${key} is an absolute path`).to.match(/^\//);
            found.push({ file: value, mustBeFile: true });
        } else if (/^\/(etc|run|var|usr|tmp)\//.test(value)) found.push({ file: value, mustBeFile: false });
    }
    return found;
}

/**
 * Checks that `file` is there when the container starts: an upload the container's user may read, or (unless it
 * must be a file) a directory holding uploads, or a path under a volume or tmpfs mount.
 */
function expectPresent(container: RenderedContainer, file: string, mustBeFile: boolean, namedBy: string): void {
    const what = `${container.name}: ${file} (named by ${namedBy})`;
    const upload = container.uploads.find((u) => u.file === file);
    if (upload) {
        const uid = container.user.split(":")[0];
        const readable = upload.owner === uid ? (parseInt(upload.permissions, 8) & 0o400) !== 0 : (parseInt(upload.permissions, 8) & 0o004) !== 0;
        expect(readable, `${what} is readable by uid ${uid} (owner ${upload.owner}, mode ${upload.permissions})`).to.equal(true);
        return;
    }
    expect(mustBeFile, `${what} is not uploaded`).to.equal(false);
    const isDirOfUploads = container.uploads.some((u) => u.file.startsWith(`${file}/`));
    const underMount = [...container.mounts, ...container.tmpfs].some((m) => file === m || file.startsWith(`${m}/`));
    expect(isDirOfUploads || underMount, `${what} is neither uploaded, a directory of uploads, nor under a mount`).to.equal(true);
}

for (const target of DOCKER_TARGETS) {
    describe(`Grafana's and Jaeger's uploaded files for ${target.label} (checked as files: neither is packaged by Debian)`, function () {
        let stack: RenderedStack;
        let grafana: RenderedContainer;
        let jaeger: RenderedContainer;
        let datasources: Datasource[];
        let jaegerConfig: JaegerConfig;

        before(async function () {
            this.timeout(120000);
            stack = await renderedStack(target.stack, target.overrides);
            grafana = stack.containers.grafana!;
            jaeger = stack.containers.jaeger!;
            const provisioning = grafana.env.GF_PATHS_PROVISIONING!;
            const datasourceFiles = grafana.uploads.filter((u) => u.file.startsWith(`${provisioning}/datasources/`));
            expect(datasourceFiles.map((u) => u.file)).to.have.length(1);
            datasources = (parse(datasourceFiles[0]!.content) as { datasources: Datasource[] }).datasources;
            jaegerConfig = parse(uploadAt(jaeger, argument(jaeger.command, "--config")).content) as JaegerConfig;
        });

        for (const name of ["grafana", "jaeger"]) {
            it(`${name}: every YAML, JSON and INI upload parses; the rest are PEM blocks or secret files`, () => {
                const container = stack.containers[name]!;
                const structured = container.uploads.filter((u) => parseUpload(u) !== undefined);
                expect(structured.length).to.be.at.least(1);
            });

            it(`${name}: every path its files, environment and command name is uploaded or mounted, and readable by its user`, () => {
                const container = stack.containers[name]!;
                let checked = 0;
                for (const upload of container.uploads) {
                    for (const { file, mustBeFile } of pathsNamedIn(parseUpload(upload))) {
                        expectPresent(container, file, mustBeFile, upload.file);
                        checked++;
                    }
                }
                for (const [key, value] of Object.entries(container.env)) {
                    if (!value.startsWith("/")) continue;
                    // Grafana's `__FILE` variables and its certificate settings name files; GF_PATHS_* name directories.
                    expectPresent(container, value, /(__FILE|_FILE|_CERT_KEY)$/.test(key), `$${key}`);
                    checked++;
                }
                for (const arg of container.command.filter((a) => a.startsWith("/"))) {
                    expectPresent(container, arg, true, "the command");
                    checked++;
                }
                expect(checked, "paths checked").to.be.at.least(3);
            });
        }

        it("grafana: datasources reach Prometheus, Alertmanager and Jaeger over https at the alias and port each serves on", () => {
            const specs = workloadSpecs(stack.settings);
            const served = {
                prometheus: { alias: specs.prometheus.alias, port: portOf(argument(stack.containers.prometheus!.command, "--web.listen-address")) },
                alertmanager: { alias: specs.alertmanager.alias, port: portOf(argument(stack.containers.alertmanager!.command, "--web.listen-address")) },
                jaeger: { alias: specs.jaeger.alias, port: portOf(jaegerConfig.extensions.jaeger_query.http.endpoint) },
            };
            expect(datasources.map((d) => d.type).sort()).to.deep.equal(Object.keys(served).sort());
            expect(new Set(datasources.map((d) => d.uid)).size).to.equal(datasources.length);
            expect(datasources.filter((d) => d.isDefault).map((d) => d.type)).to.deep.equal(["prometheus"]);
            for (const ds of datasources) {
                const { alias, port } = served[ds.type as keyof typeof served];
                expect(ds.url, ds.name).to.equal(`https://${alias}:${port}`);
            }
        });

        it("grafana: datasources verify each server's certificate by a name it carries, against the CA that server's certificate comes from", () => {
            const certOf: Record<string, Upload> = {
                prometheus: uploadAt(stack.containers.prometheus!, (parse(uploadAt(stack.containers.prometheus!, argument(stack.containers.prometheus!.command, "--web.config.file")).content) as { tls_server_config: TlsServerConfig }).tls_server_config.cert_file),
                alertmanager: uploadAt(stack.containers.alertmanager!, (parse(uploadAt(stack.containers.alertmanager!, argument(stack.containers.alertmanager!.command, "--web.config.file")).content) as { tls_server_config: TlsServerConfig }).tls_server_config.cert_file),
                jaeger: uploadAt(jaeger, jaegerConfig.extensions.jaeger_query.http.tls.cert_file),
            };
            // Every internal certificate comes from the one CA, which each container holds as ca.crt beside its own.
            const caOf = (container: RenderedContainer, cert: Upload) => uploadAt(container, path.join(path.dirname(cert.file), "ca.crt")).content;
            for (const ds of datasources) {
                const container = stack.containers[ds.type]!;
                expect(ds.jsonData.tlsAuthWithCACert, ds.name).to.equal(true);
                expect(certificateNames(stack, certOf[ds.type]!), `${ds.name}: names on ${container.name}'s certificate`).to.include(ds.jsonData.serverName);
                const caFile = /^\$__file\{(.+)\}$/.exec(ds.secureJsonData.tlsCACert ?? "")?.[1];
                expect(caFile, `${ds.name}: tlsCACert read from a file`).to.not.equal(undefined);
                expect(uploadAt(grafana, caFile!).content, `${ds.name}: Grafana's CA is ${container.name}'s`).to.equal(caOf(container, certOf[ds.type]!));
            }
        });

        it("grafana: Prometheus and Alertmanager datasources log in as the user those servers accept, with the password from a secret file they were given too", () => {
            const uid = grafana.user.split(":")[0];
            const guarded = datasources.filter((d) => d.type !== "jaeger");
            expect(guarded.map((d) => d.type).sort()).to.deep.equal(["alertmanager", "prometheus"]);
            for (const ds of guarded) {
                const server = stack.containers[ds.type]!;
                const web = parse(uploadAt(server, argument(server.command, "--web.config.file")).content) as { basic_auth_users: Record<string, string> };
                const serverClient = parse(uploadAt(server, argument(server.healthcheck, "--http.config.file")).content) as { basic_auth: { username: string; password_file: string } };
                expect(ds.basicAuth, ds.name).to.equal(true);
                expect(Object.keys(web.basic_auth_users), `${ds.name}: the users ${server.name} accepts`).to.deep.equal([ds.basicAuthUser]);
                const passwordFile = /^\$__file\{(.+)\}$/.exec(ds.secureJsonData.basicAuthPassword ?? "")?.[1];
                expect(passwordFile, `${ds.name}: basicAuthPassword read from a file`).to.not.equal(undefined);
                const upload = uploadAt(grafana, passwordFile!);
                expect([upload.owner, upload.permissions], `${ds.name}: ${passwordFile} is Grafana's alone`).to.deep.equal([uid, "0400"]);
                // The server's own client (its healthcheck) logs in with the password its hash was made from.
                expect(upload.content, `${ds.name}: the password ${server.name}'s own client uses`).to.equal(uploadAt(server, serverClient.basic_auth.password_file).content);
            }
        });

        it("grafana: the dashboard provider reads a directory of dashboards that parse, have unique uids and titles, and query only provisioned datasources", () => {
            const providerFile = uploadAt(grafana, `${grafana.env.GF_PATHS_PROVISIONING}/dashboards/dashboards.yml`);
            const providers = (parse(providerFile.content) as { providers: { type: string; options: { path: string } }[] }).providers;
            expect(providers.map((p) => p.type)).to.deep.equal(["file"]);
            const dir = providers[0]!.options.path;
            const dashboards = grafana.uploads.filter((u) => path.dirname(u.file) === dir && u.file.endsWith(".json"));
            expect(dashboards.length, `dashboards in ${dir}`).to.be.at.least(4);
            const provisioned = new Map(datasources.map((d) => [d.uid, d.type]));
            const uids = new Set<string>();
            const titles = new Set<string>();
            for (const upload of dashboards) {
                const dashboard = JSON.parse(upload.content) as { uid?: string; title?: string; panels?: unknown[] };
                expect(dashboard.uid, `${upload.file}: uid`).to.be.a("string").and.match(/^[A-Za-z0-9_-]{1,40}$/);
                expect(dashboard.title, `${upload.file}: title`).to.be.a("string").and.not.equal("");
                uids.add(dashboard.uid!);
                titles.add(dashboard.title!);
                expect(dashboard.panels, `${upload.file}: panels`).to.be.an("array").that.is.not.empty;
                const refs = [...objects(dashboard)].map((o) => o.datasource).filter((d): d is { type: string; uid: string } => typeof d === "object" && d !== null);
                expect(refs.length, `${upload.file}: datasource references`).to.be.at.least(1);
                for (const ref of refs) expect(provisioned.get(ref.uid), `${upload.file}: datasource ${ref.uid}`).to.equal(ref.type);
            }
            expect([uids.size, titles.size]).to.deep.equal([dashboards.length, dashboards.length]);
        });

        it("jaeger: the pipeline and service use only receivers, processors, exporters and extensions the config defines", () => {
            const { service } = jaegerConfig;
            expect(service.extensions.filter((e) => !(e in jaegerConfig.extensions)), "undefined extensions").to.deep.equal([]);
            expect(Object.keys(service.pipelines)).to.deep.equal(["traces"]);
            for (const pipeline of Object.values(service.pipelines)) {
                expect(pipeline.receivers.filter((r) => !(r in jaegerConfig.receivers)), "undefined receivers").to.deep.equal([]);
                expect(pipeline.processors.filter((p) => !(p in jaegerConfig.processors)), "undefined processors").to.deep.equal([]);
                expect(pipeline.exporters.filter((e) => !(e in jaegerConfig.exporters)), "undefined exporters").to.deep.equal([]);
            }
            // The query UI and the exporter name the same trace store, which jaeger_storage defines.
            const store = jaegerConfig.exporters.jaeger_storage_exporter.trace_storage;
            expect(jaegerConfig.extensions.jaeger_query.storage.traces).to.equal(store);
            expect(jaegerConfig.extensions.jaeger_storage.backends).to.have.property(store);
        });

        it("jaeger: every listener others reach serves TLS at the stack's minimum with its certificate, whose names include the alias", () => {
            const alias = workloadSpecs(stack.settings).jaeger.alias;
            const uid = jaeger.user.split(":")[0];
            const listeners = { query: jaegerConfig.extensions.jaeger_query.http, ...jaegerConfig.receivers.otlp.protocols };
            for (const [name, listener] of Object.entries(listeners)) {
                expect(listener.endpoint, `${name} listens on every interface`).to.match(/^0\.0\.0\.0:\d+$/);
                expect(listener.tls.min_version, name).to.equal(stack.settings.tls.minVersion);
                expect(certificateNames(stack, uploadAt(jaeger, listener.tls.cert_file)), name).to.include(alias);
                const key = uploadAt(jaeger, listener.tls.key_file);
                expect([key.owner, key.permissions], `${name}: the key is Jaeger's alone`).to.deep.equal([uid, "0400"]);
            }
            // Found by the file check above too; here: TLS paths in the config are exactly the uploaded TLS files.
            const tlsBlocks = [...objects(jaegerConfig)].filter((o) => "cert_file" in o);
            expect(tlsBlocks).to.have.length(Object.keys(listeners).length);
        });

        it("jaeger: the API sends traces, Prometheus scrapes metrics and the healthcheck probes where Jaeger listens", () => {
            const alias = workloadSpecs(stack.settings).jaeger.alias;
            const api = stack.containers.api!;
            // OTLP over gRPC to https://<alias>:<grpc port>, verifying against a CA file the API has.
            const endpoint = new URL(api.env.OTEL_EXPORTER_OTLP_ENDPOINT!);
            expect(api.env.OTEL_EXPORTER_OTLP_PROTOCOL).to.equal("grpc");
            expect([endpoint.protocol, endpoint.hostname, Number(endpoint.port)]).to.deep.equal(["https:", alias, portOf(jaegerConfig.receivers.otlp.protocols.grpc.endpoint)]);
            expect(uploadAt(api, api.env.OTEL_EXPORTER_OTLP_CERTIFICATE!).content).to.equal(uploadAt(jaeger, path.join(path.dirname(jaegerConfig.receivers.otlp.protocols.grpc.tls.cert_file), "ca.crt")).content);

            const promYml = parse(uploadAt(stack.containers.prometheus!, argument(stack.containers.prometheus!.command, "--config.file")).content) as { scrape_configs: { job_name: string; scheme: string; static_configs: { targets: string[] }[] }[] };
            const job = promYml.scrape_configs.find((j) => j.job_name === SCRAPE_JOB_NAMES.jaeger)!;
            const metrics = jaegerConfig.service.telemetry.metrics.readers.map((r) => r.pull.exporter.prometheus);
            expect(metrics.map((m) => m.host)).to.deep.equal(["0.0.0.0"]);
            expect(job.static_configs.flatMap((s) => s.targets)).to.deep.equal([`${alias}:${metrics[0]!.port}`]);
            expect(job.scheme, "the collector's pull exporter has no TLS").to.equal("http");

            const [kind, tool, ...args] = jaeger.healthcheck;
            expect([kind, tool]).to.deep.equal(["CMD", "wget"]);
            const probe = new URL(args.find((a) => a.startsWith("http"))!);
            const health = jaegerConfig.extensions.healthcheckv2.http;
            expect(`${probe.hostname}:${probe.port}`).to.equal(health.endpoint);
            expect(probe.pathname).to.equal(health.status.path);
        });
    });
}
