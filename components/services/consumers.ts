import type { StackSettings } from "../settings/types";
import { workloadSpecs } from "../workloads/catalogue";
import type { DataEndpoints } from "../stackOutputs";
import { apiEnvironment as apiEnvironmentOf } from "../workloads/api";

// Kept at its old path, with its old signature, for components/settings alone, which the settings-as-data work
// rewrites in parallel (issue 14): delete once components/settings imports `apiEnvironment` from components/workloads/.
export function apiEnvironment(settings: StackSettings, data: DataEndpoints<string>, dataCaFile: string): Record<string, string> {
    return apiEnvironmentOf(settings, workloadSpecs(settings), data, dataCaFile);
}
