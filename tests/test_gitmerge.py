"""Document-level three-way merge of record files (the git merge driver)."""

from mediatool.store.merge import merge_record_streams
from mediatool.store.yamltext import dump_document, load_documents


def doc(ident: str, event: str = "booked", **fields: object) -> str:
    return dump_document({"id": ident, "event": event, "at": "2026-12-07T10:00:00+01:00",
                          "by": "camille", "mediator": "camille", **fields})


def ids(text: str) -> list[tuple[str, str]]:
    return [(d.value["id"], d.value["event"]) for d in load_documents(text)]


def test_both_sides_appended_documents_that_share_most_lines():
    base = doc("A-BASE01")
    ours = base + doc("A-OURS01", person="X") + doc("A-OURS02", person="Y")
    theirs = base + doc("A-THEM01", person="X")
    merged = merge_record_streams(base, ours, theirs)
    assert ids(merged) == [("A-BASE01", "booked"), ("A-OURS01", "booked"),
                           ("A-OURS02", "booked"), ("A-THEM01", "booked")]
    assert all(d.complete for d in load_documents(merged))


def test_new_file_on_both_sides_and_the_same_event_twice():
    shared = doc("A-SAME01")
    merged = merge_record_streams("", shared + doc("A-OURS01"), doc("A-THEM01") + shared)
    assert ids(merged) == [("A-SAME01", "booked"), ("A-OURS01", "booked"),
                           ("A-THEM01", "booked")]


def test_a_purge_on_their_side_is_applied_in_place():
    booked = doc("A-OLD001", person="Jeanne Martin", phone="06 12 34 56 78")
    cancelled = doc("A-OLD001", "cancelled", by_person=True)
    base = booked + cancelled
    theirs = doc("A-OLD001", person="(anonymisé)") + cancelled + doc("A-OLD001", "anonymised")
    ours = base + doc("A-NEW001", person="Paul")
    merged = merge_record_streams(base, ours, theirs)
    assert "Jeanne" not in merged and "06 12" not in merged
    assert ids(merged) == [("A-OLD001", "booked"), ("A-OLD001", "cancelled"),
                           ("A-NEW001", "booked"), ("A-OLD001", "anonymised")]


def test_a_purge_on_our_side_is_kept():
    base = doc("A-OLD001", person="Jeanne Martin")
    ours = doc("A-OLD001", person="(anonymisé)") + doc("A-OLD001", "anonymised")
    merged = merge_record_streams(base, ours, base + doc("A-NEW001"))
    assert "Jeanne" not in merged
    assert ids(merged)[-1] == ("A-NEW001", "booked")


def test_a_torn_version_is_left_to_a_person():
    base = doc("A-BASE01")
    assert merge_record_streams(base, base + "---\nid: A-", base) is None


# ---- issue 20 #3: deletions, garbage and two documents with one key --------------------

def test_a_side_that_emptied_or_truncated_the_file_is_a_conflict():
    base = "".join(doc(f"A-BASE{n:02d}") for n in range(10))
    ours = base + doc("A-OURS01")
    assert merge_record_streams(base, ours, "") is None
    assert merge_record_streams(base, ours, doc("A-BASE00")) is None  # cut at a boundary
    assert merge_record_streams(base, "", ours) is None


def test_a_document_changed_other_than_by_a_purge_is_a_conflict():
    base = doc("A-OLD001", person="Jeanne Martin")
    edited = doc("A-OLD001", person="Quelqu'un d'autre")
    assert merge_record_streams(base, base + doc("A-NEW001"), edited) is None


def test_garbage_after_the_last_record_is_a_conflict():
    base = doc("A-BASE01")
    theirs = base + doc("A-THEM01") + "]]] {{ pas: du: yaml\n...\n"
    assert merge_record_streams(base, base, theirs) is None


def test_two_different_documents_with_one_key_are_both_kept():
    base = doc("A-BASE01")
    ours = base + doc("A-SAME01", person="Alice")
    theirs = base + doc("A-SAME01", person="Bob")
    merged = merge_record_streams(base, ours, theirs)
    assert merged is not None and "Alice" in merged and "Bob" in merged
    assert ids(merged).count(("A-SAME01", "booked")) == 2
