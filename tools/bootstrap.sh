#!/usr/bin/env bash
# Set up Threadbook on a fresh Debian 12 machine: the system libraries Qt and the PDF export need, a virtualenv in
# .venv and the project in it. `--test` adds the test tools. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# Qt offscreen/xcb needs these shared libraries (see shared/PLATFORM-NOTES.md §2); fonts-wqy-microhei gives the PDF a CJK
# font reportlab can embed; poppler-utils (pdftoppm, pdffonts) is what the tests use to look at exported PDFs.
apt_packages="python3 python3-venv libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  fonts-dejavu-core fonts-wqy-microhei poppler-utils"
missing=""
for pkg in $apt_packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Optional test tools from Debian: where apt can't install one, the tests that need it skip and say why.
apt_updated=""
install_optional() {  # PACKAGE WHY IF-MISSING
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing $1 $2"
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq || true
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$1" >/dev/null || echo "$3"
}

# The rendered fallback (ingest/render.py) drives Debian's Chromium through Playwright; its tests need it
# (Ubuntu ships chromium as a snap, which apt can't install here).
if [ -n "$extras" ] && ! command -v chromium >/dev/null 2>&1; then
  install_optional chromium "for the rendered-fallback tests" \
    "Couldn't install chromium: the rendered-fallback tests will be skipped (or set THREADBOOK_CHROMIUM)."
fi

# The EPUB tests run the real epubcheck (Debian's package, a Java program) when it is there; without it the
# structural checks still run.
if [ -n "$extras" ] && [ ! -f /usr/share/java/epubcheck.jar ]; then
  install_optional epubcheck "for the EPUB tests" "Couldn't install epubcheck: the epubcheck test will be skipped."
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
echo "Threadbook is installed in .venv (run .venv/bin/threadbook --help)."
