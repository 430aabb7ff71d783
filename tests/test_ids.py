import re

from mediatool.core.ids import CROCKFORD, new_id, normalise_id


def test_ids_are_readable_over_the_phone():
    for _ in range(200):
        value = new_id("A")
        assert re.fullmatch(r"A-[0-9A-HJKMNP-TV-Z]{6}", value)
    assert not set("ILOU") & set(CROCKFORD)


def test_taken_ids_are_avoided():
    taken = {new_id("C") for _ in range(50)}
    assert all(new_id("C", taken) not in taken for _ in range(50))


def test_what_people_type_is_normalised():
    assert normalise_id("a 7k3qx2") == "A-7K3QX2"
    assert normalise_id("A-7K3OX2") == "A-7K30X2"
