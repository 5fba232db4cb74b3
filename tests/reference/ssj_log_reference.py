"""Reference verifier of a shuangsuiji draw log, written from docs/SAMPLING.md §9 alone.

Python 3.11 standard library only; section numbers (§n) refer to docs/SAMPLING.md. It checks a
draw log (JSON Lines) without the pools: the entry fields, the digests and links of the chain,
and every rule of §9 "The rules"; and a log against a published head (`SEQ:DIGEST` or a bare
digest). It reports the first broken entry and why, as `Broken(seq, line, rule, message)`.

The confusable skeleton of rule 1 (SAMPLING.md §10, not written yet) is APPROXIMATED here: NFD,
default-ignorable code points removed, full-width ASCII and a few hyphen and space look-alikes
folded, NFD again. It equals UTS #39 `skeleton` on nothing in particular; it is only good for
ids in plain ASCII or CJK without confusables (where the real skeleton compares the same way as
plain text) and for the look-alikes folded below. Tests must not rely on it beyond that.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ssj_reference import derive_seed, enc_str, sm3, u64be  # noqa: E402

LOG_LABEL = "shuangsuiji/draw-log/v1"
COMMITMENT_LABEL = "shuangsuiji/seed-commitment/v1"
ZERO = bytes(32)

ENTRY_FIELDS = ("seq", "previous", "kind", "record_digest", "record", "digest")
ENTRY_FIELDS_SUPERSEDING = ("seq", "previous", "kind", "supersedes", "reason", "record_digest",
                            "record", "digest")
KINDS = ("announce", "draw", "redraw", "teams", "rematch")
SUPERSEDING_KINDS = ("redraw", "rematch")
FORMAT_OF_KIND = {
    "announce": "shuangsuiji/draw-announcement",
    "draw": "shuangsuiji/draw-record",
    "redraw": "shuangsuiji/draw-record",
    "teams": "shuangsuiji/team-record",
    "rematch": "shuangsuiji/team-record",
}
ANNOUNCEMENT_FIELDS = ("format", "task_id", "plans", "pool", "seed")

# Unicode White_Space (PropList.txt).
WHITE_SPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)] + [" ", "\x85", "\xa0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])

# Part of Default_Ignorable_Code_Point (DerivedCoreProperties.txt), enough for the tests.
_IGNORABLE = frozenset(["\u00ad", "\u034f", "\u061c", "\u115f", "\u1160", "\u17b4", "\u17b5",
                        "\u180e", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060",
                        "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff", "\u3164", "\uffa0"]
                       + [chr(c) for c in range(0x202a, 0x202f)]
                       + [chr(c) for c in range(0x2066, 0x2070)]
                       + [chr(c) for c in range(0xfe00, 0xfe10)])
_HYPHENS = frozenset("\u2010\u2011\u2012\u2013\u2043\u2212\u02d7\u06d4\ufe63\uff0d")


def skeleton(s: str) -> str:
    """APPROXIMATE confusable skeleton (see the module docstring)."""
    out = []
    for ch in unicodedata.normalize("NFD", s):
        cp = ord(ch)
        if ch in _IGNORABLE:
            continue
        if 0xFF01 <= cp <= 0xFF5E:
            ch = chr(cp - 0xFEE0)
        elif ch in _HYPHENS:
            ch = "-"
        elif ch in WHITE_SPACE:
            ch = " "
        out.append(ch)
    return unicodedata.normalize("NFD", "".join(out))


def source_key(source: str) -> str:
    """§9 rule 2: sources compare by their skeleton with all white space removed."""
    return "".join(ch for ch in skeleton(source) if ch not in WHITE_SPACE)


def counts_as_reason(reason: str) -> bool:
    """§9 rule 4: at least two letters or digits (general categories L* and N*)."""
    return sum(1 for ch in reason if unicodedata.category(ch)[0] in "LN") >= 2


def seed_commitment(seed: bytes) -> bytes:
    """§9: C = SM3(str("shuangsuiji/seed-commitment/v1") ‖ seed)."""
    return sm3(enc_str(COMMITMENT_LABEL) + seed)


def entry_digest(previous: bytes, seq: int, kind: str, supersedes: int | None,
                 reason: str | None, record_digest: bytes) -> bytes:
    """§9: the digest of an entry."""
    return sm3(enc_str(LOG_LABEL) + previous + u64be(seq) + enc_str(kind)
               + enc_str("" if supersedes is None else str(supersedes))
               + enc_str("" if reason is None else reason) + record_digest)


# ---------------------------------------------------------------------------------------------
# Reading a line: the fields, in order, with the exact text of each value
# ---------------------------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise _Refused("entry", f"field {k!r} appears twice")
        obj[k] = v
    return obj


def _no_constant(name):
    raise _Refused("entry", f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
_JSON_WS = " \t\n\r"


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _JSON_WS:
        i += 1
    return i


def parse_line(text: str) -> list[tuple[str, object, str]]:
    """The top-level fields of one line as (name, value, exact text of the value), in order."""
    i = _skip_ws(text, 0)
    if i >= len(text) or text[i] != "{":
        raise _Refused("entry", "the line is not a JSON object")
    fields: list[tuple[str, object, str]] = []
    i = _skip_ws(text, i + 1)
    if i < len(text) and text[i] == "}":
        i += 1
    else:
        while True:
            if i >= len(text) or text[i] != '"':
                raise _Refused("entry", "the line is not a JSON object (expected a field name)")
            try:
                name, i = json.decoder.scanstring(text, i + 1)
            except json.JSONDecodeError as e:
                raise _Refused("entry", f"the line is not JSON: {e}") from None
            i = _skip_ws(text, i)
            if i >= len(text) or text[i] != ":":
                raise _Refused("entry", "the line is not JSON (expected ':')")
            i = _skip_ws(text, i + 1)
            try:
                value, end = _DECODER.raw_decode(text, i)
            except json.JSONDecodeError as e:
                raise _Refused("entry", f"the line is not JSON: {e}") from None
            if any(n == name for n, _, _ in fields):
                raise _Refused("entry", f"field {name!r} appears twice")
            fields.append((name, value, text[i:end]))
            i = _skip_ws(text, end)
            if i < len(text) and text[i] == ",":
                i = _skip_ws(text, i + 1)
                continue
            if i < len(text) and text[i] == "}":
                i += 1
                break
            raise _Refused("entry", "the line is not JSON (expected ',' or '}')")
    if _skip_ws(text, i) != len(text):
        raise _Refused("entry", "text after the entry's closing brace")
    return fields


def _hex32(value, what: str, rule: str = "entry") -> bytes:
    # §9 does not say how digests are written in a line; the library writes lowercase and
    # reads either case, and so does this verifier.
    if (not isinstance(value, str) or len(value) != 64
            or any(c not in "0123456789abcdefABCDEF" for c in value)):
        raise _Refused(rule, f"{what} is not 64 hex digits")
    return bytes.fromhex(value)


def _uint(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass
class Entry:
    seq: int
    line: int
    kind: str
    supersedes: int | None
    reason: str | None
    previous: bytes
    record_digest: bytes
    digest: bytes
    record: dict
    record_text: str


def read_entry(text: str, line: int) -> Entry:
    """One line → an Entry, refusing any field rule of §9 (not the chain, not the rules)."""
    fields = parse_line(text)
    names = [n for n, _, _ in fields]
    for n in names:
        if n not in ENTRY_FIELDS_SUPERSEDING:
            raise _Refused("entry", f"unknown field {n!r}")
    values = {n: v for n, v, _ in fields}
    kind = values.get("kind")
    if kind not in KINDS:
        raise _Refused("entry", f"unknown kind {kind!r}")
    want = ENTRY_FIELDS_SUPERSEDING if kind in SUPERSEDING_KINDS else ENTRY_FIELDS
    if kind not in SUPERSEDING_KINDS:
        for n in ("supersedes", "reason"):
            if n in values:
                raise _Refused("entry", f"a {kind} entry has no {n!r}")
    missing = [n for n in want if n not in values]
    if missing:
        raise _Refused("entry", f"missing field {missing[0]!r}")
    # §9: the library writes the fields in one order; a reader takes them in any order.
    if len(set(names)) != len(names):
        raise _Refused("entry", "a field is given twice")
    if not _uint(values["seq"]):
        raise _Refused("entry", "seq is not an unsigned integer")
    supersedes = values.get("supersedes")
    reason = values.get("reason")
    if kind in SUPERSEDING_KINDS:
        if not _uint(supersedes):
            raise _Refused("entry", "supersedes is not an unsigned integer")
        if not isinstance(reason, str):
            raise _Refused("entry", "reason is not a string")
    record = values["record"]
    if not isinstance(record, dict):
        raise _Refused("entry", "record is not a JSON object")
    record_text = next(t for n, _, t in fields if n == "record")
    return Entry(seq=values["seq"], line=line, kind=kind, supersedes=supersedes, reason=reason,
                 previous=_hex32(values["previous"], "previous"),
                 record_digest=_hex32(values["record_digest"], "record_digest"),
                 digest=_hex32(values["digest"], "digest"), record=record,
                 record_text=record_text)


# ---------------------------------------------------------------------------------------------
# What the rules need from each record
# ---------------------------------------------------------------------------------------------

def _str(v, what: str) -> str:
    if not isinstance(v, str):
        raise _Refused("record", f"{what} is not a string")
    return v


# §10: the default-ignorable code points outside the refused general categories.
_HIDDEN_EXTRA = [(0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180D),
                 (0x180F, 0x180F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0),
                 (0xE0100, 0xE01EF)]


def _id(v, what: str) -> str:
    """§10: an id is 1–128 bytes of NFC text without control characters, surrounding white
    space, or characters of the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and the other
    default-ignorable code points. (Python's Unicode tables may be older than the library's:
    only characters assigned in both are tested.)"""
    s = _str(v, what)
    problem = None
    if not s:
        problem = "is empty"
    elif len(s.encode("utf-8")) > 128:
        problem = "is longer than 128 bytes"
    elif s != s.strip() or any(unicodedata.category(c) == "Cc" for c in s):
        problem = "holds a control character or surrounding white space"
    elif any(unicodedata.category(c) in ("Cf", "Cs", "Co", "Cn", "Zl", "Zp")
             or any(lo <= ord(c) <= hi for lo, hi in _HIDDEN_EXTRA) for c in s):
        problem = "holds an invisible or formatting character"
    elif unicodedata.normalize("NFC", s) != s:
        problem = "is not in NFC"
    if problem:
        raise _Refused("record", f"{what} {s!r} {problem}")
    return s


def _pool(v) -> tuple[bytes, int]:
    """A pool (digest, size); digests compare as bytes, whatever the case of their hex."""
    if not isinstance(v, dict) or set(v) != {"digest", "size"} or not _uint(v.get("size")):
        raise _Refused("record", "pool is not {digest, size}")
    return _hex32(v.get("digest"), "pool digest", "record"), v["size"]


@dataclass
class Announcement:
    task_id: str
    plans: list[str]
    pool: tuple[str, int]
    method: str
    source: str | None
    commitment: bytes | None


def read_announcement(r: dict) -> Announcement:
    for k in r:
        if k not in ANNOUNCEMENT_FIELDS:
            raise _Refused("record", f"announcement: unknown field {k!r}")
    for k in ("task_id", "pool", "seed"):
        if k not in r:
            raise _Refused("record", f"announcement: missing field {k!r}")
    plans = r.get("plans", [])
    if not isinstance(plans, list) or not all(isinstance(p, str) for p in plans):
        raise _Refused("record", "announcement: plans is not a list of strings")
    seed = r["seed"]
    if not isinstance(seed, dict):
        raise _Refused("record", "announcement: seed is not an object")
    method = seed.get("method")
    if method == "public_entropy":
        if set(seed) != {"method", "source"}:
            raise _Refused("record",
                           "announcement: public_entropy seed is exactly {method, source}")
        source = _str(seed["source"], "source")
        if not counts_as_reason(source):
            raise _Refused("rule2", "the entropy source must be named (at least two letters or "
                                    "digits)")
        return Announcement(_id(r["task_id"], "task_id"), [_id(p, "plan") for p in plans],
                            _pool(r["pool"]), method, source, None)
    if method == "given":
        if set(seed) != {"method", "commitment"}:
            raise _Refused("record", "announcement: given seed is exactly {method, commitment}")
        return Announcement(_id(r["task_id"], "task_id"), [_id(p, "plan") for p in plans],
                            _pool(r["pool"]), method, None,
                            _hex32(seed["commitment"], "commitment", "record"))
    raise _Refused("record", f"announcement: unknown seed method {method!r}")


@dataclass
class Draw:
    task_id: str
    plan: str | None
    seed: bytes
    method: str
    source: str | None
    value: str | None
    pool: tuple[str, int]
    selected: list[str]


def read_draw(r: dict) -> Draw:
    req = r.get("request")
    if not isinstance(req, dict):
        raise _Refused("record", "draw record without request")
    plan = req.get("plan")
    if plan is not None:
        _str(plan, "plan")
    seed = _hex32(req.get("seed"), "seed", "record")
    origin = req.get("seed_origin", {"method": "given"})
    if not isinstance(origin, dict):
        raise _Refused("record", "seed_origin is not an object")
    method = origin.get("method")
    if method == "public_entropy":
        source, value = _str(origin.get("source"), "source"), _str(origin.get("value"), "value")
    elif method == "given":
        source = value = None
    else:
        raise _Refused("record", f"unknown seed origin {method!r}")
    selected = r.get("selected")
    if not isinstance(selected, list) or not all(
            isinstance(s, dict) and isinstance(s.get("id"), str) for s in selected):
        raise _Refused("record", "selected is not a list of {id, …}")
    return Draw(_id(req.get("task_id"), "task_id"), plan, seed, method, source, value,
                _pool(r.get("pool")), [s["id"] for s in selected])


@dataclass
class Teams:
    task_id: str
    teamed: set[str]     # the target of each team's visit
    visited: list[str]   # the target of every visit of the record's request


def read_teams(r: dict) -> Teams:
    req = r.get("request")
    if not isinstance(req, dict):
        raise _Refused("record", "team record without request")
    visits = req.get("visits")
    teams = r.get("teams")
    if not isinstance(visits, list) or not isinstance(teams, list):
        raise _Refused("record", "team record without visits or teams")
    target_of = {}
    for v in visits:
        if not isinstance(v, dict):
            raise _Refused("record", "a visit is not an object")
        target_of[_str(v.get("id"), "visit id")] = _str(v.get("target"), "visit target")
    teamed = set()
    for t in teams:
        if not isinstance(t, dict) or t.get("visit") not in target_of:
            # MATCHING.md §8: "teams: one per visit", each naming its visit by id
            raise _Refused("record", "a team names no visit of the request")
        teamed.add(target_of[t["visit"]])
    return Teams(_str(req.get("task_id"), "task_id"), teamed, list(target_of.values()))


# ---------------------------------------------------------------------------------------------
# The chain and the rules
# ---------------------------------------------------------------------------------------------

@dataclass
class TaskState:
    task_id: str                                    # the text of the first entry
    plan_text: dict = field(default_factory=dict)   # plan skeleton -> its text
    has_plans: bool = False
    announcements: list = field(default_factory=list)  # (seq, Announcement)
    source_keys: set = field(default_factory=set)
    commitments: set = field(default_factory=set)
    drawn_under_latest: bool = False
    seed_under_latest: bytes | None = None
    plain_drawn: set = field(default_factory=set)   # plan skeletons (None: no plan)
    current: dict = field(default_factory=dict)     # plan skeleton -> (seq, Draw)
    latest_teams: int | None = None


@dataclass
class Broken:
    seq: int
    line: int | None  # None: past the end of the log
    rule: str       # "entry", "record", "chain", "rule1" … "rule6", "head"
    message: str

    def __str__(self):
        where = "the end of the log" if self.line is None else f"line {self.line}"
        return f"entry {self.seq} ({where}): {self.rule}: {self.message}"


@dataclass
class Report:
    entries: list[Entry]
    error: Broken | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def head(self) -> str | None:
        """`SEQ:DIGEST` of the last entry, or None for an empty log."""
        if not self.entries:
            return None
        e = self.entries[-1]
        return f"{e.seq}:{e.digest.hex()}"


class Checker:
    def __init__(self):
        self.tasks: dict[str, TaskState] = {}
        self.superseded: set[int] = set()
        self.entries: list[Entry] = []

    # -- rule 1 --------------------------------------------------------------------------
    def task(self, task_id: str) -> TaskState | None:
        st = self.tasks.get(skeleton(task_id))
        if st is not None and st.task_id != task_id:
            raise _Refused("rule1", f"task id {task_id!r} looks like task {st.task_id!r} "
                                    "already in the log")
        return st

    @staticmethod
    def plan_key(st: TaskState, plan: str | None) -> str | None:
        if plan is None:
            return None
        k = skeleton(plan)
        known = st.plan_text.get(k)
        if known is not None and known != plan:
            raise _Refused("rule1", f"plan {plan!r} looks like plan {known!r} of task "
                                    f"{st.task_id}")
        return k

    # -- one entry -----------------------------------------------------------------------
    def add(self, e: Entry):
        fmt = e.record.get("format")
        if fmt != FORMAT_OF_KIND[e.kind]:
            raise _Refused("rule6", f"a {e.kind} entry carries a record of format {fmt!r}")
        if e.kind == "announce":
            self.announce(e, read_announcement(e.record))
        elif e.kind in ("draw", "redraw"):
            self.draw(e, read_draw(e.record))
        else:
            self.teams(e, read_teams(e.record))
        self.entries.append(e)

    def announce(self, e: Entry, a: Announcement):
        st = self.task(a.task_id)
        keys = []
        for p in a.plans:
            k = skeleton(p)
            for k2, p2 in zip(keys, a.plans):
                if k2 == k:
                    raise _Refused("rule1", f"plan {p!r} is listed twice (as {p2!r})")
            keys.append(k)
        if st is None:
            st = TaskState(a.task_id, has_plans=bool(a.plans))
            for k, p in zip(keys, a.plans):
                st.plan_text[k] = p
            self.tasks[skeleton(a.task_id)] = st
        else:
            for p in a.plans:
                self.plan_key(st, p)
            prev_seq = st.announcements[-1][0]
            if not st.drawn_under_latest:
                raise _Refused("rule2", f"task {a.task_id} was announced in entry {prev_seq} "
                                        "and nothing was drawn from it yet")
            if bool(a.plans) != st.has_plans:
                raise _Refused("rule2", f"task {a.task_id} changes its form (plans or none)")
            for k, p in zip(keys, a.plans):
                if k not in st.plan_text:
                    raise _Refused("rule2", f"plan {p!r} was not announced before for task "
                                            f"{a.task_id}")
        if a.method == "public_entropy":
            sk = source_key(a.source)
            if sk in st.source_keys:
                raise _Refused("rule2", f"source {a.source!r} was announced before for task "
                                        f"{a.task_id}")
            st.source_keys.add(sk)
        else:
            if a.commitment in st.commitments:
                raise _Refused("rule2", f"the seed commitment was announced before for task "
                                        f"{a.task_id}")
            st.commitments.add(a.commitment)
        st.announcements.append((e.seq, a))
        st.drawn_under_latest = False
        st.seed_under_latest = None

    def draw(self, e: Entry, d: Draw):
        st = self.task(d.task_id)
        if st is None:
            raise _Refused("rule2", f"task {d.task_id} was not announced")
        k = self.plan_key(st, d.plan)
        ann_seq, a = st.announcements[-1]
        # rule 4
        if e.kind == "draw":
            if k in st.plain_drawn:
                raise _Refused("rule4", f"task {d.task_id}{_plan(d.plan)} was drawn before; a new "
                                        "draw is a redraw")
        else:
            s = e.supersedes
            if s >= e.seq:
                raise _Refused("rule4", f"supersedes entry {s}, not an earlier one")
            old = self.entries[s]
            if old.kind not in ("draw", "redraw"):
                raise _Refused("rule4", f"supersedes entry {s}, which is not a draw ({old.kind})")
            cur = st.current.get(k)
            od = read_draw(old.record)
            if (skeleton(od.task_id) != skeleton(d.task_id)
                    or (None if od.plan is None else skeleton(od.plan)) != k):
                raise _Refused("rule4", f"supersedes entry {s}, a draw of another task or plan")
            if s in self.superseded or cur is None or cur[0] != s:
                raise _Refused("rule4", f"supersedes entry {s}, which was superseded already")
            if not counts_as_reason(e.reason):
                raise _Refused("rule4", "the reason has fewer than two letters or digits")
            if ann_seq < s:
                raise _Refused("rule4", f"no announcement after entry {s}: a re-draw needs a "
                                        "newly announced source")
        # rule 3
        if st.has_plans:
            if d.plan is None:
                raise _Refused("rule3", f"task {d.task_id} was announced with plans; the draw "
                                        "names none")
            if k not in {skeleton(p) for p in a.plans}:
                raise _Refused("rule3", f"plan {d.plan!r} is not in the announcement of entry "
                                        f"{ann_seq}")
        elif d.plan is not None:
            raise _Refused("rule3", f"task {d.task_id} was announced without plans; the draw "
                                    f"names plan {d.plan!r}")
        if d.pool != a.pool:
            raise _Refused("rule3", f"the draw's pool is not the one announced in entry {ann_seq}")
        if a.method == "public_entropy":
            if d.method != "public_entropy" or d.source != a.source:
                raise _Refused("rule3", f"the seed does not come from the source announced in "
                                        f"entry {ann_seq}")
            if derive_seed(d.source, d.value, d.task_id) != d.seed:
                raise _Refused("rule3", "the seed is not the one derived from its public value")
        else:
            if d.method != "given" or seed_commitment(d.seed) != a.commitment:
                raise _Refused("rule3", f"the seed is not the one committed in entry {ann_seq}")
        if st.seed_under_latest is not None and st.seed_under_latest != d.seed:
            raise _Refused("rule3", f"another seed than the other draws under the announcement "
                                    f"of entry {ann_seq}")
        # accepted
        if e.kind == "draw":
            st.plain_drawn.add(k)
        else:
            self.superseded.add(e.supersedes)
        st.current[k] = (e.seq, d)
        st.drawn_under_latest = True
        st.seed_under_latest = d.seed

    def teams(self, e: Entry, t: Teams):
        st = self.task(t.task_id)
        if st is None or not st.current:
            raise _Refused("rule5", f"task {t.task_id} has no draw to match")
        if e.kind == "teams":
            if st.latest_teams is not None:
                raise _Refused("rule5", f"task {t.task_id} has teams (entry {st.latest_teams}); "
                                        "new teams are a rematch")
        else:
            if st.latest_teams is None or e.supersedes != st.latest_teams:
                raise _Refused("rule5", f"supersedes entry {e.supersedes}, not the latest teams "
                                        f"entry of task {t.task_id}")
            if not counts_as_reason(e.reason):
                raise _Refused("rule5", "the reason has fewer than two letters or digits")
        # "none left without a team, none visited that was not drawn" (and MATCHING.md §10
        # rule 3 for which one is named first)
        drawn = set()
        for seq, d in sorted(st.current.values(), key=lambda x: x[0]):
            for tid in d.selected:
                drawn.add(tid)
                if tid not in t.teamed:
                    raise _Refused("rule5", f"drawn target {tid} has no team")
        # §9 rule 5: the targets staffed are those of the visits the teams go to.
        extra = sorted({x for x in t.teamed if x not in drawn}, key=lambda s: s.encode("utf-8"))
        if extra:
            raise _Refused("rule5", f"staffed target {extra[0]} was not drawn")
        if e.kind == "rematch":
            self.superseded.add(e.supersedes)
        st.latest_teams = e.seq


def _plan(plan):
    return "" if plan is None else f" plan {plan}"


def split_lines(data: bytes) -> list[tuple[int, bytes]]:
    """The entry lines of a JSON Lines file as (line number, bytes).

    §9 does not say; like the library, this skips lines that are empty or white space only
    (a final newline, or blank lines anywhere) and a UTF-8 byte-order mark at the start, and
    counts line numbers over every line of the file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return [(i + 1, raw) for i, raw in enumerate(data.split(b"\n"))
            if raw.strip(b" \t\r") != b""]


