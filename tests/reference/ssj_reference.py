"""Reference implementation of the shuangsuiji draw, written from docs/SAMPLING.md alone.

Algorithm ``ssj-stratified-lowest-keys``, version 1. Python 3.11 standard library only.
Clarity over speed; section numbers (§n) refer to docs/SAMPLING.md.

Also: validation of the unified social credit code (GB 32100-2015), per /work/shared/DOMAIN.md
and the rules stated in tests/vectors/credit_codes.json.
"""

from __future__ import annotations

import datetime
import hashlib
import struct
from fractions import Fraction
from functools import cmp_to_key

# ---------------------------------------------------------------------------------------------
# SM3 (GB/T 32905-2016)
# ---------------------------------------------------------------------------------------------

_MASK32 = 0xFFFFFFFF
_SM3_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600,
           0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)


def _rotl32(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK32


def _sm3_p0(x: int) -> int:
    return x ^ _rotl32(x, 9) ^ _rotl32(x, 17)


def _sm3_p1(x: int) -> int:
    return x ^ _rotl32(x, 15) ^ _rotl32(x, 23)


def _sm3_compress(v: list[int], block: bytes) -> list[int]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_sm3_p1(w[j - 16] ^ w[j - 9] ^ _rotl32(w[j - 3], 15))
                 ^ _rotl32(w[j - 13], 7) ^ w[j - 6])
    w1 = [w[j] ^ w[j + 4] for j in range(64)]
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        t = 0x79CC4519 if j < 16 else 0x7A879D8A
        ss1 = _rotl32((_rotl32(a, 12) + e + _rotl32(t, j)) & _MASK32, 7)
        ss2 = ss1 ^ _rotl32(a, 12)
        if j < 16:
            ff = a ^ b ^ c
            gg = e ^ f ^ g
        else:
            ff = (a & b) | (a & c) | (b & c)
            gg = (e & f) | (~e & _MASK32 & g)
        tt1 = (ff + d + ss2 + w1[j]) & _MASK32
        tt2 = (gg + h + ss1 + w[j]) & _MASK32
        d = c
        c = _rotl32(b, 9)
        b = a
        a = tt1
        h = g
        g = _rotl32(f, 19)
        f = e
        e = _sm3_p0(tt2)
    return [x ^ y for x, y in zip((a, b, c, d, e, f, g, h), v)]


def sm3_pure(data: bytes) -> bytes:
    """SM3 in pure Python (GB/T 32905-2016)."""
    bit_len = len(data) * 8
    padded = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack(">Q", bit_len)
    v = list(_SM3_IV)
    for off in range(0, len(padded), 64):
        v = _sm3_compress(v, padded[off:off + 64])
    return struct.pack(">8I", *v)


def sm3_hashlib(data: bytes) -> bytes | None:
    """SM3 from hashlib (OpenSSL), or None when this Python's OpenSSL lacks it."""
    try:
        return hashlib.new("sm3", data).digest()
    except (ValueError, TypeError):
        return None


def sm3(data: bytes) -> bytes:
    h = sm3_hashlib(data)
    return h if h is not None else sm3_pure(data)


# ---------------------------------------------------------------------------------------------
# Encoding helpers (conventions)
# ---------------------------------------------------------------------------------------------

def u32be(n: int) -> bytes:
    return struct.pack(">I", n)


def u64be(n: int) -> bytes:
    return struct.pack(">Q", n)


def enc_str(s: str) -> bytes:
    b = s.encode("utf-8")
    return u32be(len(b)) + b


def _bkey(s: str) -> bytes:
    """Sort key: the UTF-8 bytes (unsigned, lexicographic, proper prefix first)."""
    return s.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# §1 The frozen pool and its digest
# ---------------------------------------------------------------------------------------------

STRATA = ("A", "B", "C", "D", "ungraded")


