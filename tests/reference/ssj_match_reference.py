"""Reference implementation of shuangsuiji's inspector matching, written from docs/MATCHING.md.

Algorithm ``ssj-team-workload-keys``, version 1. Python 3.11 standard library only (SM3 and the
ChaCha8 block function come from ssj_reference.py). Clarity over speed: every slot scans its
department's whole roster run. Section numbers (§n) refer to docs/MATCHING.md.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ssj_reference import chacha8_block, derive_seed, enc_str, sm3, u32be, u64be  # noqa: E402

ASSIGN_STREAM = 1
LEGAL_MIN_TEAM = 2


class MatchError(Exception):
    """A matching that cannot be made; the message is the library's, word for word."""


def _b(s: str) -> bytes:
    return s.encode("utf-8")


# §1 The frozen inspector pool ---------------------------------------------------------------

def normalise_inspector(p: dict) -> dict:
    return {
        "id": p["id"],
        "name": p.get("name", ""),
        "department": p["department"],
        "unit": p.get("unit", ""),
        "certificate": p.get("certificate", ""),
        "certificate_expiry": p.get("certificate_expiry"),
        "region": p.get("region", ""),
        "items": sorted(set(p.get("items", [])), key=_b),
        "tags": sorted(set(p.get("tags", [])), key=_b),
        "expert": bool(p.get("expert", False)),
        "active": bool(p.get("active", True)),
    }


def freeze(pool: list[dict]) -> list[dict]:
    return sorted((normalise_inspector(p) for p in pool), key=lambda p: _b(p["id"]))


def enc_inspector(p: dict) -> bytes:
    out = b"".join(enc_str(p[f]) for f in ("id", "name", "department", "unit", "certificate"))
    out += enc_str(p["certificate_expiry"] or "") + enc_str(p["region"])
    out += u32be(len(p["items"])) + b"".join(enc_str(i) for i in p["items"])
    out += u32be(len(p["tags"])) + b"".join(enc_str(t) for t in p["tags"])
    out += enc_str("1" if p["expert"] else "0") + enc_str("1" if p["active"] else "0")
    return out


def pool_digest(frozen: list[dict]) -> str:
    data = enc_str("shuangsuiji/inspector-pool/v1") + u64be(len(frozen))
    data += b"".join(enc_inspector(p) for p in frozen)
    return sm3(data).hex()


# §4 Keys -------------------------------------------------------------------------------------

