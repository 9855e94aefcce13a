// Validate every record of a release's records.json with ajv 8 (Ajv2020 + ajv-formats,
// default options), each record type with its own schema file alone, as a user would:
//   node validate_records.js RECORDS_JSON SCHEMA_FOLDER
// Prints "<type> <id>: <errors>" for each invalid record, then "N records, M invalid";
// exit code 1 when any record is invalid.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const [recordsFile, schemaFolder] = process.argv.slice(2);
const document = JSON.parse(fs.readFileSync(recordsFile, "utf8"));
let count = 0;
let invalid = 0;
for (const [recordType, records] of Object.entries(document.records)) {
  const ajv = new Ajv2020();
  addFormats(ajv);
  const file = path.join(schemaFolder, `${recordType}.schema.json`);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
  for (const record of records) {
    count += 1;
    if (!validate(record)) {
      invalid += 1;
      console.log(`${recordType} ${record.id}: ${JSON.stringify(validate.errors)}`);
    }
  }
}
console.log(`${count} records, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);
