#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/deb-packages.txt that are missing.
# Quick when everything is present. Services shipped by the packages are kept from
# starting (a policy-rc.d that exits 101): the packaged registry would listen on every interface.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$here/deb-packages.txt")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1 && cp -p "$policy" "$policy.ctrkit-saved"
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 755 "$policy"
restore() {
  if [ "$had_policy" = 1 ]; then mv -f "$policy.ctrkit-saved" "$policy"; else rm -f "$policy"; fi
}
trap restore EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
