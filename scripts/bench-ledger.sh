#!/usr/bin/env bash
# Ledger benchmark (not a test). Writes once, with python3 and its `cryptography` package, a
# ledger of 1,000,000 entries in aibom's on-disk format (entries, tree levels, indexes, and a
# checkpoint signed as an Ed25519 signed note by Python, not by aibom), then times aibom:
# append (logarithmic), inclusion and consistency proofs, trace and `ledger at` from the
# indexes, and a full `ledger verify` (linear, for reference).
# Usage: scripts/bench-ledger.sh [DATA_DIR] [ENTRIES]   (default: bench-data/, 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-bench-data}/ledger
n=${2:-1000000}
swift build -c release --product aibom >/dev/null
bin=$(swift build -c release --show-bin-path)/aibom
if [ ! -f "$data/L/.done-$n" ]; then
  rm -rf "$data" && mkdir -p "$data"
  "$bin" keygen -q --out "$data/lk" >/dev/null
  python3 - "$data" "$n" <<'PY'
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives import serialization
d, n = sys.argv[1], int(sys.argv[2])
L = f"{d}/L"
key = serialization.load_pem_private_key(open(f"{d}/lk.key", "rb").read(), None)
pub_pem = open(f"{d}/lk.pub").read()
raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
for sub in ["entries", "tree", "checkpoints", "index"]: os.makedirs(f"{L}/{sub}", exist_ok=True)
json.dump({"format": "aibom-ledger/v1", "keyName": "bench", "origin": "bench/ledger", "publicKey": pub_pem}, open(f"{L}/ledger.json", "w"))
leaf = lambda b: hashlib.sha256(b"\x00" + b).digest()
node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()
levels = [[]]
shards = {}
timeline = []
def key_shard(k): return hashlib.sha256(k.encode()).hexdigest()[:2]
for i in range(n):
    asset = f"model-{i % 1000}"
    digest = hashlib.sha256(f"w{i % 5000}".encode()).hexdigest()
    ts = f"2026-01-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z"
    env = "prod" if i % 2 == 0 else "staging"
    e = {"assets": [{"files": [], "kind": "model", "name": asset, "sha256": digest}],
         "attestation": {"sha256": hashlib.sha256(f"a{i}".encode()).hexdigest()}, "environment": env, "event": "deployed",
         "index": i, "release": {"name": f"rel-{i % 100}", "version": str(i)}, "signers": ["k"], "timestamp": ts}
    b = json.dumps(e, sort_keys=True, separators=(",", ":")).encode()
    folder = f"{L}/entries/{i // 4096:06d}"
    if i % 4096 == 0: os.makedirs(folder, exist_ok=True)
    open(f"{folder}/{i:012d}.json", "wb").write(b)
    levels[0].append(leaf(b))
    k = 0
    while len(levels[k]) % 2 == 0:
        if len(levels) == k + 1: levels.append([])
        levels[k + 1].append(node(levels[k][-2], levels[k][-1]))
        k += 1
    for k2 in (f"asset:{asset}", f"sha256:{digest}", f"release:rel-{i % 100}", f"release:rel-{i % 100}@{i}",
                f"attestation:{e['attestation']['sha256']}"):
        shards.setdefault(key_shard(k2), []).append(f"{k2}\t{i}\n")
    timeline.append(f"{i}\t{ts}\t{env}\tdeployed\trel-{i % 100}\t{i}\n")
for k, lv in enumerate(levels):
    open(f"{L}/tree/level-{k:02d}.bin", "wb").write(b"".join(lv))
for s, lines in shards.items(): open(f"{L}/index/{s}.tsv", "w").write("".join(lines))
open(f"{L}/timeline.tsv", "w").write("".join(timeline))
open(f"{L}/index/.complete", "w").write(f"{n}\n")
def mth(a, b):
    size = b - a
    if size & (size - 1) == 0 and a % size == 0: return levels[size.bit_length() - 1][a // size]
    k = 1
    while k << 1 < size: k <<= 1
    return node(mth(a, a + k), mth(a + k, b))
root = mth(0, n)
body = f"bench/ledger\n{n}\n{base64.b64encode(root).decode()}\n"
kid = hashlib.sha256(b"bench\n\x01" + raw).digest()[:4]
note = body + "\n\u2014 bench " + base64.b64encode(kid + key.sign(body.encode())).decode() + "\n"
open(f"{L}/checkpoint", "w").write(note)
open(f"{L}/checkpoints/{n:012d}", "w").write(note)
PY
  touch "$data/L/.done-$n"
fi
L=$data/L
t() { local label=$1; shift; local s; s=$(date +%s.%N); "$@" > /dev/null; echo "  $label: $(python3 -c "print(f'{$(date +%s.%N) - $s:.3f}')") s"; }
echo "ledger of $n entries (written by python3; checkpoint signed by python's cryptography)"
# An attestation to append: the samples' release, signed here.
w=$(mktemp -d)
"$bin" keygen -q --out "$w/k" >/dev/null
"$bin" build -q -m manifests/release-1.0.json -o "$w/r.cdx.json"
"$bin" sign "$w/r.cdx.json" --key "$w/k.key" >/dev/null
t "ledger append (lock, repair check, append, sign a checkpoint)" "$bin" ledger append "$w/r.intoto.json" -l "$L" -k "$data/lk.key" --env prod --unsafe-skip-verify
t "ledger proof --entry 123456" "$bin" ledger proof -l "$L" --entry 123456
t "ledger proof --consistency 999" "$bin" ledger proof -l "$L" --consistency 999
t "trace model-42" "$bin" trace model-42 -l "$L"
t "trace a file digest" "$bin" trace "$(python3 -c "import hashlib; print(hashlib.sha256(b'w17').hexdigest())")" -l "$L"
t "ledger at 2026-01-01T12:00:00Z --env prod" "$bin" ledger at 2026-01-01T12:00:00Z --env prod -l "$L"
t "ledger verify (full recomputation, linear)" "$bin" ledger verify -l "$L"
rm -rf "$w"
