// Compile each JSON Schema file named on the command line with ajv 8 as its users would:
// Ajv2020 (draft 2020-12) plus ajv-formats, default options (strict mode on), one fresh
// instance per file, so that each file must be complete on its own. Prints one line per file,
// "ok FILE" or "error FILE: MESSAGE"; anything ajv logs (strict-mode warnings) counts as an
// error. Exit code 1 when any file fails.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const logged = [];
console.warn = (...args) => logged.push(args.join(" "));
console.log = (...args) => logged.push(args.join(" "));

let failed = false;
const report = [];
for (const file of process.argv.slice(2)) {
  logged.length = 0;
  try {
    const ajv = new Ajv2020();
    addFormats(ajv);
    ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
    if (logged.length) throw new Error(logged.join("; "));
    report.push(`ok ${file}`);
  } catch (e) {
    failed = true;
    report.push(`error ${file}: ${e.message}`);
  }
}
process.stdout.write(report.join("\n") + "\n");
process.exit(failed ? 1 : 0);
