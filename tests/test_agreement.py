"""Agreement statistics, checked against published worked examples and hand-computed cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from factcheck.agreement.statistics import (
    AgreementError,
    fleiss,
    label_counts,
    prepare_ratings,
    ratings_matrix,
    reviewer_agreement,
    source_agreement,
)
from factcheck.errors import InputError
from factcheck.review.scales import Label, Scale, UnknownLabelError

FAST = 200  # bootstrap resamples in tests

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1-5, "." missing. Published: nominal 0.743, ordinal 0.815 (interval 0.849).
KRIPPENDORFF_2011 = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}

# Fleiss (1971) as worked in Wikipedia's "Fleiss' kappa": 10 subjects x 5 categories, 14 raters.
# Published: P-bar 0.378, p_j 0.143 0.200 0.279 0.150 0.229, kappa 0.210.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def long_table(coders: dict[str, str]) -> pd.DataFrame:
    rows = [
        (unit, coder, value)
        for coder, values in coders.items()
        for unit, value in enumerate(values.split(), start=1)
        if value != "."
    ]
    return pd.DataFrame(rows, columns=["claim_id", "reviewer", "label"])


def fleiss_long_table() -> pd.DataFrame:
    rows = []
    for subject, counts in enumerate(FLEISS_1971, start=1):
        labels = [str(cat) for cat, n in enumerate(counts, start=1) for _ in range(n)]
        rows += [(subject, f"r{i}", label) for i, label in enumerate(labels)]
    return pd.DataFrame(rows, columns=["claim_id", "reviewer", "label"])


@pytest.fixture(scope="module")
def krippendorff_report():
    return reviewer_agreement(long_table(KRIPPENDORFF_2011), "ordinal-1-5", resamples=FAST)


# --------------------------------------------------------------------------- published examples


def test_krippendorff_2011_alpha(krippendorff_report):
    assert round(krippendorff_report.alpha_nominal, 3) == 0.743
    assert round(krippendorff_report.alpha_ordinal, 3) == 0.815
    assert (krippendorff_report.n_claims, krippendorff_report.n_claims_paired) == (12, 11)
    assert (krippendorff_report.n_reviewers, krippendorff_report.n_ratings) == (4, 41)


def test_krippendorff_ordinal_from_an_ordinal_column_without_scale():
    df = long_table(KRIPPENDORFF_2011)
    df["ordinal"] = df["label"].astype(int)
    report = reviewer_agreement(df, resamples=0)
    assert round(report.alpha_ordinal, 3) == 0.815
    assert report.reasons["alpha_ordinal_ci"].startswith("bootstrap switched off")


def test_ratings_matrix_reshapes_to_claims_by_reviewers():
    matrix = ratings_matrix(prepare_ratings(long_table(KRIPPENDORFF_2011), "ordinal-1-5"))
    assert matrix.shape == (12, 4)
    assert matrix.loc[6].tolist() == ["1", "2", "3", "4"]
    assert matrix.loc[12].isna().tolist() == [True, False, True, True]


def test_fleiss_1971_wikipedia():
    assert round(fleiss(np.array(FLEISS_1971)), 3) == 0.210
    report = reviewer_agreement(fleiss_long_table(), "ordinal-1-5", resamples=FAST)
    assert round(report.fleiss_kappa, 3) == 0.210
    assert (report.fleiss_raters_per_claim, len(report.fleiss_claims)) == (14, 10)
    assert round(report.percent_agreement, 3) == 0.378  # P-bar
    assert [round(row["prevalence"], 3) for row in report.per_label] == [
        0.143,
        0.200,
        0.279,
        0.150,
        0.229,
    ]  # p_j
    # Fleiss (1971) per-category kappa_j = 1 - sum x(n - x) / (N n (n - 1) p_j q_j);
    # category 1: sum x(14 - x) = 178, p_1 = 20/140 = 1/7
    expected = 1 - 178 / (10 * 14 * 13 * (1 / 7) * (6 / 7))
    assert report.per_label[0]["fleiss_kappa"] == pytest.approx(expected)


def test_fleiss_uses_the_most_common_number_of_labels():
    df = long_table(
        {"a": "True True False False", "b": "True False False True", "c": "True . False ."}
    )
    report = reviewer_agreement(df, "simple", resamples=0)
    # two claims have 3 labels, two have 2: a tie goes to the larger number
    assert (report.fleiss_raters_per_claim, report.fleiss_claims) == (3, [1, 3])


def test_cohen_kappa_hand_computed_2x2():
    # a says yes on 25 of 50, b on 30; they agree on 20 yes + 15 no:
    # p_o = 0.70, p_e = 0.5*0.6 + 0.5*0.4 = 0.50, kappa = (0.70 - 0.50) / 0.50 = 0.40
    pairs = (
        [("True", "True")] * 20
        + [("True", "False")] * 5
        + [("False", "True")] * 10
        + [("False", "False")] * 15
    )
    rows = [(i, who, label) for i, pair in enumerate(pairs) for who, label in zip("ab", pair)]
    report = reviewer_agreement(
        pd.DataFrame(rows, columns=["claim_id", "reviewer", "label"]), "simple", resamples=FAST
    )
    (pair,) = report.cohen_kappa
    assert pair["reviewers"] == ["a", "b"] and pair["n_claims"] == 50
    assert pair["kappa"] == pytest.approx(0.40)
    assert pair["percent_agreement"] == pytest.approx(0.70)
    low, high = pair["kappa_ci"]
    assert low < 0.40 < high
    (matrix,) = report.confusion_matrices
    assert matrix["labels"] == ["False", "True"]
    assert matrix["matrix"] == [[15, 10], [5, 20]]  # rows: a's label, columns: b's


def test_quadratic_kappa_hand_computed():
    # a: False, Misleading, True; b: False, True, True (ordinal 1, 2, 3).
    # Unweighted: p_o = 2/3, p_e = 1/3 -> 0.5. Quadratic: 1 - (1/12) / (5/12) = 0.8.
    df = long_table({"a": "False Misleading True", "b": "False True True"})
    (pair,) = reviewer_agreement(df, "simple", resamples=0).cohen_kappa
    assert pair["kappa"] == pytest.approx(0.5)
    assert pair["kappa_quadratic"] == pytest.approx(0.8)


# --------------------------------------------------------------------------- breakdowns

SMALL = {"a": "True False True", "b": "True False False", "c": "False False ."}


def test_breakdowns_hand_computed():
    report = reviewer_agreement(long_table(SMALL), "simple", resamples=0)
    assert report.percent_agreement == pytest.approx((1 / 3 + 1 + 0) / 3)
    by_label = {row["label"]: row for row in report.per_label}
    # True: n_k(n_k - 1) summed = 2, n_k(m - 1) summed = 2*2 + 1*1 = 5
    assert by_label["True"]["specific_agreement"] == pytest.approx(2 / 5)
    assert by_label["True"]["prevalence"] == pytest.approx(3 / 8)
    by_reviewer = {row["reviewer"]: row for row in report.per_reviewer}
    assert by_reviewer["a"]["agreement_with_others"] == pytest.approx(3 / 5)
    assert by_reviewer["a"]["agreement_with_majority"] == pytest.approx(1 / 2)  # claim 1 tied
    assert by_reviewer["a"]["n_majority_claims"] == 2
    assert by_reviewer["c"]["agreement_with_others"] == pytest.approx(2 / 4)
    assert by_reviewer["c"]["agreement_with_majority"] == pytest.approx(1 / 2)
    pair_ac = next(p for p in report.cohen_kappa if p["reviewers"] == ["a", "c"])
    assert pair_ac["kappa"] == pytest.approx(0.0)


def test_label_counts_follow_the_scale_order():
    ratings = prepare_ratings(long_table(SMALL), "simple")
    assert label_counts(ratings).columns.tolist() == ["False", "True"]


# --------------------------------------------------------------------------- intervals and edges


def test_bootstrap_ci_contains_the_estimate_and_is_reproducible(krippendorff_report):
    for name in ("percent_agreement", "alpha_nominal", "alpha_ordinal", "fleiss_kappa"):
        low, high = getattr(krippendorff_report, f"{name}_ci")
        assert low <= getattr(krippendorff_report, name) <= high, name
    again = reviewer_agreement(long_table(KRIPPENDORFF_2011), "ordinal-1-5", resamples=FAST)
    assert again.alpha_nominal_ci == krippendorff_report.alpha_nominal_ci
    other = reviewer_agreement(long_table(KRIPPENDORFF_2011), "ordinal-1-5", resamples=FAST, seed=7)
    assert other.alpha_nominal_ci != krippendorff_report.alpha_nominal_ci


def test_to_dict_names_statistics_and_is_strict_json(krippendorff_report):
    data = krippendorff_report.to_dict()
    for key in (
        "percent_agreement",
        "alpha_nominal",
        "alpha_ordinal",
        "fleiss_kappa",
        "cohen_kappa",
        "alpha_nominal_ci",
        "n_claims",
        "n_reviewers",
        "per_label",
        "per_reviewer",
        "confusion_matrices",
    ):
        assert key in data
    assert len(data["cohen_kappa"]) == 6  # 4 reviewers, every pair shares claims
    json.dumps(data, allow_nan=False)


@pytest.mark.parametrize(
    "coders, found",
    [
        ({"a": "True False True", "b": ". . ."}, "found 3 labels on 3 claims by 1 reviewers"),
        (
            {"a": "True . True", "b": ". False ."},
            "found 3 labels on 3 claims by 2 reviewers, none with two",
        ),
        ({"a": ". ."}, "found no labels"),
    ],
)
def test_fewer_than_two_reviewers_says_so(coders, found):
    with pytest.raises(AgreementError) as info:
        reviewer_agreement(long_table(coders), "simple")
    assert str(info.value).startswith("agreement needs at least two reviewers on the same claim; ")
    assert found in str(info.value)


def test_undefined_statistics_are_none_with_a_reason():
    same = long_table({"a": "True True True", "b": "True True True"})
    report = reviewer_agreement(same, "simple", resamples=FAST)
    assert report.percent_agreement == 1.0
    assert report.alpha_nominal is None and "same" in report.reasons["alpha_nominal"]
    assert report.fleiss_kappa is None and "fleiss_kappa" in report.reasons
    assert report.cohen_kappa[0]["kappa"] is None and report.cohen_kappa[0]["reasons"]["kappa"]
    json.dumps(report.to_dict(), allow_nan=False)


def test_non_ordinal_labels_are_left_out_of_ordinal_alpha():
    df = long_table({"a": "False True Unproven True", "b": "False True True Mostly-True"})
    report = reviewer_agreement(df, "snopes", resamples=0)
    assert report.alpha_ordinal_excluded == 1
    assert report.alpha_ordinal is not None
    meta_like = long_table({"a": "Health Politics", "b": "Health Health"})
    no_scale = reviewer_agreement(meta_like, resamples=0)
    assert no_scale.alpha_ordinal is None
    assert no_scale.reasons["alpha_ordinal"].startswith("no ordinal values")
    topics = Scale("topics", (Label("Health"), Label("Politics")))
    report = reviewer_agreement(meta_like, topics, resamples=0)
    assert report.reasons["alpha_ordinal"] == "scale 'topics' is not ordinal"
    assert report.alpha_nominal is not None


def test_bad_input_is_reported():
    with pytest.raises(InputError, match="lacks column"):
        reviewer_agreement(pd.DataFrame({"claim_id": [1], "label": ["True"]}))
    twice = pd.DataFrame(
        {"claim_id": [1, 1, 1], "reviewer": ["a", "a", "b"], "label": ["True", "False", "True"]}
    )
    with pytest.raises(InputError, match="more than once"):
        reviewer_agreement(twice, "simple")
    with pytest.raises(UnknownLabelError, match="valid labels"):
        reviewer_agreement(long_table({"a": "True", "b": "Maybe"}), "simple")


# --------------------------------------------------------------------------- sources


def stance_table() -> pd.DataFrame:
    rows = [
        ("c1", "s1", "supports", "True"),
        ("c1", "s2", "Supporting", "True"),
        ("c1", "s3", "refutes", "True"),
        ("c2", "s1", "refutes", "False"),
        ("c2", "s2", "refutes", "False"),
        ("c3", "s1", "mixed", "Mixture"),
        ("c3", "s3", "supports", "Mixture"),
        ("c4", "s2", "supports", "Unproven"),
    ]
    return pd.DataFrame(rows, columns=["claim_id", "source", "stance", "final_verdict"])


def test_source_agreement_hand_made():
    result = source_agreement(stance_table(), "snopes")
    per = {row["source"]: row for row in result.per_source}
    assert (per["s1"]["n_agree"], per["s1"]["n_with_verdict"]) == (3, 3)
    assert (per["s2"]["n_agree"], per["s2"]["n_with_verdict"], per["s2"]["n_claims"]) == (2, 2, 3)
    assert per["s3"]["agreement_with_verdict"] == 0.0
    assert result.matrix["s1"]["s2"] == {"agreement": 1.0, "n": 2}
    assert result.matrix["s1"]["s3"] == {"agreement": 0.0, "n": 2}
    assert result.matrix["s2"]["s3"] == {"agreement": 0.0, "n": 1}
    # coincidences: o_ss=1, o_sr=o_rs=1, o_rr=2, o_ms=o_sm=1; n=7 -> 1 - (4/7)/(30/42) = 0.2
    assert result.alpha_nominal == pytest.approx(0.2)
    assert result.conflicts == [
        {"claim_id": "c1", "supports": ["s1", "s2"], "refutes": ["s3"], "mixed": []}
    ]
    assert result.matrix_frame("n").loc["s1", "s3"] == 2
    json.dumps(result.to_dict(), allow_nan=False)


def test_source_agreement_without_scale_or_overlap():
    result = source_agreement(stance_table().iloc[[0, 7]])
    assert result.alpha_nominal is None and "two sources" in result.reasons["alpha_nominal"]
    assert "no verdict scale" in result.reasons["agreement_with_verdict"]
    assert result.conflicts == []
    with pytest.raises(InputError, match="supports, refutes, mixed"):
        source_agreement(pd.DataFrame({"claim_id": [1], "source": ["s"], "stance": ["meh"]}))


def test_a_source_with_two_stances_on_a_claim_counts_as_mixed():
    df = pd.DataFrame(
        {
            "claim_id": [1, 1, 1],
            "source": ["s", "s", "t"],
            "stance": ["supports", "refutes", "mixed"],
        }
    )
    assert source_agreement(df).matrix["s"]["t"] == {"agreement": 1.0, "n": 1}
