import type * as docker from "@pulumi/docker";
import { randomBytes } from "crypto";
import { fields, isZero, labelMap, UntranslatedField, Value } from "./containerFields";

/**
 * `docker:index/network:Network` and `docker:index/volume:Volume` inputs as the provider's create functions send
 * them (resource_docker_network_funcs.go resourceDockerNetworkCreate, resource_docker_volume.go
 * resourceDockerVolumeCreate). Every field of the SDK is a row; a declared field without a translation fails.
 */

type Rule = { readonly translate: (value: unknown, body: Value, where: string) => void } | { readonly untranslated: string };

const set = (key: string, f: (v: unknown) => unknown = (v) => v): Rule => ({ translate: (v, body) => { body[key] = f(v); } });
const ipam = (body: Value): Value => (body.IPAM ??= {}) as Value;

export const NETWORK_FIELDS: { readonly [K in keyof Required<docker.NetworkArgs>]: Rule } = {
    name: set("Name"),
    labels: { translate: (v, body, where) => { body.Labels = labelMap(v, where, "labels"); } },
    driver: set("Driver"),
    options: set("Options"),
    internal: set("Internal"),
    attachable: set("Attachable"),
    ingress: set("Ingress"),
    ipv6: set("EnableIPv6"),
    ipamDriver: { translate: (v, body) => { ipam(body).Driver = v; } },
    ipamOptions: { translate: (v, body) => { ipam(body).Options = v; } },
    ipamConfigs: {
        translate: (v, body, where) => {
            ipam(body).Config = (v as unknown[]).map((raw, i) => {
                const c = fields(raw, ["subnet", "ipRange", "gateway", "auxAddress"], where, `ipamConfigs[${i}]`);
                return { Subnet: String(c.subnet ?? ""), IPRange: String(c.ipRange ?? ""), Gateway: String(c.gateway ?? ""), AuxiliaryAddresses: c.auxAddress ?? {} };
            });
        },
    },
};

export const VOLUME_FIELDS: { readonly [K in keyof Required<docker.VolumeArgs>]: Rule } = {
    name: set("Name"),
    labels: { translate: (v, body, where) => { body.Labels = labelMap(v, where, "labels"); } },
    driver: set("Driver"),
    driverOpts: set("DriverOpts"),
    cluster: { untranslated: "the harness does not translate it (Swarm cluster volumes)" },
};

/** Pulumi's auto-name for an undeclared `name`: `<resource name>-<7 hex>`. */
export function autoName(resourceName: string): string {
    return `${resourceName}-${randomBytes(4).toString("hex").slice(0, 7)}`;
}

function plan(kind: string, table: Record<string, Rule>, inputs: Value, resourceName: string): Value {
    const body: Value = { Name: autoName(resourceName) };
    const where = `${kind.toLowerCase()} ${String(inputs.name ?? resourceName)}`;
    for (const [field, value] of Object.entries(inputs)) {
        const rule = table[field];
        if (!rule) throw new UntranslatedField(where, field, `it is not a field of @pulumi/docker 5.2's ${kind}`);
        if (isZero(value)) continue;
        if ("untranslated" in rule) throw new UntranslatedField(where, field, rule.untranslated);
        rule.translate(value, body, where);
    }
    return body;
}

/** The `POST /networks/create` body. */
export function planNetwork(inputs: Value, resourceName: string): Value {
    return plan("Network", NETWORK_FIELDS, inputs, resourceName);
}

/** The `POST /volumes/create` body. */
export function planVolume(inputs: Value, resourceName: string): Value {
    return plan("Volume", VOLUME_FIELDS, inputs, resourceName);
}
