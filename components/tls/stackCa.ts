import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../settings/types";
import { InternalCa } from "./InternalCa";

/**
 * The stack's internal CA (`<name>-ca`) with the validity the settings give, issuing a certificate for each of
 * `servers` (certificate name -> DNS names): the platform decides which servers exist and by which names they are
 * reached.
 */
export function stackCa(name: string, settings: StackSettings, servers: Readonly<Record<string, readonly string[]>>, parent: pulumi.Resource): InternalCa {
    return new InternalCa(`${name}-ca`, {
        servers,
        certValidityDays: settings.tls.certValidityDays,
        earlyRenewalDays: settings.tls.earlyRenewalDays,
        caValidityDays: settings.tls.caValidityDays,
        organization: settings.namePrefix,
    }, { parent });
}
