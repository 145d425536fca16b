"""The ISO 3166-1 table: every code, English names, and errors that say what to use."""

from __future__ import annotations

from crossdock.core.countries import (
    COUNTRY_CHOICES,
    COUNTRY_NAMES,
    ISO_COUNTRIES,
    country_name,
    country_problem,
    is_country_code,
)


def test_all_249_assigned_codes_have_a_name() -> None:
    assert len(COUNTRY_NAMES) == 249
    assert frozenset(COUNTRY_NAMES) == ISO_COUNTRIES
    assert all(len(code) == 2 and code.isupper() for code in COUNTRY_NAMES)
    assert all(name.strip() == name and name for name in COUNTRY_NAMES.values())


def test_names_are_the_short_english_ones() -> None:
    assert [country_name(code) for code in ("IE", "IR", "GB", "US", "KR", "CI")] == [
        "Ireland",
        "Iran",
        "United Kingdom",
        "United States",
        "South Korea",
        "Côte d'Ivoire",
    ]
    assert country_name("ie") == "Ireland"
    assert country_name("XX") == "XX"


def test_the_menu_is_in_name_order_with_accents_sorted_as_their_letter() -> None:
    names = [name for _, name in COUNTRY_CHOICES]

    assert len(COUNTRY_CHOICES) == 249
    assert names[:4] == ["Afghanistan", "Åland Islands", "Albania", "Algeria"]
    assert names[-1] == "Zimbabwe"


def test_a_code_in_any_case_or_blank_is_no_problem() -> None:
    assert [country_problem(value) for value in ("IE", "ie", " gb ", "")] == [None] * 4
    assert is_country_code("IE") is True
    assert is_country_code("ie") is False


def test_a_country_name_is_answered_with_its_code() -> None:
    assert country_problem("Ireland") == (
        "'Ireland' is a country name: use its ISO 3166-1 code, IE"
    )
    assert country_problem("åland islands") == (
        "'åland islands' is a country name: use its ISO 3166-1 code, AX"
    )


def test_anything_else_is_not_a_country_code() -> None:
    assert country_problem("XX") == (
        "'XX' is not an ISO 3166-1 alpha-2 country code (such as US, GB or IE)"
    )
    assert country_problem("Ir") is None  # a real code (Iran): only a menu avoids the mix-up
