#!/usr/bin/env bash
# Diff benchmark (not a test): two BOMs of 100,000 files each (one directory asset; 100 files
# changed, 10 added, 10 removed), generated once with python3, then `aibom diff` (release build)
# timed end to end, JSON parsing included.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-bench-data}/diff
mkdir -p "$data"
if [ ! -f "$data/new.cdx.json" ]; then
  python3 - "$data" <<'PY'
import hashlib, json, sys, uuid
d = sys.argv[1]
def bom(files, version):
    lines = "".join(f"{p}\0{h}\n" for p, h in sorted(files.items(), key=lambda kv: kv[0].encode()))
    digest = hashlib.sha256(lines.encode()).hexdigest()
    # Files sorted by the bytes of their paths, as aibom writes them.
    comps = [{"type": "file", "bom-ref": f"file:big/{p}", "name": p, "hashes": [{"alg": "SHA-256", "content": h}],
              "properties": [{"name": "aibom:size", "value": "1"}]} for p, h in sorted(files.items(), key=lambda kv: kv[0].encode())]
    asset = {"type": "data", "bom-ref": "asset:big", "name": "big", "hashes": [{"alg": "SHA-256", "content": digest}],
             "properties": [{"name": "aibom:assetKind", "value": "dataset"}, {"name": "aibom:path", "value": "big"},
                            {"name": "aibom:isDirectory", "value": "true"}], "components": comps}
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": f"urn:uuid:{uuid.uuid4()}", "version": 1,
            "metadata": {"component": {"type": "application", "bom-ref": "release", "name": "bench", "version": version}},
            "components": [asset]}
h = lambda s: hashlib.sha256(s.encode()).hexdigest()
old = {f"shard-{i:06d}.bin": h(f"v{i}") for i in range(100000)}
new = dict(old)
for i in range(100): new[f"shard-{i * 997:06d}.bin"] = h(f"changed{i}")
for i in range(10): del new[f"shard-{i * 9001 + 1:06d}.bin"]; new[f"extra-{i}.bin"] = h(f"extra{i}")
json.dump(bom(old, "1"), open(f"{d}/old.cdx.json", "w"))
json.dump(bom(new, "2"), open(f"{d}/new.cdx.json", "w"))
PY
fi
swift build -c release --product aibom >/dev/null
bin=$(swift build -c release --show-bin-path)/aibom
ls -la "$data"/*.cdx.json | awk '{print "  " $5 " bytes  " $9}'
for i in 1 2 3; do
  /usr/bin/time -f "  aibom diff (100,000 files a side): %e s, %M KB peak RSS" "$bin" diff --format json "$data/old.cdx.json" "$data/new.cdx.json" > "$data/out.json"
done
python3 -c "import json; d=json.load(open('$data/out.json')); print('  changes:', d['summary'])"