def normalise_target(t: dict) -> dict:
    """Apply the defaults of §1 and the within-target canonical ordering."""
    history = []
    for h in t.get("history") or []:
        history.append({
            "date": h["date"],
            "department": h["department"],
            "item": h.get("item"),
            "inspectors": sorted(h.get("inspectors") or [], key=_bkey),
        })
    history.sort(key=lambda h: (
        _bkey(h["date"]),
        _bkey(h["department"]),
        (0, b"") if h["item"] is None else (1, _bkey(h["item"])),
        [_bkey(x) for x in h["inspectors"]],
    ))
    return {
        "id": t["id"],
        "name": t.get("name", ""),
        "credit_code": t.get("credit_code"),
        "kind": t.get("kind", "enterprise"),
        "region": t.get("region", ""),
        "industry": t.get("industry", ""),
        "grid": t.get("grid", ""),
        # tags are a set
        "tags": sorted(set(t.get("tags") or []), key=_bkey),
        "grade": t.get("grade"),
        "risk_score": t.get("risk_score"),
        "status": t.get("status", "active"),
        "positive_list": bool(t.get("positive_list", False)),
        "history": history,
    }


def freeze(pool: list[dict]) -> list[dict]:
    """Normalise targets and sort them into canonical order (by UTF-8 bytes of id)."""
    targets = [normalise_target(t) for t in pool]
    targets.sort(key=lambda t: _bkey(t["id"]))
    ids = [t["id"] for t in targets]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate target id")
    return targets


def enc_target(t: dict) -> bytes:
    out = [
        enc_str(t["id"]), enc_str(t["name"]), enc_str(t["credit_code"] or ""),
        enc_str(t["kind"]), enc_str(t["region"]), enc_str(t["industry"]), enc_str(t["grid"]),
        u32be(len(t["tags"])),
    ]
    out += [enc_str(tag) for tag in t["tags"]]
    out.append(enc_str(t["grade"] or ""))
    out.append(enc_str("" if t["risk_score"] is None else str(int(t["risk_score"]))))
    out.append(enc_str(t["status"]))
    out.append(enc_str("1" if t["positive_list"] else "0"))
    out.append(u32be(len(t["history"])))
    for h in t["history"]:
        out.append(enc_str(h["date"]))
        out.append(enc_str(h["department"]))
        out.append(enc_str(h["item"] or ""))
        out.append(u32be(len(h["inspectors"])))
        out += [enc_str(p) for p in h["inspectors"]]
    return b"".join(out)


def pool_digest_bytes(frozen: list[dict], hash_fn=sm3) -> bytes:
    data = enc_str("shuangsuiji/target-pool/v1") + u64be(len(frozen))
    data += b"".join(enc_target(t) for t in frozen)
    return hash_fn(data)


def pool_digest(frozen: list[dict], hash_fn=sm3) -> str:
    return pool_digest_bytes(frozen, hash_fn).hex()


# ---------------------------------------------------------------------------------------------
# §2 The seed
# ---------------------------------------------------------------------------------------------

def derive_seed(source: str, value: str, task_id: str) -> bytes:
    return sm3(enc_str("shuangsuiji/seed/v1") + enc_str(source) + enc_str(value) + enc_str(task_id))


def request_seed(request: dict) -> bytes:
    """The seed of a request; recomputed (and checked) when it comes from public entropy."""
    seed = bytes.fromhex(request["seed"])
    if len(seed) != 32:
        raise ValueError("seed must be 32 bytes")
    origin = request.get("seed_origin") or {"method": "given"}
    if origin["method"] == "public_entropy":
        derived = derive_seed(origin["source"], origin["value"], request["task_id"])
        if derived != seed:
            raise ValueError("seed does not match its public-entropy origin")
    elif origin["method"] != "given":
        raise ValueError("unknown seed origin method")
    return seed


# ---------------------------------------------------------------------------------------------
# §5 Keys: ChaCha8 block function
# ---------------------------------------------------------------------------------------------

