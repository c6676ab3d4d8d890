"""The index's arithmetic on known inputs: rounding, thresholds, n/a, group scores, the configuration."""

from decimal import Decimal

import pytest

from motcua.operations.indicators import ConfigError, Inputs, config, config_parse, index_compute, percent


def test_values_are_percentages_rounded_half_up_to_two_decimals():
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 200) == Decimal("0.50")
    assert percent(1, 400) == Decimal("0.25")
    assert percent(1, 800) == Decimal("0.13")  # 0.125 rounds up, not to even


def test_a_zero_denominator_is_n_a_with_the_reason_never_zero():
    result = index_compute(Inputs(sums={}))
    on_time = result.indicator("2.1")
    assert on_time.value is None and on_time.score is None and on_time.denominator == 0
    assert "Không có hồ sơ" in on_time.reason_vi and "No dossiers" in on_time.reason_en
    assert result.score is None and all(g.score is None for g in result.groups)


def test_indicators_without_data_yet_say_why_and_cost_nothing():
    result = index_compute(
        Inputs(sums={"resolved": 10, "resolved_in_time": 10}, open_total=1, open_in_time=1)
    )
    for code in ("1.4", "3.5", "3.6", "5.2", "5.4"):
        indicator = result.indicator(code)
        assert indicator.value is None and indicator.reason_en, code
    group_1 = next(g for g in result.groups if g.spec.code == "1")
    assert group_1.score is None  # n/a, not 0
    progress = next(g for g in result.groups if g.spec.code == "2")
    assert progress.score == Decimal("20.00")  # both scored indicators at 100 %: the full weight


def test_scores_reach_full_points_at_the_threshold_and_are_proportional_below():
    sums = {"resolved": 200, "online_counted": 50, "digitised": 160, "reuses_data": 40}
    result = index_compute(Inputs(sums=sums, procedures=10, procedures_online=8, procedures_online_used=4))
    online = result.indicator("3.3")  # 25 % of a full mark at 50 %: half the points
    assert (online.numerator, online.denominator, online.value, online.score) == (
        50,
        200,
        Decimal("25.00"),
        Decimal("2.00"),
    )
    assert result.indicator("3.1").value == Decimal("80.00") and result.indicator("3.1").score == Decimal(
        "4.00"
    )
    assert result.indicator("3.2").value == Decimal("50.00") and result.indicator("3.2").score == Decimal(
        "2.00"
    )
    assert result.indicator("4.2").score == Decimal("5.00")  # 80 % is full marks
    assert result.indicator("4.3").value == Decimal("20.00") and result.indicator("4.3").score == Decimal(
        "1.00"
    )
    group_3 = next(g for g in result.groups if g.spec.code == "3")
    # 3.1 4/4 + 3.2 2/4 + 3.3 2/4 = 8 of 12 points counted → 22 × 8/12
    assert group_3.score == Decimal("14.67")


def test_the_average_processing_time_is_in_working_days_and_not_scored():
    result = index_compute(Inputs(sums={"resolved": 3, "processing_minutes": 480 * 4}))
    average = result.indicator("2.3")
    assert average.value == Decimal("1.33") and average.score is None and average.spec.unit == "days"


def test_the_total_adds_the_groups_that_could_be_scored_and_says_out_of_how_many():
    sums = {"resolved": 4, "resolved_in_time": 4, "e_result": 4, "digitised": 4, "reuses_data": 4}
    sums |= {"store_linked": 4, "population_data": 4, "online_counted": 4}
    result = index_compute(
        Inputs(
            sums=sums,
            procedures=2,
            procedures_online=2,
            procedures_online_used=2,
            open_total=2,
            open_in_time=2,
        )
    )
    assert result.points == Decimal("64") and result.score == Decimal("64.00")  # groups 2, 3 and 4


def test_the_shipped_configuration_has_the_codes_of_the_issue():
    codes = {i.code for g in config() for i in g.indicators}
    assert {
        "1.4",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
        "3.3",
        "3.5",
        "3.6",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
        "5.2",
        "5.4",
    } <= codes
    assert sum(g.weight for g in config()) == 100


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("groups: []", "non-empty list"),
        ("groups:\n  - code: '2'\n    weight: -1\n    indicators: []", "≥ 0"),
        (
            "groups:\n  - code: '2'\n    weight: 1\n    indicators:\n      - {code: '2.1', points: 3}",
            "full_at",
        ),
        (
            "groups:\n  - code: '2'\n    weight: 1\n    indicators:\n"
            "      - {code: '2.1'}\n      - {code: '2.1'}",
            "repeated",
        ),
        ("groups:\n  - code: '2'\n    weight: lots\n    indicators: []", "not a number"),
    ],
)
def test_a_wrong_configuration_says_what_is_wrong(text, complaint):
    with pytest.raises(ConfigError, match=complaint):
        config_parse(text)


def test_weights_and_thresholds_come_from_the_configuration():
    groups = config_parse(
        "groups:\n  - code: '3'\n    weight: 10\n    indicators:\n"
        "      - {code: '3.3', points: 10, full_at: 20}\n"
    )
    result = index_compute(Inputs(sums={"resolved": 10, "online_counted": 1}), groups)
    assert result.indicator("3.3").score == Decimal("5.00") and result.score == Decimal("5.00")
