#!/bin/sh
# Render a monthly report as HTML and photograph it with headless Chromium.
#
#   scripts/screenshot_report.sh DATA_FOLDER [MONTH] [OUT.png]
#
# Needs chromium (Debian/Ubuntu: apt-get install chromium). The PNG shows the
# page as a browser draws it: key figures, the three inline SVG charts, tables.
set -eu
data=${1:?usage: $0 DATA_FOLDER [YYYY-MM] [OUT.png]}
month=${2:-}
out=${3:-rapport.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium introuvable : apt-get install chromium" >&2; exit 1; }
html=$(mktemp --suffix=.html)
trap 'rm -f "$html"' EXIT
here=$(cd "$(dirname "$0")/.." && pwd)
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" python3 -m mediatool --data "$data" report \
    ${month:+--month "$month"} --format html --out "$html"
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --hide-scrollbars --window-size=1100,1500 --screenshot="$out" "file://$html" 2>/dev/null
echo "$out"
