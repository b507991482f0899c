"""电子证照标识 (DESIGN §4): ISO 7064 MOD 37,36 check character, tested on identifiers from real platforms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.licenses.identifier import (
    IdentifierInvalid,
    identifier_is_valid,
    identifier_make,
    identifier_parse,
)

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize(
    "identifier",
    [
        # a Zhejiang platform file name (投资项目在线审批), check 0
        "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
        # MOHURD's 建筑施工企业安全生产管理人员考核合格证书 interface sample, check U; its version 002 is S
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
        # a provincial 备案 record, check 3
        "1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
    ],
)
def test_identifiers_from_real_platforms_check(identifier):
    parsed = identifier_parse(identifier)
    assert str(parsed) == identifier


def test_the_published_api_sample_ending_m_fails_the_check():
    # It matches a common off-by-one variant of MOD 37,36; the correct check character is D.
    bad = "1.2.156.3005.2.11100000000013661B006.113700000045046442.209FA4E88F9E4C878F3E9BED2CE7EA49.001.M"
    with pytest.raises(IdentifierInvalid, match="D"):
        identifier_parse(bad)
    assert identifier_is_valid(bad[:-1] + "D")


def test_the_example_in_the_design_notes_has_check_3():
    made = identifier_make(
        type_code="11100000000013338W011", issuer_code="11310115MB2F31234K", serial="2026000123", version=1
    )
    assert str(made) == "1.2.156.3005.2.11100000000013338W011.11310115MB2F31234K.2026000123.001.3"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1.2.156.3005.1.11100000000013338W009.11330105002500287C.2025052201.002.0",  # wrong prefix
        "1.2.156.3005.2.11100000000013338W09.11330105002500287C.2025052201.002.0",  # type 20 chars
        "1.2.156.3005.2.11100000000013338W009.1133010500250028.2025052201.002.0",  # issuer 16 chars
        "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.02.0",  # version 2 digits
        "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002",  # no check
        "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025-0522.002.0",  # serial with a dash
    ],
)
def test_malformed_identifiers_are_refused(text):
    assert not identifier_is_valid(text)


parts = st.tuples(
    st.text(ALNUM, min_size=21, max_size=21),
    st.text(ALNUM, min_size=18, max_size=18),
    st.text(ALNUM, min_size=1, max_size=40),
    st.integers(1, 999),
)


@given(parts)
def test_any_made_identifier_parses_back(p):
    made = identifier_make(type_code=p[0], issuer_code=p[1], serial=p[2], version=p[3])
    assert identifier_parse(str(made)) == made


@given(parts, st.data())
def test_one_changed_character_is_always_caught(p, data):
    text = str(identifier_make(type_code=p[0], issuer_code=p[1], serial=p[2], version=p[3]))
    positions = [i for i, c in enumerate(text) if c != "." and i >= len("1.2.156.3005.2.")]
    i = data.draw(st.sampled_from(positions))
    pool = "0123456789" if text[i].isdigit() and text.count(".", 0, i) == 8 else ALNUM  # the version stays digits
    replacement = data.draw(st.sampled_from([c for c in pool if c != text[i]]))
    assert not identifier_is_valid(text[:i] + replacement + text[i + 1 :])
