#!/usr/bin/env bash
# System packages: bubblewrap (bwrap) for the sandbox's namespaces, util-linux for prlimit and
# runuser, git for applying patches, acl (setfacl) to let the embedded PostgreSQL's user through
# a private folder when run as root, chromium for the report's browser test. Safe to run
# repeatedly; does nothing when all are present.
set -euo pipefail

packages=(bubblewrap util-linux git acl chromium)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
echo "installed: ${missing[*]}"
