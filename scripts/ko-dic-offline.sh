#!/usr/bin/env bash
# Fills lindera's dictionary build cache (target/ko-dic-cache, see .cargo/config.toml) from a
# prebuilt ko-dic archive, so that `cargo build` needs no download.
#
#   scripts/ko-dic-offline.sh [DIR]    # DIR holds lindera-ko-dic-6.2.0-fmt2.tar.zst
#                                      # and SHA256SUMS; default ../shared/ko-dic
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$root/../shared/ko-dic}
archive=lindera-ko-dic-6.2.0-fmt2.tar.zst
# The folder name is the lindera-ko-dic crate version plus the dictionary format version:
# it must match the exact lindera pin in Cargo.toml.
dest=$root/target/ko-dic-cache/6.2.0-fmt2/lindera-ko-dic

if [ -f "$dest/metadata.json" ] && [ -f "$dest/matrix.mtx" ]; then
  exit 0
fi
if [ ! -f "$src/$archive" ]; then
  echo "ko-dic-offline: no $archive in $src (pass the folder that holds it)" >&2
  exit 1
fi
(cd "$src" && grep " $archive\$" SHA256SUMS | sha256sum --check --quiet -) || {
  echo "ko-dic-offline: checksum of $src/$archive does not match SHA256SUMS" >&2
  exit 1
}
tmp=$(mktemp -d "$root/target/ko-dic-cache.XXXXXX" 2>/dev/null || { mkdir -p "$root/target"; mktemp -d "$root/target/ko-dic-cache.XXXXXX"; })
tar --zstd -xf "$src/$archive" -C "$tmp"
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$tmp" "$dest"
echo "ko-dic-offline: dictionary cache ready in $dest" >&2
