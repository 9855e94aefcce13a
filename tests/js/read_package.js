// Reads a Data Package with the npm `datapackage` library, as a JavaScript user would:
//   node read_package.js path/to/datapackage.json
// Prints one JSON object: whether the library finds the descriptor valid (and its errors),
// and for every tabular resource the rows read with cast and relations (types converted,
// every foreign key resolved; a cell that cannot be cast or a key that does not resolve
// throws) and, read again uncast, every cell as text, to compare with the CSV files.
// Exits 1, with the error on stderr, when the package cannot be read.
"use strict";

const { Package } = require("datapackage");

async function main(path) {
  const dp = await Package.load(path);
  const out = { valid: dp.valid, errors: dp.errors.map(String), tables: {} };
  for (const resource of dp.resources) {
    if (!resource.tabular) continue;
    const name = resource.name;
    let typed;
    try {
      typed = await resource.read({ cast: true, relations: true });
    } catch (error) {
      const details = (error.errors || []).map(String).slice(0, 5).join("; ");
      throw new Error(`${name}: ${error.message}${details ? ": " + details : ""}`);
    }
    const text = await resource.read({ cast: false });
    out.tables[name] = { typed: typed.length, header: resource.headers, cells: text };
  }
  return out;
}

main(process.argv[2]).then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => {
    process.stderr.write(`read_package.js: ${error.message}\n`);
    process.exit(1);
  },
);
