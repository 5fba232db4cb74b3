"""shuangsuiji: China's “双随机、一公开” random spot checks, verifiable and at native speed.

Pools from data frames or from the platforms' files (workbooks, GBK CSV, Chinese headers:
:func:`read_pool`), verifiable risk-stratified draws and their records, the draw log,
merging and matching, the life cycle, the working-day calendar and the KPI report. Columnar
data comes in through the Arrow PyCapsule interface (pandas ≥ 2.2, polars, pyarrow, duckdb)
and goes out as pyarrow tables; long work runs with the GIL released.

>>> import shuangsuiji as ssj
>>> pool = ssj.TargetPool.from_frame({"id": ["E1", "E2", "E3", "E4"], "grade": ["A", "B", "C", "D"]})
>>> record = ssj.draw(pool, "2026-SCJG-001", ssj.policy_by_grade("5%", "20%", "60%", "100%"),
...                   public_entropy=("双色球 2026130期", "03 07 12 19 25 31 + 09"))
>>> record.selected.num_rows
4
>>> ssj.verify(record.to_json(), pool).ok
True
"""

from __future__ import annotations

from ._errors import (
    AssignError,
    CalendarError,
    CatalogError,
    DrawError,
    IdError,
    InvalidCreditCode,
    InvalidInputError,
    JointError,
    KpiInputError,
    LifecycleError,
    LogError,
    PlanError,
    PolicyError,
    PoolError,
    ShuangsuijiError,
    VerificationError,
)
from ._native import __version__
from .calendar import (
    add_working_days,
    calendar_years,
    holiday_name,
    is_working_day,
    publication_deadline,
    working_days_between,
)
from .credit import CreditCodeCheck, credit_check_character, parse_credit_code, validate_credit_codes
from .cycle import (
    Task,
    TargetCheck,
    check_result,
    draw_task,
    draw_visits,
    match_request,
    matching,
    propose,
    target_facts,
    validate_plan,
    verify_teams,
)
from .demo import DemoCounty, demo_county, write_demo
from .draw import (
    DrawLog,
    DrawRecord,
    Verification,
    check_policy,
    draw,
    policy_by_grade,
    seed_from_public_entropy,
    verify,
)
from .formats import KPI_EXTENSIONS, Profile, read_inspectors, read_kpi_input, read_pool
from .kpi import KPI_TABLES, KpiInput, KpiReport, kpi_report
from .pool import HISTORY_COLUMNS, INSPECTOR_COLUMNS, TARGET_COLUMNS, InspectorPool, TargetPool
from .publish import Publication

__all__ = [
    "__version__",
    # errors
    "ShuangsuijiError",
    "InvalidInputError",
    "IdError",
    "InvalidCreditCode",
    "CatalogError",
    "PoolError",
    "PolicyError",
    "DrawError",
    "LogError",
    "PlanError",
    "JointError",
    "AssignError",
    "LifecycleError",
    "CalendarError",
    "KpiInputError",
    "VerificationError",
    # credit codes
    "CreditCodeCheck",
    "validate_credit_codes",
    "parse_credit_code",
    "credit_check_character",
    # pools
    "TargetPool",
    "InspectorPool",
    "TARGET_COLUMNS",
    "HISTORY_COLUMNS",
    "INSPECTOR_COLUMNS",
    # the platforms' files
    "read_pool",
    "read_inspectors",
    "read_kpi_input",
    "Profile",
    "KPI_EXTENSIONS",
    # policies, draws, records, the log
    "policy_by_grade",
    "check_policy",
    "seed_from_public_entropy",
    "draw",
    "DrawRecord",
    "Verification",
    "verify",
    "DrawLog",
    "Publication",
    # the cycle
    "validate_plan",
    "propose",
    "draw_task",
    "draw_visits",
    "target_facts",
    "match_request",
    "matching",
    "verify_teams",
    "Task",
    "TargetCheck",
    "check_result",
    # calendar
    "is_working_day",
    "holiday_name",
    "add_working_days",
    "working_days_between",
    "publication_deadline",
    "calendar_years",
    # KPIs
    "KPI_TABLES",
    "KpiInput",
    "KpiReport",
    "kpi_report",
    # demo
    "DemoCounty",
    "demo_county",
    "write_demo",
]
