import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { recordName, requireHostnamesInZone } from "../../dns/zone";
import type { DnsSettings } from "../../settings/types";

export interface DnsArgs {
    readonly dns: DnsSettings;
    readonly zoneId: pulumi.Input<string>;
    /** Fully qualified hostnames to publish, each inside `dns.zone`. */
    readonly hostnames: readonly string[];
    readonly loadBalancer: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
}

/** Route53 alias records (A) for the public hostnames, pointing at the load balancer. */
export class Dns extends pulumi.ComponentResource {
    public readonly records: aws.route53.Record[];

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Dns", name, {}, opts);
        requireHostnamesInZone("Dns", args.dns.zone, args.hostnames);
        this.records = args.hostnames.map((host) => new aws.route53.Record(recordName(name, host), {
            zoneId: args.zoneId,
            name: host,
            type: "A",
            aliases: [{ name: args.loadBalancer.dnsName, zoneId: args.loadBalancer.zoneId, evaluateTargetHealth: true }],
            // Taking over a name that pointed at the Docker host is the cut-over, an UPSERT as the runbooks did it.
            allowOverwrite: true,
        }, { parent: this }));
        this.registerOutputs({ records: this.records });
    }
}
