#!/usr/bin/env bash
# Node.js and the JavaScript clients of tests/js (ajv, datapackage), which the interop tests run.
set -euo pipefail
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi
npm ci --prefix tests/js --no-audit --no-fund
