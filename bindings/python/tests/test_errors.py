"""The exception hierarchy (mirrors crates/shuangsuiji/src/error.rs)."""

from __future__ import annotations

import pickle

import pytest

import shuangsuiji as ssj

BAD_INPUT = [
    ssj.InvalidInputError, ssj.IdError, ssj.InvalidCreditCode, ssj.CatalogError, ssj.PoolError,
    ssj.PolicyError, ssj.DrawError, ssj.LogError, ssj.PlanError, ssj.JointError, ssj.AssignError,
    ssj.LifecycleError, ssj.CalendarError, ssj.KpiInputError,
]


@pytest.mark.parametrize("cls", BAD_INPUT)
def test_bad_input_is_a_value_error(cls: type) -> None:
    assert issubclass(cls, ssj.ShuangsuijiError)
    assert issubclass(cls, ValueError)


def test_verification_error_is_not_bad_input() -> None:
    assert issubclass(ssj.VerificationError, ssj.ShuangsuijiError)
    assert not issubclass(ssj.VerificationError, ValueError)


def test_details_are_attributes_and_missing_ones_are_none() -> None:
    with pytest.raises(ssj.InvalidCreditCode) as e:
        ssj.parse_credit_code("91350100M00O100Y43")
    assert e.value.reason == "invalid_character"
    assert e.value.position == 12
    assert e.value.found == "O"
    assert e.value.row is None
    assert "I, O, S, V and Z" in str(e.value)


def test_errors_pickle_with_their_details() -> None:
    err = ssj.PoolError("bad", row=3, id="E1", field="grade")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ssj.PoolError and back.row == 3 and back.field == "grade"


def test_every_public_name_is_exported() -> None:
    for name in ssj.__all__:
        assert hasattr(ssj, name), name
