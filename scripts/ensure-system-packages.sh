#!/usr/bin/env bash
# Make sure the given Debian packages are installed. As root with apt: install what is missing.
# Otherwise: say exactly what to install and fail, so nothing runs half-equipped.
set -euo pipefail
missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
  exit 0
fi

echo "必要なパッケージがありません: ${missing[*]}" >&2
echo "管理者権限でインストールしてください:  sudo apt-get install ${missing[*]}" >&2
exit 1
