"""Property: whatever the order of source edits, exports, translators' edits, imports and even a
lost file, a reviewed translation whose source text is current is never lost; after export and
import it is what readers get."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import polib
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from service.catalogs import CatalogError
from service.catalogs.export import export_catalogs
from service.store import Base, HumanTranslationRow, make_store
from service.store.translations import StoredHumanTranslations
from support.catalog_fixtures import FakeMachine, import_catalog, msgfmt_check, put_story, story_file

ROLES = ["title", "point", "point", "quote"]
TEXTS = ["Leaders met in Tokyo.", "Leaders met in Tokyo on Friday.", "Talks covered security.",
         "Talks covered trade and security.", "A new era for ties.", "Markets rose."]
TRANSLATIONS = ["정상들이 도쿄에서 만났다.", "안보 회담", "새 시대", "시장 상승", "무역과 안보"]


class CatalogLife(RuleBasedStateMachine):
    @initialize(texts=st.lists(st.sampled_from(TEXTS), min_size=len(ROLES), max_size=len(ROLES)))
    def start(self, texts):
        self.tmp = Path(tempfile.mkdtemp(prefix="catalog-life-"))
        self.store = make_store(f"sqlite:///{self.tmp}/db.sqlite3")
        Base.metadata.create_all(self.store.engine)
        self.dir = self.tmp / "translations"
        self.path = story_file(self.dir, "ko", "p")
        self.machine = FakeMachine({("ko", "en", t): (f"기계: {t}", "argos:en-ko:1.1") for t in TEXTS})
        self.texts = list(texts)
        self.reviewed: dict[tuple[str, str], str] = {}    # what the translator last confirmed
        self._write_story()

    def teardown(self):
        if hasattr(self, "store"):
            try:
                self.export_import_and_read()
            finally:
                self.store.engine.dispose()
                shutil.rmtree(self.tmp, ignore_errors=True)

    def _write_story(self):
        put_story(self.store, "p", [(role, "en", text, i) for i, (role, text) in enumerate(zip(ROLES, self.texts, strict=False))])

    def _current(self) -> set[tuple[str, str]]:
        return {(f"p/{role}", text) for role, text in zip(ROLES, self.texts, strict=False)}

    def _stored(self) -> dict:
        with self.store.reading() as session:
            return {(r.context, r.source_text): r.text for r in session.query(HumanTranslationRow)
                    .filter(HumanTranslationRow.lang == "ko")}

    @rule(index=st.integers(0, len(ROLES) - 1), text=st.sampled_from(TEXTS))
    def edit_source(self, index, text):
        self.texts[index] = text
        self._write_story()

    @rule(machine=st.booleans())
    def export(self, machine):
        export_catalogs(self.store, self.dir, machine=self.machine if machine else None, check_files=True)
        assert self.path.exists()

    @rule()
    def import_(self):
        if self.path.exists():
            import_catalog(self.store, self.dir, "ko", "p")

    @rule(index=st.integers(0, len(ROLES) - 1), text=st.sampled_from(TRANSLATIONS), fuzzy=st.booleans())
    def translate(self, index, text, fuzzy):
        if not self.path.exists():
            return
        key = (f"p/{ROLES[index]}", self.texts[index])
        po = polib.pofile(str(self.path))
        entry = po.find(key[1], msgctxt=key[0])
        if entry is None:
            return
        entry.msgstr = text
        entry.flags = ["fuzzy"] if fuzzy else []
        po.save()
        if fuzzy:
            self.reviewed.pop(key, None)
        else:
            self.reviewed[key] = text

    @rule(index=st.integers(0, len(ROLES) - 1))
    def accept_suggestion(self, index):
        if not self.path.exists():
            return
        key = (f"p/{ROLES[index]}", self.texts[index])
        po = polib.pofile(str(self.path))
        entry = po.find(key[1], msgctxt=key[0])
        if entry is not None and entry.fuzzy and entry.msgstr:
            entry.flags.remove("fuzzy")
            po.save()
            self.reviewed[key] = entry.msgstr

    @rule()
    def lose_the_file(self):
        """The file is deleted (or reset from an old checkout): only what was imported survives."""
        if self.path.exists():
            self.path.unlink()
        stored = self._stored()
        self.reviewed = {key: stored[key] for key in self.reviewed if key in stored}

    @invariant()
    def reviewed_work_is_in_the_file_or_the_store(self):
        if not hasattr(self, "store"):
            return
        file_entries = {}
        if self.path.exists():
            file_entries = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(self.path))}
        stored = self._stored()
        for key, text in self.reviewed.items():
            if key not in self._current():
                continue
            entry = file_entries.get(key)
            in_file = entry is not None and entry.msgstr == text and not entry.fuzzy
            assert in_file or stored.get(key) == text, (key, text, entry, stored.get(key))

    @rule()
    def export_import_and_read(self):
        """After an export and an import, readers get every reviewed translation of current text."""
        try:
            export_catalogs(self.store, self.dir, check_files=True)
            for path in self.dir.rglob("*.po*"):
                msgfmt_check(path)
            import_catalog(self.store, self.dir, "ko", "p")
        except CatalogError as error:        # our own files must always be readable
            raise AssertionError(str(error)) from error
        current = {k: t for k, t in self.reviewed.items() if k in self._current()}
        assert StoredHumanTranslations(self.store).lookup("ko", set(current)) == current


TestCatalogLife = CatalogLife.TestCase
TestCatalogLife.settings = settings(max_examples=60, stateful_step_count=15, deadline=None,
                                    suppress_health_check=[HealthCheck.too_slow])
