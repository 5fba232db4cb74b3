#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets, fuzz/corpus/<target>/seed-*, from the golden
# vectors (tests/vectors/), the files `shuangsuiji demo` writes and a small draw log made with
# `shuangsuiji draw --log`. Deterministic: re-running it changes nothing unless the vectors or
# the demo changed. What libFuzzer adds to the corpora while it runs (files named by their
# SHA-1) is not committed (fuzz/.gitignore).
#
# Needs a debug build of the CLI (built here) and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --locked -p shuangsuiji-cli
ssj=target/debug/shuangsuiji
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"$ssj" demo --out "$scratch/demo" >/dev/null

# A small log drawn from the 20 targets of a golden vector, as a platform writes one: each
# task announced before its draw; a joint task with two member plans drawn with one seed; a
# task id in full-width digits; a re-draw from a newly announced source, with its reason.
python3 - "$scratch" <<'EOF'
import csv, json, sys
v = json.load(open("tests/vectors/draws/fixed-total-ties.json", encoding="utf-8"))
with open(f"{sys.argv[1]}/small-pool.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "grade", "name"])
    for t in v["pool"]:
        w.writerow([t["id"], t.get("grade") or "", t.get("name", "")])
EOF
files=(--pool "$scratch/small-pool.csv" --log "$scratch/small-log.jsonl")
announce() { "$ssj" announce "${files[@]}" "$@" >/dev/null; }
draw() {
  "$ssj" draw "${files[@]}" --ratios A=20%,B=40%,C=60%,D=100% --out "$scratch/record.json" "$@" \
    >/dev/null
}
lottery="双色球 2026130期"
numbers="03 07 12 19 25 31 + 09"
announce --task 2026-SCJG-001 --seed-from "$lottery"
draw --task 2026-SCJG-001 --seed-from "$lottery" --seed-value "$numbers"
announce --task 2026-LH-001 --plans P1,P2 --seed-from "$lottery"
draw --task 2026-LH-001 --plan P1 --seed-from "$lottery" --seed-value "$numbers" --total 5
draw --task 2026-LH-001 --plan P2 --seed-from "$lottery" --seed-value "$numbers" --min A=2
announce --task "２０２６-SCJG-003" --seed-from "$lottery"
draw --task "２０２６-SCJG-003" --seed-from "$lottery" --seed-value "$numbers"
announce --task 2026-SCJG-001 --seed-from "双色球 2026131期"
draw --task 2026-SCJG-001 --seed-from "双色球 2026131期" --seed-value "01 02 03 04 05 06 + 07" \
  --redraw-of 1 --reason "首次摇号的随机数来源在开奖后才选定，作废重抽"

python3 fuzz/seed-corpora.py . "$scratch"
du -sh fuzz/corpus