_CHACHA_CONST = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _MASK32; s[d] = _rotl32(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & _MASK32; s[b] = _rotl32(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & _MASK32; s[d] = _rotl32(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & _MASK32; s[b] = _rotl32(s[b] ^ s[c], 7)


def chacha8_block(seed: bytes, counter: int, nonce: int = 0) -> bytes:
    """ChaCha block with 8 rounds, 64-bit counter and 64-bit nonce (Bernstein's layout)."""
    state = list(_CHACHA_CONST) + list(struct.unpack("<8I", seed)) + [
        counter & _MASK32, (counter >> 32) & _MASK32,
        nonce & _MASK32, (nonce >> 32) & _MASK32,
    ]
    x = list(state)
    for _ in range(4):  # 4 double rounds
        _quarter(x, 0, 4, 8, 12); _quarter(x, 1, 5, 9, 13)
        _quarter(x, 2, 6, 10, 14); _quarter(x, 3, 7, 11, 15)
        _quarter(x, 0, 5, 10, 15); _quarter(x, 1, 6, 11, 12)
        _quarter(x, 2, 7, 8, 13); _quarter(x, 3, 4, 9, 14)
    return struct.pack("<16I", *[(a + b) & _MASK32 for a, b in zip(x, state)])


def key(seed: bytes, i: int) -> int:
    block = chacha8_block(seed, i // 8, 0)
    off = 8 * (i % 8)
    return int.from_bytes(block[off:off + 8], "little")


def keys(seed: bytes, n: int) -> list[int]:
    """key_0 … key_{n-1}: the keystream read as little-endian u64 words."""
    out = []
    for counter in range((n + 7) // 8):
        out += struct.unpack("<8Q", chacha8_block(seed, counter, 0))
    return out[:n]


# ---------------------------------------------------------------------------------------------
# §3 Classification (the census)
# ---------------------------------------------------------------------------------------------

def stratum_of(t: dict) -> str:
    return t["grade"] if t["grade"] in ("A", "B", "C", "D") else "ungraded"


def in_scope(t: dict, scope: dict) -> bool:
    tags = set(t["tags"])
    if scope.get("tags_all") and not set(scope["tags_all"]) <= tags:
        return False
    if scope.get("tags_any") and not (set(scope["tags_any"]) & tags):
        return False
    if scope.get("kinds") and t["kind"] not in scope["kinds"]:
        return False
    if scope.get("regions") and not any(
            _bkey(t["region"]).startswith(_bkey(r)) for r in scope["regions"]):
        return False
    if scope.get("industries") and not any(
            _bkey(t["industry"]).startswith(_bkey(p)) for p in scope["industries"]):
        return False
    if scope.get("statuses") and t["status"] not in scope["statuses"]:
        return False
    if scope.get("grades") and stratum_of(t) not in scope["grades"]:
        return False
    return True


def _days_between(later: str, earlier: str) -> int:
    return (datetime.date.fromisoformat(later) - datetime.date.fromisoformat(earlier)).days


def recently_inspected(t: dict, request: dict, rules: list[dict]) -> bool:
    if not rules:
        return False
    department = request.get("department")
    items = request.get("items") or []
    for rule in rules:
        for h in t["history"]:
            age = _days_between(request["date"], h["date"])
            if not (0 <= age < rule["within_days"]):
                continue
            if rule["by"] == "same_department" and h["department"] == department:
                return True
            if rule["by"] == "same_item" and h["item"] is not None and h["item"] in items:
                return True
            if rule["by"] not in ("same_department", "same_item"):
                raise ValueError(f"unknown recent-inspection rule {rule['by']!r}")
    return False


def classify(t: dict, request: dict) -> str:
    """One of 'out_of_scope', 'not_active', 'positive_list', 'recently_inspected', or a stratum."""
    excl = (request.get("policy") or {}).get("exclusions") or {}
    if not in_scope(t, request.get("scope") or {}):
        return "out_of_scope"
    if excl.get("inactive", True) and t["status"] != "active":
        return "not_active"
    if excl.get("positive_list", True) and t["positive_list"]:
        return "positive_list"
    if recently_inspected(t, request, excl.get("recent") or []):
        return "recently_inspected"
    return stratum_of(t)


def census(frozen: list[dict], request: dict):
    """Return (classes per canonical index, census dict)."""
    classes = [classify(t, request) for t in frozen]
    c = {
        "size": len(frozen),
        "out_of_scope": classes.count("out_of_scope"),
        "exclusions": {r: classes.count(r)
                       for r in ("not_active", "positive_list", "recently_inspected")},
        "eligible": {h: classes.count(h) for h in STRATA},
    }
    return classes, c


# ---------------------------------------------------------------------------------------------
# §4 Allocation
# ---------------------------------------------------------------------------------------------

def parse_ratio(s) -> int:
    """A percentage with at most four decimals ("12.5%") -> parts per million (125000)."""
    if not isinstance(s, str) or not s.endswith("%"):
        raise ValueError(f"bad ratio {s!r}")
    whole, dot, frac = s[:-1].partition(".")
    digits = "0123456789"
    if (not whole or any(c not in digits for c in whole) or any(c not in digits for c in frac)
            or len(frac) > 4 or (dot and not frac)):
        raise ValueError(f"bad ratio {s!r}")
    ppm = int(whole) * 10_000 + int((frac + "0000")[:4])
    if not 1 <= ppm <= 1_000_000:
        raise ValueError(f"ratio out of range {s!r}")
    return ppm


def _ratios_and_bounds(policy: dict, eligible: dict):
    raw = policy.get("ratios") or {}
    ppm = {h: (parse_ratio(raw[h]) if raw.get(h) is not None else None) for h in STRATA}
    for h in STRATA:
        if eligible[h] > 0 and ppm[h] is None:
            raise ValueError(f"stratum {h} has eligible targets and no ratio")
    bounds = policy.get("bounds") or {}
    mins = {h: (bounds.get(h) or {}).get("min") for h in STRATA}
    maxs = {h: (bounds.get(h) or {}).get("max") for h in STRATA}
    return ppm, mins, maxs


# For ties between equal remainders: the higher-risk stratum first.
_TIE_ORDER = ("D", "C", "B", "A", "ungraded")


def allocate_fixed_total(total: int, eligible: dict, ppm: dict, mins: dict, maxs: dict) -> dict:
    lo = {h: min(mins[h] or 0, eligible[h]) for h in STRATA}
    hi = {h: (eligible[h] if maxs[h] is None else min(maxs[h], eligible[h])) for h in STRATA}
    if total < sum(lo.values()) or total > sum(hi.values()):
        raise ValueError("fixed total outside the feasible range")
    n = dict(lo)
    r = total - sum(lo.values())
    weight = {h: eligible[h] * (ppm[h] or 0) for h in STRATA}
    open_ = [h for h in STRATA if hi[h] > lo[h] and weight[h] > 0]
    while r > 0:
        s = sum(weight[h] for h in open_)
        q = {h: (r * weight[h]) // s for h in open_}
        rho = {h: (r * weight[h]) % s for h in open_}
        leftover = r - sum(q.values())
        by_remainder = sorted(open_, key=lambda h: (-rho[h], _TIE_ORDER.index(h)))
        for h in by_remainder[:leftover]:
            q[h] += 1
        # Step 3: q_h here includes the leftover unit of step 2 (our reading; the golden vector
        # fixed-total.json gives the same sizes under either reading).
        capped = [h for h in open_ if q[h] > hi[h] - n[h]]
        if capped:
            for h in capped:
                r -= hi[h] - n[h]
                n[h] = hi[h]
            open_ = [h for h in open_ if h not in capped]
            continue
        for h in open_:
            n[h] += q[h]
        r = 0
    return n


def allocate(policy: dict, eligible: dict) -> dict:
    """Sample size n_h per stratum (§4)."""
    ppm, mins, maxs = _ratios_and_bounds(policy, eligible)
    size = policy.get("size") or {"mode": "by_ratio"}
    if size.get("mode", "by_ratio") == "by_ratio":
        n = {}
        for h in STRATA:
            if eligible[h] == 0:
                n[h] = 0
                continue
            nh = -((-eligible[h] * ppm[h]) // 1_000_000)  # ceiling, exact
            if mins[h] is not None:
                nh = max(nh, mins[h])
            if maxs[h] is not None:
                nh = min(nh, maxs[h])
            n[h] = min(nh, eligible[h])
        return n
    if size["mode"] == "fixed_total":
        return allocate_fixed_total(int(size["total"]), eligible, ppm, mins, maxs)
    raise ValueError(f"unknown size mode {size['mode']!r}")


# ---------------------------------------------------------------------------------------------
# §6 Selection
# ---------------------------------------------------------------------------------------------

def select_uniform(members: list[int], n: int, key_of) -> dict:
    """members: canonical indices of E_h. Returns {index: (pi, design_weight)}."""
    chosen = sorted(members, key=lambda i: (key_of[i], i))[:n]
    big_n = len(members)
    return {i: (n / big_n, big_n / n) for i in chosen}


def select_weighted(members: list[int], n: int, key_of, weight_of) -> dict:
    for i in members:
        w = weight_of[i]
        if not (isinstance(w, int) and 1 <= w <= 1_000_000):
            raise ValueError("weighted draw needs a risk_score in 1..1,000,000 for every eligible target")
    k = n
    unmarked = list(members)
    total_w = sum(weight_of[i] for i in unmarked)
    result = {}
    while k > 0:
        marked = [i for i in unmarked if k * weight_of[i] >= total_w]
        if not marked:
            break
        for i in marked:
            result[i] = (1.0, 1.0)
        marked_set = set(marked)
        unmarked = [i for i in unmarked if i not in marked_set]
        k -= len(marked)
        total_w -= sum(weight_of[i] for i in marked)
    if k > 0:
        def cmp(i, j):
            a = key_of[i] * weight_of[j]
            b = key_of[j] * weight_of[i]
            if a != b:
                return -1 if a < b else 1
            return (i > j) - (i < j)
        chosen = sorted(unmarked, key=cmp_to_key(cmp))[:k]
        for i in chosen:
            w = weight_of[i]
            # int / int in Python is one correctly rounded division
            result[i] = ((k * w) / total_w, total_w / (k * w))
    return result


# ---------------------------------------------------------------------------------------------
# §8 The record's computed parts
# ---------------------------------------------------------------------------------------------

def draw(pool: list[dict], request: dict, hash_fn=sm3) -> dict:
    """Recompute the computed parts of a draw record from the pool and the request."""
    frozen = freeze(pool)
    seed = request_seed(request)
    policy = request.get("policy") or {}
    classes, cen = census(frozen, request)
    n = allocate(policy, cen["eligible"])
    key_of = keys(seed, len(frozen))
    weighting = policy.get("weighting", "uniform")
    picked = {}
    for h in STRATA:
        if n[h] == 0:
            continue
        members = [i for i, c in enumerate(classes) if c == h]
        if weighting == "uniform":
            picked.update(select_uniform(members, n[h], key_of))
        elif weighting == "risk_score":
            weight_of = {i: frozen[i]["risk_score"] for i in members}
            picked.update(select_weighted(members, n[h], key_of, weight_of))
        else:
            raise ValueError(f"unknown weighting {weighting!r}")
    selected = [{
        "id": frozen[i]["id"],
        "stratum": classes[i],
        "inclusion_probability": picked[i][0],
        "design_weight": picked[i][1],
    } for i in sorted(picked)]
    return {
        "pool": {"digest": pool_digest(frozen, hash_fn), "size": len(frozen)},
        "out_of_scope": cen["out_of_scope"],
        "exclusions": cen["exclusions"],
        "strata": {h: {"eligible": cen["eligible"][h], "sample_size": n[h]} for h in STRATA},
        "selected": selected,
    }


# ---------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)
# ---------------------------------------------------------------------------------------------

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...


class CreditCodeError(ValueError):
    def __init__(self, kind: str, position: int | None = None, expected_check: str | None = None):
        super().__init__(f"{kind} error at {position} (expected check {expected_check})")
        self.kind = kind
        self.position = position
        self.expected_check = expected_check


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Validate exactly as given (no trimming, no case folding); raise CreditCodeError with the
    first error found: surrounding white space, then length (in characters), then the first
    character outside the alphabet, then the check character."""
    if code and code[0].isspace():
        raise CreditCodeError("character", 1)
    if code and code[-1].isspace():
        # Position of the first character of the trailing white-space run. (Assumption: the
        # vectors only have a single trailing space, where this is also the last character.)
        body = code
        while body and body[-1].isspace():
            body = body[:-1]
        raise CreditCodeError("character", len(body) + 1)
    if len(code) != 18:
        raise CreditCodeError("length")
    for pos, c in enumerate(code, start=1):
        if c not in CREDIT_ALPHABET:
            raise CreditCodeError("character", pos)
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check", 18, expected)
    return code
