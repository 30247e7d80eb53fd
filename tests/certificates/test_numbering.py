import pytest

from certificates.numbering import CHECK_ALPHABET, check_symbol, format_number, generate_number, parse_number


def test_generated_numbers_have_sixteen_symbols_in_four_groups_and_a_valid_check():
    number = generate_number()
    groups = number.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 1]
    assert parse_number(number) == number


def test_numbers_carry_eighty_random_bits():
    numbers = {generate_number() for _ in range(2000)}
    assert len(numbers) == 2000
    # every data position uses the whole alphabet over many draws (no fixed or id-derived part)
    for position in range(16):
        symbols = {n.replace("-", "")[position] for n in numbers}
        assert len(symbols) == 32


@pytest.mark.parametrize(
    "transform",
    [
        str.lower,
        lambda n: n.replace("-", ""),
        lambda n: n.replace("-", " "),
        lambda n: "  " + n.lower().replace("-", "") + "\n",
        lambda n: n.translate(str.maketrans("0123456789ABCDEFGHJKMNPQRSTVWXYZ-", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＭＮＰＱＲＳＴＶＷＸＹＺ－")),
    ],
)
def test_typed_input_is_forgiving(transform):
    number = generate_number()
    assert parse_number(transform(number)) == number


def test_crockford_lookalikes_are_read_as_digits():
    data = "1010101010101010"
    number = format_number(data)
    typed = "I0L0I0L0 i0l0I0L0".replace("0", "O", 2) + check_symbol(data)
    assert parse_number(typed) == number


def test_a_wrong_check_symbol_is_refused():
    number = generate_number()
    wrong = next(ch for ch in CHECK_ALPHABET if ch != number[-1])
    assert parse_number(number[:-1] + wrong) is None


def test_one_wrong_symbol_or_a_swap_of_neighbours_is_caught():
    number = generate_number()
    data = number.replace("-", "")[:16]
    check = number[-1]
    for i in range(16):
        changed = data[:i] + ("0" if data[i] != "0" else "1") + data[i + 1 :]
        assert parse_number(changed + check) is None
        if i < 15 and data[i] != data[i + 1]:
            swapped = data[:i] + data[i + 1] + data[i] + data[i + 2 :]
            assert parse_number(swapped + check) is None


@pytest.mark.parametrize("raw", ["", None, "abc", "<script>alert(1)</script>", "1" * 200, "UUUU-UUUU-UUUU-UUUU-U", "\x00" * 17])
def test_malformed_input_is_none(raw):
    assert parse_number(raw) is None
