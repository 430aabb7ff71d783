"""GSM 03.38 transliteration and segment counts."""

from mediatool.formats.sms import is_gsm7, segments, to_gsm7


def test_french_letters_outside_gsm7_become_their_nearest():
    assert to_gsm7("Empêché, reçu « là » — œuvre’s") == 'Empeché, recu " là " - oeuvre\'s'
    assert is_gsm7(to_gsm7("Ŝtrange ☎ ĉ"))


def test_segments_gsm7_and_ucs2():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("€" * 80) == 1  # extension characters count twice
    assert segments("€" * 81) == 2
    assert segments("ç" * 70) == 1  # not GSM 03.38: UCS-2
    assert segments("ç" * 71) == 2
