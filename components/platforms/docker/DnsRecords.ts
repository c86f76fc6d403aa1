import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { recordName, requireHostnamesInZone } from "../../dns/zone";
import type { DnsSettings } from "../../settings/types";

export interface DnsRecordsArgs {
    readonly dns: DnsSettings;
    /** Fully qualified hostnames to publish, each inside `dns.zone`. */
    readonly hostnames: readonly string[];
}

/** Route53 A records for the public hostnames, pointing at the Docker host's public address. */
export class DnsRecords extends pulumi.ComponentResource {
    public readonly records: aws.route53.Record[];

    constructor(name: string, args: DnsRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:dns:DnsRecords", name, {}, opts);
        requireHostnamesInZone("DnsRecords", args.dns.zone, args.hostnames);
        const address = args.dns.publicAddress;
        if (!address) throw new Error("DnsRecords `dns.publicAddress` is not set: the A records point at the Docker host's public IPv4 address.");
        const zone = aws.route53.getZoneOutput({ name: args.dns.zone, privateZone: false }, { parent: this });
        this.records = args.hostnames.map((host) => new aws.route53.Record(recordName(name, host), {
            zoneId: zone.zoneId,
            name: host,
            type: "A",
            ttl: args.dns.ttl,
            records: [address],
            // Re-pointing an existing record (the DNS cut-over) is an UPSERT, as the hand-run procedure did.
            allowOverwrite: true,
        }, { parent: this }));
        this.registerOutputs({ records: this.records });
    }
}
