#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*).

Called by fuzz/seed-corpora.sh, which first runs the CLI's demo and a few small draws into a
scratch directory. Seeds come from the golden vectors (tests/vectors/), from what the demo
writes (cut down to a few rows: libFuzzer mutates small inputs best) and from small
hand-written texts. Every seed is rewritten on each run and the output is deterministic, so
the committed seeds change only when their sources do.

Usage: seed-corpora.py REPO_ROOT SCRATCH_DIR
"""

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(sys.argv[1])
SCRATCH = Path(sys.argv[2])
CORPUS = ROOT / "fuzz" / "corpus"
VECTORS = ROOT / "tests" / "vectors"
DEMO = SCRATCH / "demo"

POOL_COLUMNS = ["id", "credit_code", "name", "kind", "region", "industry", "grid", "status",
                "grade", "risk_score", "positive_list", "tags"]
HISTORY_COLUMNS = ["target_id", "date", "department", "item", "inspectors"]
INSPECTOR_COLUMNS = ["id", "name", "department", "unit", "certificate", "certificate_expiry",
                     "region", "items", "tags", "expert", "active"]


def write(target, name, data):
    """One seed file; text is written as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = CORPUS / target / f"seed-{name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def table(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return out.getvalue()


def flag(b):
    return "true" if b else "false"


def pool_csv(targets):
    """A pool text and a history text, as the library's write_pool/write_history write them."""
    pool = table(POOL_COLUMNS, ([
        t["id"], t.get("credit_code", ""), t.get("name", ""), t.get("kind", "enterprise"),
        t.get("region", ""), t.get("industry", ""), t.get("grid", ""),
        t.get("status", "active"), t.get("grade") or "",
        str(t["risk_score"]) if t.get("risk_score") is not None else "",
        flag(t.get("positive_list", False)), ";".join(t.get("tags", [])),
    ] for t in targets))
    history = table(HISTORY_COLUMNS, ([
        t["id"], h["date"], h["department"], h.get("item") or "", ";".join(h.get("inspectors", [])),
    ] for t in targets for h in t.get("history", [])))
    return pool, history


def inspectors_csv(people):
    return table(INSPECTOR_COLUMNS, ([
        p["id"], p.get("name", ""), p["department"], p.get("unit", ""), p.get("certificate", ""),
        p.get("certificate_expiry") or "", p.get("region", ""), ";".join(p.get("items", [])),
        ";".join(p.get("tags", [])), flag(p.get("expert", False)), flag(p.get("active", True)),
    ] for p in people))


def head(text, rows):
    """The header and the first `rows` rows of a CSV text."""
    return "".join(text.splitlines(keepends=True)[: rows + 1])


def structured(target, count):
    """Deterministic bytes for the structured modes (first byte even): libFuzzer finds the
    requests from there, the bytes only give it a start."""
    for n in range(count):
        data = b"".join(hashlib.sha256(f"{target}/{n}/{i}".encode()).digest() for i in range(6))
        write(target, f"structured-{n}", bytes([0]) + data[1 + n * 16:])


def draw_vectors():
    for path in sorted((VECTORS / "draws").glob("*.json")):
        yield path.stem, json.loads(path.read_text(encoding="utf-8"))


def seeds_pool_csv():
    t = "pool_csv"
    for name, v in draw_vectors():
        pool, history = pool_csv(v["pool"][:30])
        write(t, f"vector-{name}", pool + "\0" + history)
    for path in sorted((VECTORS / "teams").glob("*.json")):
        v = json.loads(path.read_text(encoding="utf-8"))
        if 0 < len(v.get("pool", [])) <= 20:
            write(t, f"inspectors-{path.stem}", "id,grade\n\0target_id,date,department\n\0"
                  + inspectors_csv(v["pool"]))
    demo_pool = head((DEMO / "pool.csv").read_text(encoding="utf-8"), 25)
    ids = {line.split(",", 1)[0] for line in demo_pool.splitlines()[1:]}
    history_lines = (DEMO / "history.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    demo_history = history_lines[0] + "".join(
        line for line in history_lines[1:] if line.split(",", 1)[0] in ids)
    demo_inspectors = head((DEMO / "inspectors.csv").read_text(encoding="utf-8"), 15)
    write(t, "demo", demo_pool + "\0" + demo_history + "\0" + demo_inspectors)
    # The forgiving parts of the reader: a byte-order mark, CRLF, header case and spaces,
    # 是/否, unknown and unnamed columns, quoted cells with commas, quotes and line breaks.
    write(t, "forgiving",
          "\ufeff ID , Grade ,NAME,备注,,positive_list,Tags\r\n"
          "E1,A,\"甲, 乙\",x,,是,食品经营; 餐饮服务\r\n"
          "E2,,\"多行\r\n名称 \"\"引号\"\"\",,,否,\r\n"
          ",,,,,,\r\n"
          "\0target_id,DATE,department,item,inspectors\r\nE1,2026-03-01,D01,I-FOOD,P1;P2\r\n"
          "\0id,department,certificate,expert,active,certificate_expiry,items\r\n"
          "P1,D01,鄂420281010001,否,,2027-01-31,I-FOOD;I-DRUG\r\nX1,D02,,yes,n,,\r\n")
    write(t, "doc-example",
          "id,grade,name,备注\nE1,A,\"甲, 乙\",x\nE2,,丙,\n\0target_id,date,department\n"
          "E1,2026-03-01,D01\n")
    # Refusals, each at its line and field.
    write(t, "bad-grade", "id,grade\nE1,A\nE2,E\n")
    write(t, "duplicate-id", "id,grade,credit_code\nE1,A,91350100M000100Y43\nE1,B,\n")
    write(t, "look-alike-ids", "id,grade\n2026-E1,A\n２０２６-E1,A\n")
    write(t, "bad-history", "id,grade\nE1,A\n\0target_id,date,department\nE2,2026-13-01,D01\n")