def check_log(data: bytes) -> Report:
    """Check a whole log; the report holds the entries read and the first broken one."""
    checker = Checker()
    previous = ZERO
    for index, (line, raw) in enumerate(split_lines(data)):
        try:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refused("entry", "the line is not UTF-8") from None
            e = read_entry(text, line)
            if e.seq != index:
                raise _Refused("chain", f"sequence number is {e.seq}, expected {index}")
            if e.previous != previous:
                raise _Refused("chain", "previous is not the digest of the entry before")
            if sm3(e.record_text.encode("utf-8")) != e.record_digest:
                raise _Refused("chain", "record_digest is not the SM3 of the record")
            if entry_digest(e.previous, e.seq, e.kind, e.supersedes, e.reason,
                            e.record_digest) != e.digest:
                raise _Refused("chain", "digest is not the entry's digest")
            checker.add(e)
        except _Refused as r:
            return Report(checker.entries, Broken(index, line, r.rule, r.message))
        previous = e.digest
    return Report(checker.entries, None)


def parse_head(head: str) -> tuple[int | None, bytes]:
    """`SEQ:DIGEST` or a bare `DIGEST` (64 hex digits; §9 writes them lowercase)."""
    seq = None
    if ":" in head:
        s, head = head.split(":", 1)
        if not s.isascii() or not s.isdigit():
            raise ValueError(f"head sequence number {s!r} is not a number")
        seq = int(s)
    try:
        return seq, _hex32(head, "head digest")
    except _Refused as r:
        raise ValueError(r.message) from None


def verify_head(data: bytes, head: str) -> Report:
    """The chain must verify and hold the published head (§9 "Heads")."""
    seq, digest = parse_head(head)
    rep = check_log(data)
    if not rep.ok:
        return rep
    n = len(rep.entries)
    if seq is None:
        if any(e.digest == digest for e in rep.entries):
            return rep
        return Report(rep.entries, Broken(n, None, "head",
                                          f"no entry has digest {digest.hex()}"))
    if seq >= n:
        return Report(rep.entries, Broken(n, None, "head",
                                          f"the log ends before entry {seq} of the head "
                                          f"({n} entries): it was cut back"))
    if rep.entries[seq].digest != digest:
        return Report(rep.entries, Broken(seq, rep.entries[seq].line, "head",
                                          f"entry {seq} has digest "
                                          f"{rep.entries[seq].digest.hex()}, not {digest.hex()}"))
    return rep


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--head"):
        print("usage: ssj_log_reference.py FILE.jsonl [--head SEQ:DIGEST]", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        data = f.read()
    try:
        rep = verify_head(data, argv[3]) if len(argv) == 4 else check_log(data)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if rep.ok:
        print(f"OK: {len(rep.entries)} entries; head {rep.head}")
        return 0
    print(f"broken: {rep.error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
