import json
import re

from mediatool.core.ids import CROCKFORD, SUFFIX_LENGTH, id_pattern, new_id, normalise_id


def test_ids_are_readable_over_the_phone():
    for _ in range(200):
        value = new_id("A")
        assert re.fullmatch(r"A-[0-9A-HJKMNP-TV-Z]{9}", value)
    assert not set("ILOU") & set(CROCKFORD)


def test_taken_ids_are_avoided():
    taken = {new_id("C") for _ in range(50)}
    assert all(new_id("C", taken) not in taken for _ in range(50))


def test_what_people_type_is_normalised():
    assert normalise_id("a 7k3qx2") == "A-7K3QX2"
    assert normalise_id("A-7K3OX2") == "A-7K30X2"
    assert normalise_id("a 7k3 qx2 mp9") == "A-7K3QX2MP9"


def test_collision_figure_for_fifty_mediators_over_twenty_years():
    # 50 mediators × 312 appointments a year × 20 years, counted twice (two copies of the
    # folder that each record the whole load without seeing the other's ids).
    ids = 2 * 50 * 312 * 20
    expected_pairs = ids * (ids - 1) / 2 / len(CROCKFORD) ** SUFFIX_LENGTH
    assert expected_pairs < 0.01


def test_exact_id_patterns_refuse_injected_lines_and_accept_old_ids():
    pattern = re.compile(id_pattern("A"))
    assert pattern.fullmatch("A-7K3QX2")  # written by earlier versions
    assert pattern.fullmatch(new_id("A"))
    for hostile in ("A-7K3QX2\n", "A-EVIL1\r\nX-INJECTED:yes", "A-7K3Q X2", "a-7k3qx2", "C-7K3QX2"):
        assert not pattern.fullmatch(hostile), hostile


def _book(run, at: str, person: str) -> str:
    result = run("book", "--mediator", "camille", "--kind", "demarche", "--procedure", "caf-prime-activite",
                 "--person", person,
                 "--at", at, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["id"]


def test_an_id_recorded_twice_across_months_is_refused_with_both_listed(run, folder):
    """Attack: Bob's appointment (another month) got Alice's id; cancel must not pick one."""
    alice = _book(run, "2026-12-08 14:00", "Alice A.")
    bob = _book(run, "2027-01-05 14:00", "Bob B.")
    january = folder / "records" / "appointments" / "2027-01.yaml"
    january.write_text(january.read_text(encoding="utf-8").replace(bob, alice),
                       encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (folder / "records" / "appointments").glob("*")}
    for command in (["cancel", alice], ["attended", alice], ["no-show", alice]):
        result = run(*command)
        assert result.exit_code == 2, (command, result.output)
        assert "ambigu" in result.stderr
        assert "2026-12.yaml" in result.stderr and "2027-01.yaml" in result.stderr
    after = {p.name: p.read_bytes() for p in (folder / "records" / "appointments").glob("*")}
    assert after == before
