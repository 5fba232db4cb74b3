"""Tests of the draw-log reference verifier (ssj_log_reference.py) against the demo's logs.

Run from the repository root:  python3 -m unittest discover -s tests/reference -v

The logs come from the directory named by SSJ_DEMO_DIR (the output of `shuangsuiji demo --out
DIR`); without it the test runs `cargo run -q -p shuangsuiji-cli -- demo --out TMPDIR` itself.
Every tampered log is re-chained by this file's own code (SM3 of the record text, entry digests,
links), so only the rules of SAMPLING.md §9 can catch it; each one is also given to
`shuangsuiji log verify` (the binary SSJ_CLI, else target/debug/shuangsuiji), which must find the
same entry broken.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssj_log_reference as L  # noqa: E402
from ssj_reference import derive_seed, sm3  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent


# ---------------------------------------------------------------------------------------------
# Building logs: entries as dicts, the record kept as its exact text
# ---------------------------------------------------------------------------------------------

def read_entries(data: bytes) -> list[dict]:
    """The entries of a log as dicts: kind, supersedes, reason, record (its exact text)."""
    out = []
    for _, raw in L.split_lines(data):
        fields = L.parse_line(raw.decode("utf-8"))
        e = {n: v for n, v, _ in fields}
        e["record"] = next(t for n, _, t in fields if n == "record")
        out.append(e)
    return out


def task_of(e: dict) -> str:
    r = rec(e)
    return r["task_id"] if "task_id" in r else r["request"]["task_id"]


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def line_of(e: dict, seq: int, previous: bytes) -> tuple[str, bytes]:
    """One compact line in §9's field order, with digests computed here; extra keys kept."""
    rd = sm3(e["record"].encode("utf-8"))
    sup = e.get("supersedes")
    reason = e.get("reason")
    digest = L.entry_digest(previous, seq, e["kind"], sup, reason, rd)
    parts = [f'"seq":{seq}', f'"previous":"{previous.hex()}"', f'"kind":{dump(e["kind"])}']
    if "supersedes" in e or "reason" in e:
        parts.append(f'"supersedes":{dump(sup)}')
        parts.append(f'"reason":{dump(reason)}')
    parts.append(f'"record_digest":"{rd.hex()}"')
    parts.append(f'"record":{e["record"]}')
    parts.append(f'"digest":"{digest.hex()}"')
    for k, v in e.get("extra", {}).items():
        parts.append(f"{dump(k)}:{dump(v)}")
    return "{" + ",".join(parts) + "}", digest


def rechain(entries: list[dict]) -> bytes:
    """A log whose seq, previous, record_digest and digest are all recomputed."""
    lines, previous = [], L.ZERO
    for seq, e in enumerate(entries):
        text, previous = line_of(e, seq, previous)
        lines.append(text)
    return ("\n".join(lines) + "\n").encode("utf-8")


def rec(e: dict) -> dict:
    return json.loads(e["record"])


def with_record(e: dict, record: dict) -> dict:
    e = dict(e)
    e["record"] = dump(record)
    return e


def reseed(record: dict, source: str | None = None, value: str | None = None,
           task_id: str | None = None) -> dict:
    """A draw record whose public-entropy origin is changed and whose seed is derived again."""
    req = record["request"]
    o = req["seed_origin"]
    if source is not None:
        o["source"] = source
    if value is not None:
        o["value"] = value
    if task_id is not None:
        req["task_id"] = task_id
    req["seed"] = derive_seed(o["source"], o["value"], req["task_id"]).hex()
    return record


def announcement(task_id: str, pool: dict, source: str | None = None, plans=None,
                 commitment: str | None = None) -> dict:
    r = {"format": "shuangsuiji/draw-announcement", "task_id": task_id}
    if plans is not None:
        r["plans"] = plans
    r["pool"] = pool
    r["seed"] = ({"method": "public_entropy", "source": source} if commitment is None
                 else {"method": "given", "commitment": commitment})
    return {"kind": "announce", "record": dump(r)}


# ---------------------------------------------------------------------------------------------
# The demo and the CLI
# ---------------------------------------------------------------------------------------------

def find_cli() -> str | None:
    env = os.environ.get("SSJ_CLI")
    if env:
        return env
    built = ROOT / "target" / "debug" / "shuangsuiji"
    return str(built) if built.exists() else None


CLI_BROKEN = re.compile(r"broken link at entry (\d+) \(line (\d+)")


_STATE: dict = {}


