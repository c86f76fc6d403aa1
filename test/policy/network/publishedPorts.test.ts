import { disallowPublishedDataPorts, requireExplicitBindAddress } from "../../../policy/policies/network/publishedPorts";
import { edge } from "../support/caddyfile";
import { changed, compliantContainer } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const base = compliantContainer();

specifyResourcePolicy(disallowPublishedDataPorts, edge, [
    { when: "PostgreSQL's port is published", input: changed(base, (i) => { i.ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1" }]; }), violations: [/Port 5432 is published on the host as 127.0.0.1:5432/] },
    { when: "Redis is published on another host port", input: changed(base, (i) => { i.ports = [{ internal: 6379, external: 16379, ip: "127.0.0.1" }]; }), violations: [/Port 6379/] },
    { when: "every exposed port is published", input: changed(base, (i) => { i.publishAllPorts = true; }), violations: [/publishAllPorts/] },
    { when: "a container publishes nothing", input: base },
]);

specifyResourcePolicy(requireExplicitBindAddress, edge, [
    { when: "a port has no bind address", input: changed(edge, (i) => { delete i.ports[1].ip; }), violations: [/Port 8443 is published without `ip`/] },
    { when: "a non-web port binds all interfaces", input: changed(edge, (i) => { i.ports[1].external = 8443; }), violations: [/Port 8443 is bound on all interfaces \(0.0.0.0\); only 80, 443/] },
    { when: "IPv6 any binds a non-web port", input: changed(edge, (i) => { i.ports[0] = { internal: 8080, external: 8080, ip: "::" }; }), violations: [/bound on all interfaces \(::\)/] },
    { when: "the local edge binds loopback on unprivileged ports", input: changed(edge, (i) => { i.ports = [{ internal: 8080, external: 8080, ip: "127.0.0.1" }, { internal: 8443, external: 8443, ip: "127.0.0.1" }]; }) },
]);
