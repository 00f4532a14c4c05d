"""Bad input gets a clear error naming the file and the reason, and the batch goes on."""

from rashomon.pipeline import analyze


def test_bad_files_are_reported_and_the_rest_of_the_batch_is_analysed(tmp_path, seeds_dir):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    good = (seeds_dir / "000_598838a85e0f55ed.txt").read_bytes()
    (tmp_path / "page.txt").write_bytes(good)
    analysis = analyze([tmp_path, tmp_path / "missing.txt"])
    reasons = {e.path.rsplit("/", 1)[-1]: e.reason for e in analysis.errors}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert len(analysis.documents) == 1 and len(analysis.stories) == 1


def test_the_same_bytes_twice_are_one_document(tmp_path, seeds_dir):
    data = (seeds_dir / "000_598838a85e0f55ed.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(data)
    (tmp_path / "b.txt").write_bytes(data)
    assert len(analyze([tmp_path]).documents) == 1


def test_legacy_encodings_are_decoded(tmp_path):
    text = "Café owners in Zürich protested on Monday against the new tax, the city council said.\n" * 3
    (tmp_path / "latin1.txt").write_bytes(("Zürich protest\n\n" + text).encode("latin-1"))
    analysis = analyze([tmp_path])
    assert not analysis.errors
    assert "Zürich" in analysis.documents[0].text
