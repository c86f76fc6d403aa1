/**
 * Writes README.md's configuration table from the settings schema (components/settings/schema), between its markers.
 * `npm run docs:config`; the unit suite fails while README.md holds anything else there.
 */
import * as fs from "fs";
import * as path from "path";
import { withConfigTable } from "../components/settings/docs";

const README = path.resolve(__dirname, "..", "README.md");
const before = fs.readFileSync(README, "utf8");
const after = withConfigTable(before);
if (after !== before) fs.writeFileSync(README, after);
console.log(after === before ? "README.md: the configuration table is up to date." : "README.md: configuration table written from the schema.");