def seeds_record_verify():
    t = "record_verify"
    for name, v in draw_vectors():
        text = json.dumps(v["record"], indent=2, ensure_ascii=False)
        if len(text) <= 64 * 1024:
            write(t, f"vector-{name}", text)
    for path in sorted((DEMO / "records").glob("*.json")):
        if path.stat().st_size <= 12 * 1024:
            write(t, f"demo-{path.stem}", path.read_bytes())
    structured(t, 4)


def seeds_log_chain():
    t = "log_chain"
    log = (SCRATCH / "small-log.jsonl").read_text(encoding="utf-8")
    write(t, "cli-log", log)
    lines = log.splitlines(keepends=True)
    write(t, "cli-log-first-draw", "".join(lines[:2]))
    write(t, "cli-log-reordered", "".join([lines[1], lines[0]] + lines[2:]))
    structured(t, 4)


def seeds_kpi_input():
    t = "kpi_input"
    names = ["departments", "items", "plans", "tasks", "drawn", "results", "follow_ups",
             "unplanned"]
    kpi = DEMO / "year" / "kpi"
    tables = {n: (kpi / f"{n}.csv").read_text(encoding="utf-8") for n in names}
    rows = {n: list(csv.reader(io.StringIO(tables[n]))) for n in names}
    tasks = rows["tasks"][1:3]
    task_ids = {r[0] for r in tasks}
    plan_ids = {p for r in tasks for p in r[1].split(";")}
    keep = {
        "departments": rows["departments"][1:],
        "items": rows["items"][1:],
        "plans": [r for r in rows["plans"][1:] if r[0] in plan_ids],
        "tasks": tasks,
        "drawn": [r for r in rows["drawn"][1:] if r[0] in task_ids][:12],
        "unplanned": rows["unplanned"][1:],
    }
    drawn = {(r[0], r[1]) for r in keep["drawn"]}
    keep["results"] = [r for r in rows["results"][1:] if (r[0], r[1]) in drawn]
    results = {(r[0], r[1]) for r in keep["results"]}
    keep["follow_ups"] = [r for r in rows["follow_ups"][1:] if (r[0], r[1]) in results]
    demo = "\0".join(table(rows[n][0], keep[n]) for n in names)
    write(t, "demo-two-tasks", demo)
    write(t, "demo-two-tasks-as-of", demo + "\0" + json.dumps(
        {"as_of": "2026-06-30", "max_listed": 2}))
    # The example of the kpi module's documentation.
    write(t, "doc-example", "\0".join([
        "id,name\nD1,市场监管局\nD2,卫健局\n",
        "",
        "id,year,department,kind,participants,items,special,deleted,deletion_reason\n"
        "P1,2026,D1,joint,D2,,false,false,\n",
        "id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\n"
        "T1,P1,D1,D2,true,true,2026-04-01,2026-11-30,2026-05-10\n",
        "task,target,stratum,inclusion_probability\nT1,E1,B,0.1\nT1,E2,D,1\n",
        "task,target,codes,inspected_on,entered_on,mobile,published_on\n"
        "T1,E1,未发现问题,2026-04-20,2026-04-20,true,2026-04-22\n"
        "T1,E2,发现问题已责令改正,2026-04-21,2026-04-21,true,2026-04-23\n",
        "task,target,kind,opened_on,closed_on\nT1,E2,rectified,2026-04-21,2026-05-06\n",
        "",
    ]))


def seeds_credit_code():
    t = "credit_code"
    v = json.loads((VECTORS / "credit_codes.json").read_text(encoding="utf-8"))
    for n, code in enumerate(v["valid"]):
        write(t, f"valid-{n:02}", code)
    for n, case in enumerate(v["invalid"]):
        write(t, f"invalid-{n:02}-{case['error']}", case["code"])
    write(t, "first17", "91350100M000100Y4")


def seeds_policy():
    t = "policy"
    for name, v in draw_vectors():
        record = v["record"]
        counts = " ".join(str(record["strata"][s]["eligible"])
                          for s in ["A", "B", "C", "D", "ungraded"])
        write(t, f"vector-{name}", counts + "\n" + json.dumps(
            record["request"]["policy"], ensure_ascii=False))
    write(t, "fixed-total-bounds", "300 0 10 5 7\n" + json.dumps({
        "ratios": {"A": "5%", "B": "20%", "C": "60%", "D": "100%", "ungraded": "0.0001%"},
        "bounds": {"A": {"min": 4}, "D": {"max": 3}, "ungraded": {"min": 1, "max": 2}},
        "size": {"mode": "fixed_total", "total": 30},
        "exclusions": {"inactive": False, "recent": [{"within_days": 90, "by": "same_item"}]},
        "weighting": "risk_score",
    }))
    write(t, "large-counts", "18446744073709551615 0 0 0 1\n" + json.dumps({
        "ratios": {"A": "100%", "ungraded": "12.3456%"},
        "bounds": {"A": {"max": 18446744073709551615}},
    }))
    structured(t, 4)


def main():
    for target in ["pool_csv", "record_verify", "log_chain", "kpi_input", "credit_code",
                   "policy"]:
        for old in (CORPUS / target).glob("seed-*"):
            old.unlink()
    seeds_pool_csv()
    seeds_record_verify()
    seeds_log_chain()
    seeds_kpi_input()
    seeds_credit_code()
    seeds_policy()


main()
