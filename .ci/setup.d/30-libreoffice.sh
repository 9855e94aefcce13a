#!/usr/bin/env bash
# Debian's LibreOffice Calc without a display, for the tests that open the release's
# spreadsheet copies in a real spreadsheet program.
set -euo pipefail
if ! command -v soffice >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-calc-nogui
fi
