"""Installing .argosmodel files safely: valid packages go in atomically, every attack is refused
with a one-line reason, and a refused install leaves the installed set exactly as it was."""
from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import pytest

from service.core.errors import PackageError
from service.translate.packages import install_package, list_packages, parse_pair, remove_package

LIMIT = 50 * 1024 * 1024


def _snapshot(models_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(models_dir)) for p in models_dir.rglob("*") if p.name != ".lock")


def _entries(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _write_zip(path: Path, entries: dict[str, bytes], symlinks: dict[str, str] = ()) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in dict(symlinks).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


@pytest.fixture
def models_dir(tmp_path, mt_packages) -> Path:
    """A models folder with en-ko 1.1 installed, the state every refused install must keep."""
    folder = tmp_path / "models"
    install_package(folder, mt_packages.en_ko, LIMIT)
    return folder


@pytest.fixture
def good(mt_packages) -> dict[str, bytes]:
    return _entries(mt_packages.en_ja)


def _refused(models_dir: Path, archive: Path, *words: str, limit: int = LIMIT) -> str:
    before = _snapshot(models_dir)
    with pytest.raises(PackageError) as caught:
        install_package(models_dir, archive, limit)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message
    assert _snapshot(models_dir) == before, "a refused install changed the installed set"
    assert [p.engine for p in list_packages(models_dir)] == ["argos:en-ko:1.1"]
    return message


def test_install_lists_pair_version_size_and_path(models_dir):
    [package] = list_packages(models_dir)
    assert (package.pair_name, package.version, package.engine) == ("en-ko", "1.1", "argos:en-ko:1.1")
    assert package.path == models_dir / "en-ko"
    assert package.size_bytes() > 10_000
    assert (package.real_path / "model" / "model.bin").is_file()


def test_new_version_replaces_the_old_one_atomically(models_dir, mt_packages):
    old = list_packages(models_dir)[0].real_path
    new = install_package(models_dir, mt_packages.en_ko_v2, LIMIT)
    assert new.engine == "argos:en-ko:1.2"
    assert [p.engine for p in list_packages(models_dir)] == ["argos:en-ko:1.2"]
    assert not old.exists()
    assert (models_dir / "en-ko").is_symlink()
    assert not [p for p in models_dir.iterdir() if p.name.startswith((".incoming", ".link", ".trash"))]


def test_remove_by_pair(models_dir, mt_packages):
    install_package(models_dir, mt_packages.ja_en, LIMIT)
    removed = remove_package(models_dir, "en-ko")
    assert [p.engine for p in removed] == ["argos:en-ko:1.1"]
    assert [p.pair_name for p in list_packages(models_dir)] == ["ja-en"]
    assert len(list((models_dir / ".packages").iterdir())) == 1
    with pytest.raises(PackageError, match="no model for en-ko is installed"):
        remove_package(models_dir, "en_ko")
    with pytest.raises(PackageError, match="not a language pair"):
        parse_pair("english-korean")


def test_not_a_zip_is_refused(models_dir, tmp_path):
    fake = tmp_path / "model.argosmodel"
    fake.write_bytes(b"this is not a zip file at all" * 100)
    _refused(models_dir, fake, "not a zip archive")


def test_parent_directory_entry_is_refused(models_dir, tmp_path, good):
    good["translate-en_ja-1_1/../../escaped.txt"] = b"owned"
    _refused(models_dir, _write_zip(tmp_path / "evil.argosmodel", good), "outside the package folder")
    assert not (models_dir.parent / "escaped.txt").exists()


def test_absolute_path_entry_is_refused(models_dir, tmp_path, good):
    good["/tmp/kakehashi-absolute.txt"] = b"owned"
    _refused(models_dir, _write_zip(tmp_path / "evil.argosmodel", good), "absolute")


def test_symlink_entry_is_refused(models_dir, tmp_path, good):
    archive = _write_zip(tmp_path / "evil.argosmodel", good,
                         symlinks={"translate-en_ja-1_1/passwd": "/etc/passwd"})
    _refused(models_dir, archive, "symbolic link")


def test_archive_unpacking_past_the_size_limit_is_refused(models_dir, tmp_path, good):
    good["translate-en_ja-1_1/padding.bin"] = bytes(8 * 1024 * 1024)     # compresses to a few KB
    archive = _write_zip(tmp_path / "bomb.argosmodel", good)
    assert archive.stat().st_size < 1024 * 1024
    _refused(models_dir, archive, "over the limit", limit=4 * 1024 * 1024)


def test_archive_lying_about_its_sizes_is_refused(models_dir, tmp_path, good):
    """A header claiming a small size for a big member: zipfile's CRC check and our byte count."""
    good["translate-en_ja-1_1/padding.bin"] = bytes(2 * 1024 * 1024)
    data = bytearray(_write_zip(tmp_path / "honest.argosmodel", good).read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("translate-en_ja-1_1/padding.bin")
    real = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    assert data.count(real) >= 2
    lying = tmp_path / "lying.argosmodel"
    lying.write_bytes(bytes(data).replace(real, fake))
    _refused(models_dir, lying, "refused")


def test_two_top_folders_are_refused(models_dir, tmp_path, good):
    good["other-folder/readme.txt"] = b"second top folder"
    _refused(models_dir, _write_zip(tmp_path / "two.argosmodel", good), "exactly one top folder")


def test_metadata_that_is_not_json_is_refused(models_dir, tmp_path, good):
    good["translate-en_ja-1_1/metadata.json"] = b"{not json"
    _refused(models_dir, _write_zip(tmp_path / "meta.argosmodel", good), "not valid JSON")


@pytest.mark.parametrize("change, words", [
    ({"to_code": None}, "no to_code"),
    ({"from_code": None}, "no from_code"),
    ({"package_version": None}, "no package_version"),
    ({"package_version": 1.1}, "no package_version string"),
    ({"from_code": "../../x"}, "not ISO 639"),
    ({"package_version": "1.1/../../x"}, "not a version"),
    ({"type": "sbd"}, "not a translation package"),
])
def test_metadata_missing_or_bad_fields_are_refused(models_dir, tmp_path, good, change, words):
    meta = json.loads(good["translate-en_ja-1_1/metadata.json"])
    for key, value in change.items():
        if value is None:
            meta.pop(key)
        else:
            meta[key] = value
    good["translate-en_ja-1_1/metadata.json"] = json.dumps(meta).encode()
    _refused(models_dir, _write_zip(tmp_path / "meta.argosmodel", good), words)


@pytest.mark.parametrize("missing", ["model/model.bin", "sentencepiece.model", "metadata.json"])
def test_package_without_its_models_is_refused(models_dir, tmp_path, good, missing):
    del good[f"translate-en_ja-1_1/{missing}"]
    _refused(models_dir, _write_zip(tmp_path / "partial.argosmodel", good), "missing", missing)


def test_broken_sentencepiece_model_is_refused(models_dir, tmp_path, good):
    good["translate-en_ja-1_1/sentencepiece.model"] = b"garbage" * 100
    _refused(models_dir, _write_zip(tmp_path / "sp.argosmodel", good), "sentencepiece.model does not load")


def test_metadata_without_argos_version_is_accepted_as_argostranslate_does(models_dir, tmp_path, good):
    """argostranslate reads argos_version with a default ("" in package.py), so packages may omit it."""
    meta = json.loads(good["translate-en_ja-1_1/metadata.json"])
    del meta["argos_version"]
    good["translate-en_ja-1_1/metadata.json"] = json.dumps(meta).encode()
    installed = install_package(models_dir, _write_zip(tmp_path / "noargos.argosmodel", good), LIMIT)
    assert installed.engine == "argos:en-ja:1.1"


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_broken_ctranslate2_model_is_refused(models_dir, tmp_path, good, damage):
    model = good["translate-en_ja-1_1/model/model.bin"]
    good["translate-en_ja-1_1/model/model.bin"] = b"garbage" * 100 if damage == "garbage" else model[:len(model) // 2]
    _refused(models_dir, _write_zip(tmp_path / "ct2.argosmodel", good), "CTranslate2 model", "does not load")


def test_hand_copied_broken_folder_does_not_break_the_others(models_dir):
    (models_dir / "broken").mkdir()
    (models_dir / "broken" / "metadata.json").write_text("{oops")
    assert [p.pair_name for p in list_packages(models_dir)] == ["en-ko"]


def test_a_package_folder_copied_by_hand_is_used_and_can_be_removed(tmp_path, mt_packages):
    """Copying an unpacked package (e.g. from another machine's models folder) works offline too."""
    folder = tmp_path / "models"
    folder.mkdir()
    with zipfile.ZipFile(mt_packages.ja_en) as archive:
        archive.extractall(folder)           # trusted test data; the service never does this
    [package] = list_packages(folder)
    assert (package.engine, package.managed) == ("argos:ja-en:1.1", False)
    install_package(folder, mt_packages.ja_en, LIMIT)
    assert [(p.engine, p.managed) for p in list_packages(folder)] == [("argos:ja-en:1.1", True),
                                                                    ("argos:ja-en:1.1", False)]
    assert len(remove_package(folder, "ja-en")) == 2
    assert list_packages(folder) == []
