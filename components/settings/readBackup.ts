// The `backup` keys are read as the settings schema says (schema/backup.ts), and checked across keys in
// checks/backup.ts. What other modules imported from here is re-exported, so they need not change.
export { isS3BucketName, longestGapMinutes, MAX_SCHEDULED_RUNS } from "./schema/backup";
