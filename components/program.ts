import type { AwsStack } from "./platforms/aws/AwsStack";
import type { DockerStack } from "./platforms/docker/DockerStack";
import { readSettings } from "./settings/readSettings";
import type { StackSettings } from "./settings/types";
import type { PublishedOutputs } from "./stackOutputs";

/** What the program exports as stack outputs. */
export interface StackOutputs extends PublishedOutputs {
    readonly settings: StackSettings;
    readonly stack: DockerStack | AwsStack;
    /** AWS only: how `npm run backup` runs the pre-deploy dump task. */
    readonly backupTask?: AwsStack["backupTask"];
}

/** Reads and validates the stack's configuration, then declares the stack on its platform. */
export function createStack(): StackOutputs {
    const { settings, secrets } = readSettings();
    // Only the chosen platform's modules are loaded: each side pulls in its own provider SDK and components
    // (@pulumi/aws alone takes ~0.3 s), which the other platform never uses.
    const stack = settings.platform === "aws"
        ? new (require("./platforms/aws/AwsStack") as typeof import("./platforms/aws/AwsStack")).AwsStack(settings.namePrefix, { settings, secrets })
        : new (require("./platforms/docker/DockerStack") as typeof import("./platforms/docker/DockerStack")).DockerStack(settings.namePrefix, { settings, secrets });
    return { settings, ...stack.published, stack, ...("backupTask" in stack ? { backupTask: stack.backupTask } : {}) };
}
