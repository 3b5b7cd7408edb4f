#!/usr/bin/env bash
# Hashing benchmark (not a test). Generates a data set once (4 x 256 MiB and one 1 GiB file),
# warms the page cache, then times side by side in one run:
#   aibom hash (release build) | openssl dgst -sha256, one process per core (the practical limit)
#   | sequential sha256sum | the reference model_signing tool, when installed.
# Usage: scripts/bench-hash.sh [DATA_DIR]   (default: bench-data/, git-ignored)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-bench-data}
mkdir -p "$data/set4" "$data/big"
gen() { [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ] || openssl rand -out "$1" "$2"; }
for i in 1 2 3 4; do gen "$data/set4/shard-$i.bin" $((256 << 20)); done
gen "$data/big/model.bin" $((1 << 30))

swift build -c release --product aibom >/dev/null
bin=$(swift build -c release --show-bin-path)/aibom
cat "$data"/set4/* "$data"/big/* > /dev/null   # warm the page cache

# time_cmd LABEL CMD...: best of 3 wall-clock seconds and the peak RSS of the command.
time_cmd() {
  local label=$1; shift
  python3 - "$label" "$@" <<'PY'
import resource, subprocess, sys, time
label, cmd = sys.argv[1], sys.argv[2:]
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    d = time.perf_counter() - t
    best = d if best is None else min(best, d)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"  {label:<44} {best:7.3f} s  peak RSS {rss:6.1f} MiB")
PY
}

# A signed release over set4 (one directory asset), for timing `aibom verify` against `aibom hash`.
rel="$data/release"
rm -rf "$rel" && mkdir -p "$rel"
printf '{"release":{"name":"bench","version":"1"},"assets":[{"name":"weights","kind":"model","path":"../set4"}]}' > "$rel/manifest.json"
"$bin" keygen -q --out "$rel/k" >/dev/null
printf '{"keys":[{"name":"bench","publicKeyFile":"k.pub"}]}' > "$rel/policy.json"
"$bin" build -q -m "$rel/manifest.json" -o "$rel/bom.cdx.json"
"$bin" sign "$rel/bom.cdx.json" --key "$rel/k.key" --out "$rel/bom.intoto.json" >/dev/null

# The reference tool, from PATH or a venv (MODEL_SIGNING=/path/to/model_signing).
ms=${MODEL_SIGNING:-$(command -v model_signing || true)}
[ -n "$ms" ] && [ ! -f "$data/ms.key" ] && openssl ecparam -name prime256v1 -genkey -noout -out "$data/ms.key"

n=$(nproc)
echo "machine: $n cores, $(openssl version)"
for set in set4 big; do
  size=$(du -sb "$data/$set" | cut -f1)
  echo "data set $set: $(ls "$data/$set" | wc -l) files, $((size >> 20)) MiB"
  time_cmd "aibom hash (release, $n jobs)" "$bin" hash -q "$data/$set"
  [ "$set" = set4 ] && time_cmd "aibom verify (signed release of this set)" "$bin" verify -q "$rel/bom.intoto.json" \
    --policy "$rel/policy.json" --root "$rel"
  [ "$set" = big ] && time_cmd "aibom hash --shard-size 256MiB" "$bin" hash -q --shard-size 256MiB "$data/$set"
  time_cmd "openssl dgst -sha256, xargs -P$n (limit)" sh -c "ls -d $data/$set/* | xargs -P$n -n1 openssl dgst -sha256"
  time_cmd "sha256sum (sequential)" sh -c "sha256sum $data/$set/*"
  if [ -n "$ms" ]; then
    time_cmd "model_signing sign key (reference, hashes all)" "$ms" sign key --private_key "$data/ms.key" \
      --signature "$data/ms-$set.sig" "$data/$set" || true
  fi
done
