#!/usr/bin/env bash
# English translations of the Qt application.
#
#   scripts/i18n.sh            refresh every assets/i18n/en/<part>.ts from the ui/ sources it
#                              covers, then compile all of them into assets/i18n/cccd_kiosk_en.qm
#   scripts/i18n.sh PART FILE… (re)create assets/i18n/en/PART.ts from FILE… first (a new part)
#
# Each part's .ts lists its sources in its <location> entries, so a refresh needs no mapping of
# its own. ui/ modules with tr() calls that no .ts covers are reported (tests/ui/test_i18n.py
# fails on them and on any unfinished translation). Commit the .ts files and the .qm.
set -euo pipefail
cd "$(dirname "$0")/.."
LUPDATE=.venv/bin/pyside6-lupdate
LRELEASE=.venv/bin/pyside6-lrelease
TS_DIR=assets/i18n/en
QM=assets/i18n/cccd_kiosk_en.qm
LANGS="-source-language vi_VN -target-language en_US"
mkdir -p "$TS_DIR"

if [ $# -ge 2 ]; then
  part=$1; shift
  "$LUPDATE" "$@" -ts "$TS_DIR/$part.ts" -no-obsolete -locations relative $LANGS
fi

shopt -s nullglob
ts_files=("$TS_DIR"/*.ts)
if [ ${#ts_files[@]} -eq 0 ]; then
  echo "no .ts files in $TS_DIR" >&2
  exit 1
fi

for ts in "${ts_files[@]}"; do
  # English has two plural forms: a .ts made without -target-language has one; say it is en_US.
  .venv/bin/python - "$ts" <<'PY'
import sys
from pathlib import Path

ts = Path(sys.argv[1])
text = ts.read_text(encoding="utf-8")
if '<TS version="2.1">' in text:
    ts.write_text(text.replace('<TS version="2.1">',
                               '<TS version="2.1" language="en_US" sourcelanguage="vi_VN">', 1),
                  encoding="utf-8")
PY
  mapfile -t sources < <(.venv/bin/python - "$ts" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ts = Path(sys.argv[1])
seen: list[str] = []
for loc in ET.parse(ts).getroot().iter("location"):
    name = loc.get("filename")
    if name:
        src = (ts.parent / name).resolve()
        rel = src.relative_to(Path.cwd().resolve()).as_posix()
        if rel not in seen and src.exists():
            seen.append(rel)
print("\n".join(seen))
PY
)
  if [ ${#sources[@]} -gt 0 ] && [ -n "${sources[0]}" ]; then
    "$LUPDATE" "${sources[@]}" -ts "$ts" -no-obsolete -locations relative $LANGS
  fi
done

# Modules with translatable strings that no part covers (ui.i18n.source_strings finds them).
.venv/bin/python - "${ts_files[@]}" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ui.i18n import source_strings

covered = set()
for ts in map(Path, sys.argv[1:]):
    for loc in ET.parse(ts).getroot().iter("location"):
        if loc.get("filename"):
            covered.add((ts.parent / loc.get("filename")).resolve())
for py in sorted(Path("ui").rglob("*.py")):
    if source_strings(py) and py.resolve() not in covered:
        print(f"warning: {py} has tr() strings but no .ts covers it "
              f"(scripts/i18n.sh <part> {py} …)", file=sys.stderr)
PY

"$LRELEASE" "${ts_files[@]}" -qm "$QM"
