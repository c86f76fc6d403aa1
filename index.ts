import { skipUnusedPromiseDebugStacks } from "./components/runtime/promiseDebugStacks";
import { createStack } from "./components/program";

// Before any resource is declared: see promiseDebugStacks.ts (about half of a run's time under ts-node).
skipUnusedPromiseDebugStacks();

// Configuration is validated inside createStack before a single resource is declared.
const stack = createStack();

export const environment = stack.settings.environment;
export const publicUrls = stack.publicUrls;
export const caCertificate = stack.caCertificate;
export const connection = stack.connection;
// AWS only (undefined, so not exported, on Docker): `npm run backup` reads it to run the pre-deploy dump task.
export const backupTask = stack.backupTask;
