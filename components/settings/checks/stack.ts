import type { CheckInput } from "./check";
import type { ConfigReader } from "../validate";

/** `acmeEmail` goes with `domain`: the edge's ACME account obtains the domain's public certificates. */
export function checkAcmeEmail(r: ConfigReader, { values, ctx }: CheckInput): void {
    // On AWS, ACM issues the public certificates: no ACME account is involved.
    if (values.domain && !values.acmeEmail && ctx.platform === "docker" && !ctx.given("acmeEmail")) {
        r.conflict(`\`${ctx.project}:acmeEmail\` is required when \`domain\` is set: the edge registers an ACME account with it to obtain public certificates.`);
    }
    if (!ctx.given("domain") && values.acmeEmail) r.conflict(`\`${ctx.project}:acmeEmail\` is set but \`domain\` is not: public certificates need a domain.`);
}

/** Records are made in `dnsZone` for names under `domain`, pointing at `publicAddress` on Docker. */
export function checkDns(r: ConfigReader, { values, ctx }: CheckInput): void {
    const { domain, dnsZone: zone, publicAddress } = values;
    if (!zone) {
        if (ctx.given("publicAddress") && publicAddress) r.conflict(`\`${ctx.project}:publicAddress\` is set but \`dnsZone\` is not: records are only made in a zone.`);
        return;
    }
    if (!domain) {
        r.conflict(`\`${ctx.project}:dnsZone\` is "${zone}" but \`domain\` is not set: the records name hosts under the domain.`);
    } else if (domain !== zone && !domain.endsWith(`.${zone}`)) {
        r.conflict(`\`${ctx.project}:domain\` "${domain}" is not inside \`dnsZone\` "${zone}": records for it cannot be made in that zone.`);
    }
    // On AWS the records alias the load balancer; a `publicAddress` kept for `platform: docker` is ignored.
    if (ctx.platform !== "aws" && !publicAddress && !ctx.given("publicAddress")) {
        r.conflict(`\`${ctx.project}:publicAddress\` is required when \`dnsZone\` is set: it is the Docker host's public IPv4 address the records point at.`);
    }
}

/** The edge publishes two different host ports. */
export function checkEdgePorts(r: ConfigReader, { values }: CheckInput): void {
    if (values.edge.httpPort === values.edge.httpsPort) {
        r.conflict(`\`edge.httpPort\` and \`edge.httpsPort\` are both ${values.edge.httpPort}: the edge publishes two different host ports.`);
    }
}

/** Outside `local` the API is the team's image: the bundled stand-in only answers health checks. */
export function checkApiImage(r: ConfigReader, { ctx }: CheckInput): void {
    if (ctx.environment !== "local" && !ctx.given("images.api")) {
        r.conflict(`\`images.api\` is required in ${ctx.environment}: name the team's API image, e.g. \`registry.example.com/api:1.4.2\`; the local stand-in is only for \`local\`.`);
    }
}

/** On AWS the load balancer serves the public names with ACM certificates validated in the zone, behind AWS WAF. */
export function checkAwsPlatform(r: ConfigReader, { values, ctx }: CheckInput): void {
    if (ctx.platform !== "aws") return;
    if (!values.domain) r.conflict(`\`${ctx.project}:domain\` is required when \`platform\` is \`aws\`: the load balancer serves the public names under it with ACM certificates.`);
    if (!ctx.given("dnsZone")) r.conflict(`\`${ctx.project}:dnsZone\` is required when \`platform\` is \`aws\`: ACM validates the certificate through records in that Route53 zone, and the public names alias the load balancer there.`);
    // AWS WAF's rate-based rules count at least 10 requests per window.
    if (values.edge.rateLimitPerMinute < 10) r.conflict(`\`${ctx.project}:edge.rateLimitPerMinute\` (${values.edge.rateLimitPerMinute}) must be at least 10 when \`platform\` is \`aws\`: AWS WAF's rate-based rules count no fewer requests.`);
}