def key(seed: bytes, position: int) -> int:
    block = chacha8_block(seed, position // 8, ASSIGN_STREAM)
    off = 8 * (position % 8)
    return int.from_bytes(block[off:off + 8], "little")


# §9 Errors -----------------------------------------------------------------------------------

REASONS = ("inactive", "certificate", "scope", "same_region", "conflict", "last_inspector",
           "avoidance", "workload_cap")
REASON_TEXT = ("inactive", "certificate expired", "out of item scope", "recused for same region",
               "recused for conflict", "recused as last inspector",
               "recused for reciprocal avoidance", "at workload cap")


def shortage_message(visit: str, department: str | None, eligible: int, needed: int,
                     refused: dict) -> str:
    who = f"department {department}" if department is not None else "experts"
    noun = ("inspector" if eligible == 1 else "inspectors") if department is not None else (
        "expert" if eligible == 1 else "experts")
    parts = [f"{refused[r]} {t}" for r, t in zip(REASONS, REASON_TEXT) if refused[r] > 0]
    why = ", ".join(parts) if parts else "no other candidates in the pool"
    return f"visit {visit}, {who}: {eligible} eligible {noun}, {needed} needed; {why}"


# §3–§8 The matching --------------------------------------------------------------------------

def policy_of(request: dict) -> dict:
    p = request.get("policy", {})
    return {
        "min_team": p.get("min_team", LEGAL_MIN_TEAM),
        "experts": p.get("experts", 0),
        "same_region_recusal": p.get("same_region_recusal", False),
        "last_inspector_recusal": p.get("last_inspector_recusal", True),
        "max_visits_per_inspector": p.get("max_visits_per_inspector"),
        "conflicts": p.get("conflicts", []),
        "avoid_pairs": p.get("avoid_pairs", []),
        "prior_workload": p.get("prior_workload", {}),
    }


def match(pool: list[dict], request: dict) -> dict:
    """The teams and workload of a request, or MatchError with the library's message."""
    task = request["task_id"]
    try:
        return _match(pool, request)
    except MatchError as e:
        raise MatchError(f"task {task}: {e}") from None


def _match(pool: list[dict], request: dict) -> dict:
    seed = bytes.fromhex(request["seed"])
    origin = request.get("seed_origin") or {"method": "given"}
    if origin["method"] == "public_entropy":
        derived = derive_seed(origin["source"], origin["value"], request["task_id"])
        if derived != seed:
            raise MatchError("the seed does not match its stated public-entropy origin, "
                             f"which derives {derived.hex()}")
    policy = policy_of(request)
    visits = request["visits"]
    visited = {v["target"] for v in visits}
    facts = {t: f for t, f in request["targets"].items() if t in visited}

    if policy["min_team"] < LEGAL_MIN_TEAM:
        raise MatchError(f"min_team is {policy['min_team']}; the rules require at least "
                         f"{LEGAL_MIN_TEAM} inspectors per visit")
    order = sorted(visits, key=lambda v: (v["date"], _b(v["id"])))
    seen = set()
    for v in order:
        if v["id"] in seen:
            raise MatchError(f"visit {v['id']} appears more than once")
        seen.add(v["id"])
        if not v["needs"]:
            raise MatchError(f"visit {v['id']} has no department checking anything")
        for i, n in enumerate(v["needs"]):
            if any(p["department"] == n["department"] for p in v["needs"][:i]):
                raise MatchError(f"visit {v['id']}: department {n['department']} is listed "
                                 "twice; merge its items")
    for a, b in policy["avoid_pairs"]:
        if a == b:
            raise MatchError(f"avoidance pair ({a}, {a}) names the same inspector twice")

    frozen = freeze(pool)
    n = len(frozen)
    roster = sorted(frozen, key=lambda p: (p["expert"], _b(p["department"]), _b(p["id"])))
    index = {p["id"]: r for r, p in enumerate(roster)}
    conflicts = {(c["inspector"], c["target"]) for c in policy["conflicts"]}
    avoid = {}
    for a, b in policy["avoid_pairs"]:
        avoid.setdefault(a, set()).add(b)
        avoid.setdefault(b, set()).add(a)
    cap = policy["max_visits_per_inspector"]
    workload = [policy["prior_workload"].get(p["id"], 0) for p in roster]
    keys = [key(seed, workload[r] * n + r) for r in range(n)]

    def refusal(r: int, visit: dict, vf: dict, need_items: list[str], team: list[int]):
        """The first reason r may not join the team, or None (§5)."""
        p = roster[r]
        if not p["active"]:
            return "inactive"
        if not p["expert"] and not (p["certificate"] and (
                p["certificate_expiry"] is None or visit["date"] <= p["certificate_expiry"])):
            return "certificate"
        if not p["expert"] and p["items"] and not all(i in p["items"] for i in need_items):
            return "scope"
        if policy["same_region_recusal"] and vf.get("region", "") and p["region"] == vf["region"]:
            return "same_region"
        if (p["id"], visit["target"]) in conflicts:
            return "conflict"
        if policy["last_inspector_recusal"] and p["id"] in vf.get("last_inspectors", []):
            return "last_inspector"
        if any(roster[m]["id"] in avoid.get(p["id"], ()) for m in team):
            return "avoidance"
        if cap is not None and workload[r] >= cap:
            return "workload_cap"
        return None

    teams = []
    for visit in order:
        if visit["target"] not in facts:
            raise MatchError(f"visit {visit['id']}: no recusal facts for target {visit['target']}")
        vf = facts[visit["target"]]
        deps = len(visit["needs"])
        extra = max(policy["min_team"] - deps, 0)
        team: list[int] = []
        members = []
        fills = [(need["department"], need["items"], 1 + extra // deps + (1 if d < extra % deps else 0))
                 for d, need in enumerate(visit["needs"])]
        fills.append((None, [], policy["experts"]))
        for dept, items, slots in fills:
            run = [r for r, p in enumerate(roster)
                   if (p["expert"] if dept is None else (not p["expert"] and p["department"] == dept))]
            made = []
            for _ in range(slots):
                ok = [r for r in run if r not in team and refusal(r, visit, vf, items, team) is None]
                if not ok:
                    refused = dict.fromkeys(REASONS, 0)
                    for r in run:
                        if r not in made:
                            refused[refusal(r, visit, vf, items, team)] += 1
                    raise MatchError(shortage_message(visit["id"], dept, len(made), slots, refused))
                best = min(ok, key=lambda r: (workload[r], keys[r], r))
                team.append(best)
                made.append(best)
                if dept is not None:
                    members.append([roster[best]["id"], dept])
        experts = [roster[r]["id"] for r in team[len(members):]]
        for r in team:
            workload[r] += 1
            keys[r] = key(seed, workload[r] * n + r)
        teams.append({"visit": visit["id"], "leader": members[0][0], "members": members,
                      "experts": experts})
    out_workload = {roster[r]["id"]: w for r, w in enumerate(workload) if w > 0}
    return {"teams": teams,
            "workload": dict(sorted(out_workload.items(), key=lambda kv: _b(kv[0]))),
            "pool": {"digest": pool_digest(frozen), "size": n}}