def setUpModule():
    tmp = Path(tempfile.mkdtemp(prefix="ssj-logref-"))
    _STATE["tmp"] = tmp
    env = os.environ.get("SSJ_DEMO_DIR")
    if env:
        demo = Path(env)
    else:
        if shutil.which("cargo") is None:
            raise unittest.SkipTest("neither SSJ_DEMO_DIR nor cargo to run the demo")
        demo = tmp / "demo"
        subprocess.run(["cargo", "run", "-q", "-p", "shuangsuiji-cli", "--", "demo",
                        "--out", str(demo)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    _STATE["demo"] = demo
    _STATE["disagreements"] = []


def tearDownModule():
    shutil.rmtree(_STATE["tmp"], ignore_errors=True)
    for line in _STATE.get("seen", []):
        print(line, file=sys.stderr)
    if _STATE["disagreements"]:
        print("\nshuangsuiji log verify and the reference disagree:\n  "
              + "\n  ".join(_STATE["disagreements"]), file=sys.stderr)


class LogCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = _STATE["tmp"]
        cls.demo = _STATE["demo"]
        cls.cli = find_cli()
        cls.small = (cls.demo / "draw-log.jsonl").read_bytes()
        cls.year = (cls.demo / "year" / "draw-log.jsonl").read_bytes()
        cls.small_entries = read_entries(cls.small)
        cls.year_entries = read_entries(cls.year)
        # the year's first two joint tasks (announcement, six plans' draws, teams each): a
        # log of its own, small enough to re-check quickly for each tampered variant
        cls.year_part = [e for e in cls.year_entries
                         if task_of(e) in ("2026-JT-00001", "2026-JT-00002")]

    def small_log(self) -> list[dict]:
        return [dict(e) for e in self.small_entries]

    def year_log(self) -> list[dict]:
        return [dict(e) for e in self.year_part]

    def assert_cli(self, name: str, data: bytes, seq: int | None, line: int | None = None,
                   unreadable: bool = False, fail: bool = True) -> bool:
        """The CLI agrees: exit 0 for a good log; for a broken one exit 1 naming entry `seq`,
        or, for an entry it cannot read (`unreadable`), exit 2 naming the file's `line`."""
        if self.cli is None:
            return True
        _STATE["cases"] = _STATE.get("cases", 0) + 1
        path = self.tmp / f"case-{_STATE['cases']}.jsonl"
        path.write_bytes(data)
        p = subprocess.run([self.cli, "log", "verify", str(path)], capture_output=True,
                           text=True)
        err = p.stderr.strip()
        if seq is None:
            ok = p.returncode == 0 and err == ""
        elif unreadable:
            ok = p.returncode == 2 and f"{path}:{line}: not a draw-log entry" in err
        else:
            m = CLI_BROKEN.search(err)
            ok = p.returncode == 1 and m is not None and int(m.group(1)) == seq \
                and (line is None or int(m.group(2)) == line)
        if os.environ.get("SSJ_LOGREF_VERBOSE"):
            _STATE.setdefault("seen", []).append(f"{name}: CLI {p.returncode} {err[-400:]}")
        if not ok:
            said = "OK" if seq is None else f"entry {seq} (line {line}) is broken"
            msg = f"{name}: the reference says {said}; the CLI exits {p.returncode}: " \
                  f"{err[-300:]!r}"
            _STATE["disagreements"].append(msg)
            if fail:
                self.fail(msg)
        return ok

    def assert_broken(self, name: str, data: bytes, seq: int, rule: str, words: str,
                      line: int | None = None):
        rep = L.check_log(data)
        line = seq + 1 if line is None else line
        self.assertIsNotNone(rep.error, f"{name}: accepted")
        self.assertEqual((rep.error.seq, rep.error.line, rep.error.rule), (seq, line, rule),
                         f"{name}: {rep.error}")
        self.assertIn(words, rep.error.message, name)
        self.assertEqual(len(rep.entries), seq, name)
        # The CLI cannot read an entry that breaks a field rule or whose record is not a
        # record of its kind's shape: it exits 2 (bad input), not 1 (a broken log).
        self.assert_cli(name, data, seq, line, unreadable=rule in ("entry", "record"))

    def assert_ok(self, name: str, data: bytes):
        rep = L.check_log(data)
        self.assertIsNone(rep.error, f"{name}: {rep.error}")
        self.assert_cli(name, data, None)


# ---------------------------------------------------------------------------------------------
# The demo's logs as written
# ---------------------------------------------------------------------------------------------

class TestDemoLogs(LogCase):
    def test_small_log_verifies(self):
        rep = L.check_log(self.small)
        self.assertIsNone(rep.error, str(rep.error))
        self.assertEqual([e.kind for e in rep.entries][:6],
                         ["announce", "draw", "announce", "draw", "announce", "redraw"])
        self.assertEqual((rep.entries[5].supersedes, len(rep.entries)), (3, 14))

    def test_year_log_verifies(self):
        rep = L.check_log(self.year)
        self.assertIsNone(rep.error, str(rep.error))
        kinds = [e.kind for e in rep.entries]
        self.assertEqual((kinds.count("announce"), kinds.count("draw"), kinds.count("teams")),
                         (57, 139, 57))

    def test_rechaining_changes_nothing(self):
        # The builder of the tampered logs writes the library's bytes for an untouched log.
        self.assertEqual(rechain(self.small_log()), self.small)
        self.assertEqual(rechain(self.year_entries), self.year)
        self.assertEqual([e["kind"] for e in self.year_part],
                         ["announce"] + ["draw"] * 6 + ["announce"] + ["draw"] * 6
                         + ["teams"] * 2)
        self.assert_ok("the year's first two tasks", rechain(self.year_log()))

    def test_cli_accepts_both(self):
        self.assert_ok("demo draw-log.jsonl", self.small)
        self.assert_ok("demo year/draw-log.jsonl", self.year)


# ---------------------------------------------------------------------------------------------
# Entry fields and the chain
# ---------------------------------------------------------------------------------------------

class TestFieldsAndChain(LogCase):
    def test_draw_entry_carrying_supersedes(self):
        log = self.small_log()
        log[1]["supersedes"], log[1]["reason"] = 0, "作废重抽"
        self.assert_broken("draw with supersedes", rechain(log), 1, "entry",
                           "a draw entry has no 'supersedes'")

    def test_announce_entry_carrying_reason_only(self):
        log = self.small_log()
        text = rechain(log).decode("utf-8").split("\n")
        text[0] = text[0].replace('"kind":"announce",', '"kind":"announce","reason":"说明理由",')
        self.assert_broken("announce with reason", "\n".join(text).encode(), 0, "entry",
                           "has no 'reason'")

    def test_redraw_without_reason(self):
        log = self.small_log()
        text = rechain(log).decode("utf-8").split("\n")
        text[5] = re.sub(r',"reason":"[^"]*"', "", text[5])
        self.assert_broken("redraw without reason", "\n".join(text).encode(), 5, "entry",
                           "missing field 'reason'")

    def test_unknown_field(self):
        log = self.small_log()
        log[1]["extra"] = {"note": "x"}
        self.assert_broken("unknown field", rechain(log), 1, "entry", "unknown field 'note'")

    def test_record_byte_changed(self):
        text = self.small.decode("utf-8").split("\n")
        self.assertIn('"department":"D09"', text[7])
        text[7] = text[7].replace('"department":"D09"', '"department":"D08"', 1)
        self.assert_broken("record byte changed", "\n".join(text).encode(), 7, "chain",
                           "record_digest")

    def test_entry_digest_changed(self):
        text = self.small.decode("utf-8").split("\n")
        text[2] = text[2].replace('"kind":"announce"', '"kind":"announce" ', 1)
        # a space is not a change of any value: the line still verifies
        self.assertIsNone(L.check_log("\n".join(text).encode()).error)
        text = self.small.decode("utf-8").split("\n")
        d = json.loads(text[2])["digest"]
        text[2] = text[2].replace(d, ("0" if d[0] != "0" else "1") + d[1:])
        self.assert_broken("digest changed", "\n".join(text).encode(), 2, "chain", "digest")

    def test_entry_removed(self):
        text = self.small.decode("utf-8").split("\n")
        del text[6]
        self.assert_broken("entry removed", "\n".join(text).encode(), 6, "chain",
                           "sequence number is 7, expected 6")

    def test_entries_swapped(self):
        text = self.small.decode("utf-8").split("\n")
        text[6], text[7] = text[7], text[6]
        self.assert_broken("entries swapped", "\n".join(text).encode(), 6, "chain",
                           "sequence number is 7, expected 6")

    def test_previous_changed_with_seq_kept(self):
        log = self.small_log()
        data = rechain(log).decode("utf-8").split("\n")
        d0 = json.loads(data[0])["digest"]
        data[1] = data[1].replace(d0, "0" * 64, 1)
        self.assert_broken("previous changed", "\n".join(data).encode(), 1, "chain", "previous")

    def test_uppercase_hex(self):
        # §9 does not say how a digest is written in a line; the library reads either case.
        text = self.small.decode("utf-8").split("\n")
        for i, f in ((1, "previous"), (2, "record_digest"), (3, "digest")):
            d = json.loads(text[i])[f]
            text[i] = text[i].replace(f'"{f}":"{d}"', f'"{f}":"{d.upper()}"', 1)
            if f == "digest":
                text[i + 1] = text[i + 1].replace(d, d.upper(), 1)
        self.assert_ok("uppercase hex digests", "\n".join(text).encode())
        log = self.small_log()
        r = rec(log[1])
        r["request"]["seed"] = r["request"]["seed"].upper()
        log[1] = with_record(log[1], r)
        self.assert_ok("uppercase seed", rechain(log))

    def test_blank_lines_and_white_space(self):
        # §9 does not say; the library skips blank lines (and a byte-order mark), counts
        # lines over the file, and takes the record's text without the space around it.
        text = self.small.decode("utf-8").split("\n")
        text.insert(3, "")
        text.insert(0, "  ")
        text[1] = text[1].replace('"seq":0,', ' "seq" : 0 , ').replace('"record":{', '"record": {')
        data = ("\ufeff" + "\r\n".join(text) + "\n\n").encode("utf-8")
        self.assert_ok("blank lines, BOM, CRLF, spaces", data)
        bad = data.replace(b'"department":"D01"', b'"department":"D02"', 1)
        self.assert_broken("blank lines, then a record changed", bad, 1, "chain",
                           "record_digest", line=3)
        self.assert_ok("an empty log", b"")

    def test_not_json(self):
        text = self.small.decode("utf-8").split("\n")
        text[4] = text[4][:-1]
        self.assert_broken("a line cut short", "\n".join(text).encode(), 4, "entry", "JSON")
        for bad in ('"seq":4.0,', '"seq":"4",', '"seq":-4,'):
            with self.subTest(seq=bad):
                text = self.small.decode("utf-8").split("\n")
                text[4] = text[4].replace('"seq":4,', bad, 1)
                self.assert_broken(f"seq {bad}", "\n".join(text).encode(), 4, "entry",
                                   "seq is not an unsigned integer")
        text = self.small.decode("utf-8").split("\n")
        text[3] = text[3].replace('"kind":"draw"', '"kind":"draw","kind":"draw"', 1)
        self.assert_broken("a field twice", "\n".join(text).encode(), 3, "entry",
                           "'kind' appears twice")
        log = self.small_log()
        log[0] = dict(log[0], kind="Announce")
        self.assert_broken("unknown kind", rechain(log), 0, "entry", "unknown kind 'Announce'")

    def fields_out_of_order(self) -> bytes:
        text = self.small.decode("utf-8").split("\n")
        e = json.loads(text[0])
        m = re.match(r'\{"seq":0,"previous":"0{64}",(.*)\}$', text[0])
        text[0] = '{"previous":"' + "0" * 64 + '","seq":0,' + m.group(1) + "}"
        self.assertEqual(json.loads(text[0]), e)
        return "\n".join(text).encode()

    def test_fields_out_of_order(self):
        # §9: "The library writes them in that order; a reader takes them in any order"
        self.assertIsNone(L.check_log(self.fields_out_of_order()).error)

    def test_fields_out_of_order_cli(self):
        if self.cli is None:
            raise AssertionError("no CLI")
        self.assert_cli("fields out of order", self.fields_out_of_order(), None)

    def draw_with_null_supersedes(self) -> bytes:
        text = self.small.decode("utf-8").split("\n")
        text[1] = text[1].replace('"kind":"draw",', '"kind":"draw","supersedes":null,'
                                  '"reason":null,', 1)
        return "\n".join(text).encode()

    def test_draw_with_null_supersedes(self):
        # §9: "a reader refuses … a supersedes or reason on another kind" (the digest, with
        # str("") for both, is the same as without them)
        rep = L.check_log(self.draw_with_null_supersedes())
        self.assertEqual((rep.error.seq, rep.error.rule), (1, "entry"), str(rep.error))
        self.assertIn("a draw entry has no 'supersedes'", rep.error.message)

    def test_draw_with_null_supersedes_cli(self):
        """FINDING: the library reads a draw entry with `"supersedes":null,"reason":null`."""
        if self.cli is None:
            raise AssertionError("no CLI")
        self.assert_cli("draw with null supersedes", self.draw_with_null_supersedes(), 1, 2,
                        unreadable=True)

    def test_announcement_record_fields(self):
        cases = [("note", "unknown field 'note'"), ("seed.note", "exactly {method, source}"),
                 ("plans=null", "plans is not a list"), ("seed.method", "unknown seed method")]
        for what, words in cases:
            with self.subTest(what=what):
                log = self.small_log()
                a = rec(log[0])
                if what == "note":
                    a["note"] = "x"
                elif what == "seed.note":
                    a["seed"]["note"] = "x"
                elif what == "plans=null":
                    a = {"format": a["format"], "task_id": a["task_id"], "plans": None,
                         "pool": a["pool"], "seed": a["seed"]}
                else:
                    a["seed"]["method"] = "lottery"
                log[0] = with_record(log[0], a)
                self.assert_broken(what, rechain(log), 0, "record", words)
        # §9 says "Unknown fields are refused", inside `pool` too
        log = self.small_log()
        a = rec(log[0])
        a["pool"]["note"] = "x"
        log[0] = with_record(log[0], a)
        self.assert_broken("unknown field in the announcement's pool", rechain(log), 0,
                           "record", "pool is not {digest, size}")
        # "plans ... absent or empty for a task drawn as one": [] is the form without plans
        log = self.small_log()
        a = rec(log[4])
        log[4] = with_record(log[4], {"format": a["format"], "task_id": a["task_id"],
                                      "plans": [], "pool": a["pool"], "seed": a["seed"]})
        self.assert_ok("re-announced with plans []", rechain(log))


# ---------------------------------------------------------------------------------------------
# The rules of §9
# ---------------------------------------------------------------------------------------------

class TestRules(LogCase):
    # rule 2: announce first; later announcements ---------------------------------------------
    def test_draw_before_announcement(self):
        log = self.small_log()[1:]
        self.assert_broken("draw not announced", rechain(log), 0, "rule2", "was not announced")

    def test_second_announcement_before_any_draw(self):
        log = self.small_log()
        a = rec(log[2])
        log.insert(3, announcement("2026-SCJG-002", a["pool"], "示例：中国福利彩票双色球 2026070期"))
        self.assert_broken("re-announced before a draw", rechain(log), 3, "rule2",
                           "nothing was drawn from it yet")

    def test_reannouncement_same_source_other_spaces(self):
        first = rec(self.small_log()[2])["seed"]["source"]
        self.assertIn(" ", first)
        for variant in (first.replace(" ", ""), first.replace(" ", "  "),
                        first.replace(" ", "\u3000"), first.replace(" ", "\t"), " " + first):
            with self.subTest(source=variant):
                log = self.small_log()
                a = rec(log[4])
                a["seed"]["source"] = variant
                log[4] = with_record(log[4], a)
                log[5] = with_record(log[5], reseed(rec(log[5]), source=variant))
                self.assert_broken("re-announced source with other spaces", rechain(log), 4,
                                   "rule2", "was announced before")

    def test_reannouncement_changes_form(self):
        log = self.small_log()
        a = rec(log[4])
        a = {"format": a["format"], "task_id": a["task_id"], "plans": ["2026-SC-01"],
             "pool": a["pool"], "seed": a["seed"]}
        log[4] = with_record(log[4], a)
        self.assert_broken("re-announced with plans", rechain(log), 4, "rule2",
                           "changes its form")

    def year_reannounced(self, plans, source="示例：中国福利彩票双色球 2026009期"):
        """Year log: task JT-00001 re-announced (entry 7) after its six draws."""
        log = self.year_log()
        a = rec(log[0])
        self.assertEqual(a["task_id"], "2026-JT-00001")
        log.insert(7, announcement(a["task_id"], a["pool"], source, plans=plans))
        return log, a

    def test_reannouncement_with_unannounced_plan(self):
        log, a = self.year_reannounced(["2026-SC-01", "2026-SC-99"])
        self.assert_broken("re-announced a new plan", rechain(log), 7, "rule2",
                           "'2026-SC-99' was not announced before")

    def test_reannouncement_of_one_plan_and_its_redraw(self):
        # Allowed: a later announcement lists some of the plans; the re-draw keeps its
        # selection here (the pool is not re-run), so the teams entry still matches.
        log, a = self.year_reannounced(["2026-SC-01"])
        r = reseed(rec(log[1]), source="示例：中国福利彩票双色球 2026009期", value="01 02 03")
        log.insert(8, dict(with_record(log[1], r), kind="redraw", supersedes=1,
                           reason="首次摇号作废"))
        self.assert_ok("re-announced one plan, re-drawn", rechain(log))
        # ... and the plan not in the latest announcement may not be re-drawn under it
        r2 = reseed(rec(log[2]), source="示例：中国福利彩票双色球 2026009期", value="01 02 03")
        log.insert(9, dict(with_record(log[2], r2), kind="redraw", supersedes=2,
                           reason="首次摇号作废"))
        self.assert_broken("re-draw of a plan not in the latest announcement", rechain(log), 9,
                           "rule3", "'2026-LH-01' is not in the announcement of entry 7")

    # rule 3: a draw keeps the latest announcement ---------------------------------------------
    def test_draw_from_other_source(self):
        log = self.small_log()
        log[1] = with_record(log[1], reseed(rec(log[1]), source="示例：中国福利彩票双色球 2026055期"))
        self.assert_broken("other source", rechain(log), 1, "rule3",
                           "source announced in entry 0")

    def test_draw_from_source_with_other_spaces(self):
        # "exactly the announced source": white space counts here, unlike rule 2
        log = self.small_log()
        src = rec(log[0])["seed"]["source"].replace(" ", "")
        log[1] = with_record(log[1], reseed(rec(log[1]), source=src))
        self.assert_broken("source with other spaces", rechain(log), 1, "rule3",
                           "source announced in entry 0")

    def test_seed_not_derived(self):
        log = self.small_log()
        r = rec(log[1])
        r["request"]["seed_origin"]["value"] = "03 09 14 21 27 31 + 09"
        log[1] = with_record(log[1], r)
        self.assert_broken("seed not derived", rechain(log), 1, "rule3", "derived")

    def test_draw_of_other_pool(self):
        log = self.small_log()
        r = rec(log[1])
        r["pool"]["size"] += 1
        log[1] = with_record(log[1], r)
        self.assert_broken("other pool", rechain(log), 1, "rule3", "pool")

    def test_plan_not_announced(self):
        log = self.year_log()
        r = rec(log[1])
        r["request"]["plan"] = "2026-SC-99"
        log[1] = with_record(log[1], r)
        self.assert_broken("plan not announced", rechain(log), 1, "rule3",
                           "'2026-SC-99' is not in the announcement of entry 0")

    def test_no_plan_when_plans_announced(self):
        log = self.year_log()
        r = rec(log[1])
        del r["request"]["plan"]
        log[1] = with_record(log[1], r)
        self.assert_broken("no plan", rechain(log), 1, "rule3", "names none")

    def test_plan_when_none_announced(self):
        log = self.small_log()
        r = rec(log[1])
        req = r["request"]
        r["request"] = {"task_id": req.pop("task_id"), "plan": "2026-SC-01", **req}
        log[1] = with_record(log[1], r)
        self.assert_broken("plan without plans", rechain(log), 1, "rule3", "without plans")

    def test_second_plan_with_other_seed(self):
        log = self.year_log()
        log[2] = with_record(log[2], reseed(rec(log[2]), value="01 02 03 04 05 06 + 07"))
        self.assert_broken("second plan, other seed", rechain(log), 2, "rule3", "another seed")

    def test_given_seed(self):
        log = self.small_log()
        seed = bytes.fromhex(rec(log[1])["request"]["seed"])
        a = rec(log[0])
        log[0] = announcement(a["task_id"], a["pool"],
                              commitment=L.seed_commitment(seed).hex())
        r = rec(log[1])
        r["request"]["seed_origin"] = {"method": "given"}
        log[1] = with_record(log[1], r)
        self.assert_ok("given seed, committed", rechain(log))
        bad = list(log)
        bad[0] = announcement(a["task_id"], a["pool"],
                              commitment=L.seed_commitment(bytes(32)).hex())
        self.assert_broken("given seed, other commitment", rechain(bad), 1, "rule3",
                           "committed in entry 0")
        # a re-announcement may not repeat the commitment
        bad = list(log)
        bad.insert(2, announcement(a["task_id"], a["pool"],
                                   commitment=L.seed_commitment(seed).hex()))
        self.assert_broken("commitment repeated", rechain(bad), 2, "rule2",
                           "commitment was announced before")

    def test_plain_draw_of_another_plan_after_reannouncement(self):
        # SAMPLING.md §9 rule 3: "every draw made under one announcement has the same seed:
        # all member plans of a task are drawn with its one seed". The reference reads it per
        # announcement (as the implementation note says: "the seed in use under the latest
        # announcement"), so a plan first drawn after a re-announcement takes the new seed.
        log = self.year_log()[:4]            # announce + plans SC-01, LH-01, SC-02
        a = rec(log[0])
        src = "示例：中国福利彩票双色球 2026009期"
        log.append(announcement(a["task_id"], a["pool"], src, plans=a["plans"]))
        log.append(with_record(self.year_part[4],
                               reseed(rec(self.year_part[4]), source=src, value="1 2 3")))
        self.assert_ok("plain draw of a fourth plan under a new announcement", rechain(log))

    # rule 4: one plain draw per task and plan; re-draws ---------------------------------------
    def test_second_plain_draw(self):
        log = self.small_log()
        log.insert(2, dict(log[1]))
        self.assert_broken("second plain draw", rechain(log), 2, "rule4", "was drawn before")

    def test_second_plain_draw_after_new_announcement(self):
        log = self.small_log()
        log[5] = {k: v for k, v in log[5].items() if k not in ("supersedes", "reason")}
        log[5]["kind"] = "draw"
        self.assert_broken("plain draw after re-announcement", rechain(log), 5, "rule4",
                           "was drawn before")

    def test_second_plain_draw_of_a_plan(self):
        log = self.year_log()
        log.insert(3, dict(log[2]))
        self.assert_broken("second plain draw of a plan", rechain(log), 3, "rule4",
                           "plan 2026-LH-01 was drawn before")

    def test_redraw_without_new_announcement(self):
        # the re-draw keeps the first announcement's seed, so only rule 4 can catch it
        log = self.small_log()
        del log[4]
        log[4] = dict(log[4], record=log[3]["record"])
        self.assert_broken("re-draw without announcement", rechain(log), 4, "rule4",
                           "no announcement after entry 3")

    def test_redraw_without_new_announcement_new_source(self):
        log = self.small_log()
        del log[4]
        rep = L.check_log(rechain(log))
        self.assertEqual((rep.error.seq, rep.error.rule), (4, "rule4"), str(rep.error))
        self.assert_cli("re-draw without announcement, unannounced source", rechain(log), 4)

    def test_redraw_reason(self):
        for reason in ("\u200b", "\u200b\u200b\u200b", "", "  ", "a", " 废 ", "\u00ad\u00ad",
                       "a\u0301", "-- !", "\u3000\u3000"):
            with self.subTest(reason=reason):
                log = self.small_log()
                log[5] = dict(log[5], reason=reason)
                self.assert_broken(f"reason {reason!r}", rechain(log), 5, "rule4",
                                   "fewer than two letters or digits")
        for reason in ("作废", "A1", "①②", "ab", "\u200b作\u200b废\u200b"):
            with self.subTest(reason=reason):
                log = self.small_log()
                log[5] = dict(log[5], reason=reason)
                self.assert_ok(f"reason {reason!r}", rechain(log))

    def test_redraw_supersedes_wrong_entry(self):
        cases = [(4, "not a draw (announce)"), (5, "not an earlier one"), (1, "another task")]
        for sup, words in cases:
            with self.subTest(supersedes=sup):
                log = self.small_log()
                log[5] = dict(log[5], supersedes=sup)
                self.assert_broken(f"supersedes {sup}", rechain(log), 5, "rule4", words)

    def test_redraw_of_superseded_entry(self):
        log = self.small_log()
        a = rec(log[2])
        src = "示例：中国福利彩票双色球 2026071期"
        log.insert(6, announcement(a["task_id"], a["pool"], src))
        log.insert(7, dict(with_record(log[5], reseed(rec(log[5]), source=src)), supersedes=3))
        self.assert_broken("supersedes a superseded draw", rechain(log), 7, "rule4",
                           "superseded already")
        log[7]["supersedes"] = 5
        self.assert_ok("second re-draw superseding the first", rechain(log))

    # rule 1: one task, one id (the spec's own examples) ----------------------------------------
    def test_look_alike_task_ids(self):
        for look_alike in ("2026\u2011SCJG\u2011001", "２０２６-SCJG-００１"):
            with self.subTest(task=look_alike):
                log = self.small_log()
                log.insert(2, dict(with_record(log[1], reseed(rec(log[1]), task_id=look_alike))))
                self.assert_broken(f"task {look_alike}", rechain(log), 2, "rule1",
                                   "looks like task '2026-SCJG-001'")

    # rule 5: teams ------------------------------------------------------------------------------
    def first_teams(self) -> int:
        return next(i for i, e in enumerate(self.year_part) if e["kind"] == "teams")

    def test_teams_with_an_undrawn_target(self):
        log = self.year_log()
        t = self.first_teams()
        r = rec(log[t])
        v = next(v for v in r["request"]["visits"] if v["id"] == r["teams"][0]["visit"])
        old = v["target"]
        v["target"] = "DY99999"
        log[t] = with_record(log[t], r)
        self.assert_broken("teams visit an undrawn target", rechain(log), t, "rule5",
                           f"drawn target {old} has no team")

    def test_teams_twice(self):
        log = self.year_log()
        t = self.first_teams()
        log.insert(t + 1, dict(log[t]))
        self.assert_broken("second teams entry", rechain(log), t + 1, "rule5",
                           "new teams are a rematch")

    def test_rematch(self):
        log = self.year_log()
        t = self.first_teams()
        n = len(log)
        log.append(dict(log[t], kind="rematch", supersedes=t, reason="检查组成员回避"))
        self.assert_ok("rematch", rechain(log))
        for sup, reason, words in ((t, "\u200b", "fewer than two"),
                                   (t + 1, "检查组成员回避", "not the latest teams entry")):
            with self.subTest(supersedes=sup, reason=reason):
                bad = list(log[:n]) + [dict(log[n], supersedes=sup, reason=reason)]
                self.assert_broken("bad rematch", rechain(bad), n, "rule5", words)
        bad = list(log) + [dict(log[n], supersedes=t)]
        self.assert_broken("rematch of a superseded teams entry", rechain(bad), n + 1, "rule5",
                           "not the latest teams entry")

    def test_teams_before_draw(self):
        log = self.year_log()
        t = self.first_teams()
        log.insert(1, log[t])
        self.assert_broken("teams before draws", rechain(log), 1, "rule5", "no draw to match")

    def test_rematch_after_redraw(self):
        # a re-draw after the teams is allowed; the rematch is checked against the new draws
        log = self.year_log()
        t = self.first_teams()
        a = rec(log[0])
        src = "示例：中国福利彩票双色球 2026009期"
        sel = {i: [x["id"] for x in rec(log[i])["selected"]] for i in range(1, 7)}
        # a plan with a target no other plan of the task drew
        i, dropped = next((i, x) for i in sel for x in sel[i]
                          if all(x not in sel[j] for j in sel if j != i))
        r = reseed(rec(log[i]), source=src, value="1 2 3")
        r["selected"] = [x for x in r["selected"] if x["id"] != dropped]
        plan = r["request"]["plan"]
        log += [announcement(a["task_id"], a["pool"], src, plans=[plan]),
                dict(with_record(log[i], r), kind="redraw", supersedes=i, reason="重新摇号")]
        self.assert_ok("re-draw after the teams", rechain(log))
        n = len(log)
        log.append(dict(log[t], kind="rematch", supersedes=t, reason="按新摇号结果重新匹配"))
        self.assert_broken("rematch visiting a target the re-draw dropped", rechain(log), n,
                           "rule5", f"staffed target {dropped} was not drawn")

    def test_teams_visit_an_extra_target(self):
        log = self.year_log()
        t = self.first_teams()
        r = rec(log[t])
        v = dict(r["request"]["visits"][0], id="V-EXTRA", target="DY99999")
        r["request"]["visits"].append(v)
        r["teams"].append(dict(r["teams"][0], visit="V-EXTRA"))
        log[t] = with_record(log[t], r)
        self.assert_broken("teams visit an extra target", rechain(log), t, "rule5",
                           "staffed target DY99999 was not drawn")

    def test_rematch_without_teams(self):
        log = self.year_log()
        t = self.first_teams()
        log[t] = dict(log[t], kind="rematch", supersedes=6, reason="重新匹配")
        self.assert_broken("rematch before teams", rechain(log), t, "rule5",
                           "not the latest teams entry")

    def test_look_alike_plan(self):
        log = self.year_log()
        r = rec(log[2])
        self.assertEqual(r["request"]["plan"], "2026-LH-01")
        r["request"]["plan"] = "2026\u2011LH\u201101"
        log[2] = with_record(log[2], r)
        self.assert_broken("look-alike plan", rechain(log), 2, "rule1",
                           "looks like plan '2026-LH-01'")

    def test_plan_listed_twice(self):
        log = self.year_log()
        a = rec(log[0])
        a["plans"].append(a["plans"][0])
        log[0] = with_record(log[0], a)
        self.assert_broken("plan listed twice", rechain(log), 0, "rule1", "listed twice")

    def test_look_alike_reannouncement(self):
        log = self.small_log()
        a = rec(log[4])
        a["task_id"] = "2026\u2011SCJG\u2011002"
        log[4] = with_record(log[4], a)
        self.assert_broken("look-alike re-announcement", rechain(log), 4, "rule1",
                           "looks like task '2026-SCJG-002'")

    def test_seed_method_against_announcement(self):
        log = self.small_log()
        r = rec(log[1])
        r["request"]["seed_origin"] = {"method": "given"}
        log[1] = with_record(log[1], r)
        self.assert_broken("given seed under a public source", rechain(log), 1, "rule3",
                           "source announced in entry 0")

    def test_switch_to_given_seed_for_redraw(self):
        log = self.small_log()
        a = rec(log[4])
        seed = bytes(range(32))
        log[4] = announcement(a["task_id"], a["pool"], commitment=L.seed_commitment(seed).hex())
        r = rec(log[5])
        r["request"]["seed"] = seed.hex()
        r["request"]["seed_origin"] = {"method": "given"}
        log[5] = with_record(log[5], r)
        self.assert_ok("re-draw from a committed given seed", rechain(log))

    def test_redraw_of_second_plan_with_other_seed(self):
        # under one announcement every draw has one seed, re-draws included
        log, a = self.year_reannounced(["2026-SC-01", "2026-LH-01"])
        src = "示例：中国福利彩票双色球 2026009期"
        log.insert(8, dict(with_record(log[1], reseed(rec(log[1]), source=src, value="1")),
                           kind="redraw", supersedes=1, reason="重新摇号"))
        log.insert(9, dict(with_record(log[2], reseed(rec(log[2]), source=src, value="2")),
                           kind="redraw", supersedes=2, reason="重新摇号"))
        self.assert_broken("re-draws under one announcement, two seeds", rechain(log), 9,
                           "rule3", "another seed")

    def test_second_redraw_without_announcement(self):
        log = self.small_log()
        log.insert(6, dict(log[5], supersedes=5))
        self.assert_broken("second re-draw, no new announcement", rechain(log), 6, "rule4",
                           "no announcement after entry 5")

    # rule 6 ------------------------------------------------------------------------------------
    def test_record_of_another_kind(self):
        log = self.small_log()
        log[1] = dict(log[1], kind="announce")
        self.assert_broken("draw record in an announce entry", rechain(log), 1, "rule6",
                           "shuangsuiji/draw-record")


# ---------------------------------------------------------------------------------------------
# Where the library and SAMPLING.md §9 part ways (each CLI check is an expected failure: a
# finding, reported; it turns into an unexpected success, which fails the run, once fixed)
# ---------------------------------------------------------------------------------------------

class TestFindings(LogCase):
    def cli_refuses(self, name: str, data: bytes, seq: int, unreadable: bool):
        if self.cli is None:
            raise AssertionError("no CLI")
        self.assert_cli(name, data, seq, seq + 1, unreadable=unreadable)

    # 1. a team left out of `teams` while its visit stays in the request -------------------
    def team_removed(self) -> tuple[bytes, int, str]:
        log = self.year_log()
        t = next(i for i, e in enumerate(log) if e["kind"] == "teams")
        r = rec(log[t])
        gone = r["teams"].pop(0)
        target = next(v["target"] for v in r["request"]["visits"] if v["id"] == gone["visit"])
        log[t] = with_record(log[t], r)
        return rechain(log), t, target

    def test_drawn_target_without_team(self):
        # §9 rule 5: "its visits go to exactly the targets those draws selected: none left
        # without a team"
        data, t, target = self.team_removed()
        rep = L.check_log(data)
        self.assertEqual((rep.error.seq, rep.error.rule), (t, "rule5"), str(rep.error))
        self.assertIn(f"drawn target {target} has no team", rep.error.message)

    def test_drawn_target_without_team_cli(self):
        """FINDING: the library takes the request's visits for the teams: it accepts a teams
        entry in which a drawn target's visit has no team."""
        data, t, _ = self.team_removed()
        self.cli_refuses("drawn target whose visit has no team", data, t, unreadable=False)

    def test_visit_without_team_to_an_undrawn_target(self):
        # §9 rule 5: a visit of the request without a team staffs nobody, so it is no breach
        log = self.year_log()
        t = next(i for i, e in enumerate(log) if e["kind"] == "teams")
        r = rec(log[t])
        r["request"]["visits"].append(dict(r["request"]["visits"][0], id="V-X",
                                           target="DY99999"))
        log[t] = with_record(log[t], r)
        data = rechain(log)
        self.assertIsNone(L.check_log(data).error)
        self.assert_cli("visit without team", data, None)

    # 2. a team naming no visit of the request ----------------------------------------------
    def team_of_unknown_visit(self) -> tuple[bytes, int]:
        log = self.year_log()
        t = next(i for i, e in enumerate(log) if e["kind"] == "teams")
        r = rec(log[t])
        r["teams"].append(dict(r["teams"][0], visit="V-NONE"))
        log[t] = with_record(log[t], r)
        return rechain(log), t

    def test_team_of_unknown_visit(self):
        data, t = self.team_of_unknown_visit()
        rep = L.check_log(data)
        self.assertEqual((rep.error.seq, rep.error.rule), (t, "record"), str(rep.error))

    def test_team_of_unknown_visit_cli(self):
        """§9 rule 5: a team for a visit the request does not hold is refused at its entry."""
        data, t = self.team_of_unknown_visit()
        self.cli_refuses("team of an unknown visit", data, t, unreadable=False)

    # 3. a key twice inside a record -----------------------------------------------------------
    def duplicate_key(self) -> bytes:
        log = self.small_log()
        log[0] = dict(log[0], record=log[0]["record"].replace(
            '"task_id":"2026-SCJG-001"', '"task_id":"2026-OTHER","task_id":"2026-SCJG-001"'))
        return rechain(log)

    def test_duplicate_key_in_record(self):
        # §9 is silent; a reader that takes the first value sees task 2026-OTHER announced,
        # the library (the last value) task 2026-SCJG-001. The reference refuses the entry.
        rep = L.check_log(self.duplicate_key())
        self.assertEqual((rep.error.seq, rep.error.rule), (0, "entry"), str(rep.error))
        self.assertIn("'task_id' appears twice", rep.error.message)

    def test_duplicate_key_in_record_cli(self):
        """FINDING: the library reads a record with a key twice, taking the last value."""
        self.cli_refuses("a key twice in a record", self.duplicate_key(), 0, unreadable=True)

    # 4. rules of ids and sources that §9 does not state ------------------------------------
    ID_CASES = [("empty task id", ""), ("task id of 129 bytes", "T" * 129),
                ("task id with U+200B", "2026-SCJG\u200b-009"),
                ("task id with surrounding space", " 2026-SCJG-009"),
                ("task id with a control character", "2026-SCJG-009\u0007"),
                ("task id not in NFC", "2026-Cafe\u0301")]
    SOURCE_CASES = ["", "a", "期", "--", "①"]

    def id_case(self, task_id: str) -> bytes:
        log = self.small_log()[:2]
        a = rec(log[0])
        a["task_id"] = task_id
        log[0] = with_record(log[0], a)
        log[1] = with_record(log[1], reseed(rec(log[1]), task_id=task_id))
        return rechain(log)

    def source_case(self, source: str) -> bytes:
        log = self.small_log()[:1]
        a = rec(log[0])
        a["seed"]["source"] = source
        log[0] = with_record(log[0], a)
        return rechain(log)

    def test_ids_and_sources_the_spec_refuses(self):
        # §10: the id rule; §9 rule 2: a source is named in words.
        for name, task_id in self.ID_CASES:
            with self.subTest(name):
                rep = L.check_log(self.id_case(task_id))
                self.assertIsNotNone(rep.error, name)
                self.assertEqual(rep.error.seq, 0, str(rep.error))
        for source in self.SOURCE_CASES:
            with self.subTest(source=source):
                rep = L.check_log(self.source_case(source))
                self.assertIsNotNone(rep.error, source)
                self.assertEqual((rep.error.seq, rep.error.rule), (0, "rule2"), str(rep.error))

    def test_ids_the_library_refuses(self):
        if self.cli is None:
            raise AssertionError("no CLI")
        for name, task_id in self.ID_CASES:
            with self.subTest(name):
                self.assert_cli(name, self.id_case(task_id), 0, 1, unreadable=True)

    def test_sources_the_library_refuses(self):
        if self.cli is None:
            raise AssertionError("no CLI")
        for source in self.SOURCE_CASES:
            with self.subTest(source=source):
                self.assert_cli(f"source {source!r}", self.source_case(source), 0)


# ---------------------------------------------------------------------------------------------
# Heads
# ---------------------------------------------------------------------------------------------

class TestHeads(LogCase):
    def test_heads(self):
        rep = L.check_log(self.small)
        head = rep.head
        self.assertTrue(head.startswith("13:"))
        self.assertTrue(L.verify_head(self.small, head).ok)
        self.assertTrue(L.verify_head(self.small, head.split(":")[1]).ok)
        e5 = f"5:{rep.entries[5].digest.hex()}"
        self.assertTrue(L.verify_head(self.small, e5).ok, "entries after the head are fine")
        # a log cut back
        cut = b"".join(raw + b"\n" for _, raw in L.split_lines(self.small)[:10])
        self.assertTrue(L.check_log(cut).ok, "a cut log is a valid chain")
        self.assertTrue(L.verify_head(cut, e5).ok)
        for h in (head, head.split(":")[1]):
            with self.subTest(head=h):
                r = L.verify_head(cut, h)
                self.assertEqual(r.error.rule, "head", str(r.error))
        self.assertIn("cut back", L.verify_head(cut, head).error.message)
        # a head at another position, or a wrong digest
        r = L.verify_head(self.small, f"4:{rep.entries[5].digest.hex()}")
        self.assertEqual((r.error.seq, r.error.rule), (4, "head"))
        self.assertEqual(L.verify_head(b"", head).error.rule, "head")
        self.assertTrue(L.verify_head(self.small, head.upper()).ok)
        for bad in ("13:" + "G" * 64, "x:" + "0" * 64, "13:" + "0" * 63, "-1:" + "0" * 64):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    L.verify_head(self.small, bad)

    def test_heads_cli(self):
        """FINDING: §9 names `shuangsuiji log verify FILE --head SEQ:DIGEST`; the CLI has no
        --head option (it exits 2, "unexpected argument")."""
        if self.cli is None:
            raise AssertionError("no CLI")
        head = L.check_log(self.small).head
        cut = b"".join(raw + b"\n" for _, raw in L.split_lines(self.small)[:10])
        path = self.tmp / "cut.jsonl"
        path.write_bytes(cut)
        full = self.tmp / "full.jsonl"
        full.write_bytes(self.small)
        for log, rc in ((full, 0), (path, 1)):
            p = subprocess.run([self.cli, "log", "verify", str(log), "--head", head],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, rc, p.stderr)

    def test_reference_command_line(self):
        path = self.tmp / "small.jsonl"
        path.write_bytes(self.small)
        me = [sys.executable, str(Path(L.__file__))]
        head = L.check_log(self.small).head
        p = subprocess.run(me + [str(path)], capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stdout.strip()), (0, f"OK: 14 entries; head {head}"))
        p = subprocess.run(me + [str(path), "--head", "14:" + head.split(":")[1]],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("the log ends before entry 14", p.stderr)
        p = subprocess.run(me + [str(path), "--head"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
