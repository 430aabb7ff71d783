"""GSM 03.38 transliteration and the real SMS segment count."""

from mediatool.formats.sms import is_gsm7, segments, sms_segments, to_gsm, to_gsm7


def test_french_text_is_transliterated_keeping_what_gsm7_has():
    assert to_gsm("À prévoir : « pièce » d’identité, cœur, hôtel") == \
        "A prévoir : \"pièce\" d'identité, coeur, hotel"
    assert to_gsm("éèùàç") == "éèùàç"
    assert sms_segments(to_gsm("À l’hôtel « Être »")).encoding == "GSM-7"


def test_segment_count_follows_160_153_and_70_67():
    assert sms_segments("a" * 160).segments == 1
    assert sms_segments("a" * 161).segments == 2
    assert sms_segments("a" * 306).segments == 2 and sms_segments("a" * 307).segments == 3
    assert sms_segments("ô" * 70).segments == 1 and sms_segments("ô" * 70).encoding == "UCS-2"
    assert sms_segments("ô" * 71).segments == 2 and sms_segments("ô" * 135).segments == 3
    # the escaped € takes two septets and is never split across parts
    assert sms_segments("€" * 80).units == 160 and sms_segments("€" * 80).segments == 1
    assert sms_segments("a" * 152 + "€" + "a" * 10).segments == 2
    assert sms_segments("").segments == 0


def test_label_shown_to_the_mediator():
    assert sms_segments("a" * 200).label() == "2 SMS (GSM-7, 200/306)"




def test_french_letters_outside_gsm7_become_their_nearest():
    assert to_gsm7("Empêché, reçu « là » — œuvre’s") == 'Empeché, reçu "là" - oeuvre\'s'
    assert is_gsm7(to_gsm7("Ŝtrange ☎ ĉ"))


def test_segments_gsm7_and_ucs2():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("€" * 80) == 1  # extension characters count twice
    assert segments("€" * 81) == 2
    assert segments("ç" * 160) == 1  # ç is GSM 03.38 (0x09)
    assert segments("ô" * 71) == 2  # not GSM 03.38: UCS-2
