"""Procedure search that understands how people type Vietnamese.

People search without diacritics ("lam khai sinh"), with typos ("kahi sinh"), half-typed words
("khai si"), and in their own words ("giấy độc thân" for the certificate of marital status). The
index normalises every word to its diacritic-free form, matches each query word exactly, by prefix
or within one edit (a deletion-neighbourhood index keeps that fast), expands known synonyms, and
ranks by how many query words a procedure covers, where they matched (name over keywords over
description), and whether the whole phrase appears.

It is an in-memory index over the versions in force, built from the database and rebuilt when the
catalogue changes, so it answers identically on SQLite and PostgreSQL (docs/decisions/0005).
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from motcua.places.text import strip_diacritics

_WORD = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]+(?:\.[0-9]+)*")
_CODE = re.compile(r"^\s*[0-9]\.[0-9]{6}\s*$")

# Words that say nothing about which procedure is meant ("làm", "xin", "thủ tục", "how to get a …").
# Typed with accents they are unambiguous; typed without, only those whose bare form is not also a
# word that matters ("the" may be thẻ, "can" căn cước, "muon" muộn, "toi" tội), so those stay.
STOPWORDS_ACCENTED = frozenset(
    "làm xin thủ tục cho tôi mình muốn cần ở đâu thế nào như và của để được về việc một các những".split()
)
STOPWORDS_BARE = frozenset(
    (
        "lam xin thu tuc cho minh nao nhu va cua de duoc viec mot cac nhung "
        "how to a an for of get i my do apply need"
    ).split()
)
# Everyday words → the words official names use (both sides diacritic-free).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "doc than": ("tinh trang hon nhan",),
    "ho khau": ("thuong tru", "cu tru"),
    "nhap khau": ("dang ky thuong tru",),
    "cat khau": ("xoa dang ky thuong tru",),
    "so do": ("giay chung nhan quyen su dung dat",),
    "so hong": ("giay chung nhan quyen su dung dat",),
    "bang lai": ("giay phep lai xe",),
    "ly lich": ("ly lich tu phap",),
    "cong chung": ("chung thuc",),
    "sao y": ("chung thuc ban sao",),
    "khai tu": ("khai tu",),
    "giay chung tu": ("khai tu",),
    "cuoi": ("ket hon",),
    "ket hon": ("ket hon",),
    "mo cua hang": ("ho kinh doanh",),
    "giay phep kinh doanh": ("dang ky ho kinh doanh", "thanh lap doanh nghiep"),
    "xay nha": ("giay phep xay dung",),
    "bhyt": ("bao hiem y te",),
    # Common misspellings of initial consonants (tr/ch, s/x) in the words procedures turn on.
    "tam chu": ("tam tru",),
    "thuong chu": ("thuong tru",),
    "sang ten": ("sang ten", "bien dong"),
}

RELATIVE_CUTOFF = 0.6  # results scoring below this share of the best one are left out
FIELD_WEIGHTS = {
    "code": 4.0,
    "name": 3.0,
    "keywords": 2.5,
    "name_en": 2.0,
    "keywords_en": 1.8,
    "cases": 1.5,
    "description": 0.6,
    "sector": 0.8,
}


def normalise(text: str) -> str:
    return strip_diacritics(text).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def query_words(text: str) -> list[tuple[str, bool]]:
    """The words of a query, diacritic-free, each with whether it is a stopword as typed."""
    out = []
    for typed in _WORD.findall(text.lower()):
        bare = normalise(typed)
        stop = typed in STOPWORDS_ACCENTED or (typed == bare and bare in STOPWORDS_BARE)
        out.append((bare, stop))
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance ≤ 1 (a swap of two neighbours counts as one)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@dataclass
class IndexedProcedure:
    """What the index keeps of one procedure version (enough to answer without the database)."""

    version_id: int
    code: str
    version: int
    name_vi: str
    name_en: str
    sector: str
    competent_level: str
    online_level: str
    life_events: tuple[str, ...]
    fields: dict[str, str]  # field name → text to index
    phrase_text: dict[str, str] = field(default_factory=dict)  # normalised name / keywords for phrase bonus
    name_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SearchHit:
    procedure: IndexedProcedure
    score: float
    coverage: float
    matched: frozenset[str]

    @property
    def highlight_vi(self) -> str:
        return self.highlight(self.procedure.name_vi)

    @property
    def highlight_en(self) -> str:
        return self.highlight(self.procedure.name_en)

    def highlight(self, text: str) -> str:
        """``text`` as HTML with the matched words in <mark>."""
        out, last = [], 0
        for match in _WORD.finditer(text):
            out.append(html.escape(text[last : match.start()]))
            word = match.group(0)
            key = normalise(word)
            out.append(f"<mark>{html.escape(word)}</mark>" if key in self.matched else html.escape(word))
            last = match.end()
        out.append(html.escape(text[last:]))
        return "".join(out)


class SearchIndex:
    def __init__(self, procedures: Iterable[IndexedProcedure]) -> None:
        self.procedures = list(procedures)
        self.by_code = {p.code: p for p in self.procedures}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for doc_id, proc in enumerate(self.procedures):
            for field_name, text in proc.fields.items():
                weight = FIELD_WEIGHTS[field_name]
                for word in words(text):
                    if postings[word].get(doc_id, 0) < weight:
                        postings[word][doc_id] = weight
        # word → (doc ids, weights) as arrays: scoring a query is a few vector operations per word.
        self.postings = {
            word: (
                np.fromiter(docs.keys(), dtype=np.int32, count=len(docs)),
                np.fromiter(docs.values(), dtype=np.float32, count=len(docs)),
            )
            for word, docs in postings.items()
        }
        self.vocabulary = sorted(self.postings)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for word in self.vocabulary:
            if len(word) >= 3:
                for variant in _deletes(word) | {word}:
                    self.neighbours[variant].add(word)

    # --- query side ------------------------------------------------------------------------------

    def _expand(self, typed: list[tuple[str, bool]]) -> list[str]:
        """The words to look for: synonym phrases replaced by the official words, stopwords dropped."""
        text = " ".join(word for word, _ in typed)
        stop = {word for word, is_stop in typed if is_stop}
        expanded: list[str] = []
        for phrase, replacements in SYNONYMS.items():
            pattern = rf"\b{re.escape(phrase)}\b"
            if re.search(pattern, text):
                text = re.sub(pattern, " ", text)
                for replacement in replacements:
                    expanded.extend(replacement.split())
        expanded.extend(w for w in text.split() if w not in stop)
        return list(dict.fromkeys(expanded)) or list(dict.fromkeys(word for word, _ in typed))

    def _matches(self, word: str, *, last: bool) -> dict[str, float]:
        found: dict[str, float] = {}
        if word in self.postings:
            found[word] = 1.0
        if len(word) >= 2 or (last and word):
            start = bisect.bisect_left(self.vocabulary, word)
            for candidate in self.vocabulary[start : start + 50]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, 0.85 if last else 0.6)
        if len(word) >= 3:
            # Vietnamese syllables are short and differ by one letter ("khai"/"khi"/"hai", "dang"/"danh"):
            # for words of up to four letters only a swap of neighbours ("kahi") counts as a typo.
            short = len(word) <= 4
            candidates: set[str] = set()
            for variant in _deletes(word) | {word}:
                candidates |= self.neighbours.get(variant, set())
            for candidate in candidates:
                if candidate in found or not _within_one_edit(word, candidate):
                    continue
                if short and not (len(candidate) == len(word) and sorted(candidate) == sorted(word)):
                    continue
                found[candidate] = 0.7
        return found

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        if _CODE.match(query):
            proc = self.by_code.get(query.strip())
            return [SearchHit(proc, 100.0, 1.0, frozenset({query.strip()}))] if proc else []
        typed = query_words(query)
        if not typed or not self.procedures:
            return []
        last_word = typed[-1][0]
        groups = self._expand(typed)
        # scores[g, d]: how well query word g matches procedure d (best field, best matching word).
        scores = np.zeros((len(groups), len(self.procedures)), dtype=np.float32)
        matched_words: set[str] = set()
        for g_index, word in enumerate(groups):
            row = scores[g_index]
            for vocab_word, similarity in self._matches(word, last=word == last_word).items():
                matched_words.add(vocab_word)
                doc_ids, weights = self.postings[vocab_word]
                np.maximum.at(row, doc_ids, weights * similarity)
        covered = np.count_nonzero(scores, axis=0)
        needed = max(1, (len(groups) + 1) // 2)
        # Rare words decide more than common ones ("kết hôn" over "người", "nước"): inverse document
        # frequency per query word, scaled so the rarest weighs 1.
        df = np.count_nonzero(scores, axis=1).astype(np.float32)
        idf = np.log((len(self.procedures) + 1) / (df + 0.5)).clip(min=0.05)
        weight = (idf / idf.max())[:, None]
        # Coverage counts a word fully only where it matched well (in the name or keywords, not a
        # prefix in the description), so a strong match on every word beats weak matches everywhere.
        strength = (np.minimum(scores / 2.0, 1.0) * weight).sum(axis=0) / weight.sum()
        base = (scores * weight).sum(axis=0) + 10.0 * strength
        candidates = np.flatnonzero(covered >= needed)
        if candidates.size == 0:
            return []
        # The phrase bonus (at most 4) can only reorder what is close: look at a generous top slice.
        keep = min(candidates.size, limit * 3 + 20)
        top = candidates[np.argsort(-base[candidates], kind="stable")[:keep]]
        kept = [word for word, is_stop in typed if not is_stop]
        phrase = " ".join(kept)
        # Words that stand together in the query and in a name ("khai tử", "kết hôn") say more than
        # the same words scattered.
        pairs = [f"{a} {b}" for a, b in itertools.pairwise(kept)]
        hits = []
        for doc_id in top.tolist():
            proc = self.procedures[doc_id]
            name_text, keyword_text = proc.phrase_text.get("name", ""), proc.phrase_text.get("keywords", "")
            # The whole phrase in the name, and as one of the words people use for it: both count.
            bonus = (4.0 if phrase and phrase in name_text else 0.0) + (
                3.0 if phrase and f"| {phrase} |" in f"| {keyword_text} |" else 0.0
            )
            bonus += sum(1.5 if pair in name_text else 1.0 if pair in keyword_text else 0.0 for pair in pairs)
            # Prefer the name the query describes best: "khai sinh" is birth registration before
            # "re-registration of birth", whose name has more words the query did not ask for.
            bonus += 3.0 * len(proc.name_words & matched_words) / max(1, len(proc.name_words))
            coverage = float(covered[doc_id]) / len(groups)
            hits.append(SearchHit(proc, float(base[doc_id]) + bonus, coverage, frozenset(matched_words)))
        hits.sort(key=lambda h: (-h.score, h.procedure.code))
        # Words common to many procedures ("giấy", "đăng ký") would list the whole catalogue: keep
        # what is reasonably close to the best match.
        floor = hits[0].score * RELATIVE_CUTOFF if hits else 0
        return [h for h in hits if h.score >= floor][:limit]


def indexed_procedure(
    *, version_id: int, code: str, version: int, data: dict[str, Any], sector_names: dict[str, dict[str, str]]
) -> IndexedProcedure:
    keywords = data.get("keywords", {})
    description = data.get("description", {})
    sector = sector_names.get(data["sector"], {})
    fields = {
        "code": code,
        "name": data["name"]["vi"],
        "name_en": data["name"]["en"],
        "keywords": " ; ".join(keywords.get("vi", [])),
        "keywords_en": " ; ".join(keywords.get("en", [])),
        "description": f"{description.get('vi', '')} {description.get('en', '')}",
        "cases": " ; ".join(f"{c['name']['vi']} ; {c['name']['en']}" for c in data.get("cases", [])),
        "sector": f"{sector.get('vi', '')} {sector.get('en', '')}",
    }
    return IndexedProcedure(
        version_id=version_id,
        code=code,
        version=version,
        name_vi=data["name"]["vi"],
        name_en=data["name"]["en"],
        sector=data["sector"],
        competent_level=data["competent_level"],
        online_level=data["online_level"],
        life_events=tuple(data.get("life_events", [])),
        fields=fields,
        name_words=frozenset(words(data["name"]["vi"])),
        phrase_text={
            "name": " ".join(words(fields["name"] + " " + fields["name_en"])),
            "keywords": " | ".join(
                " ".join(words(k)) for k in [*keywords.get("vi", []), *keywords.get("en", [])]
            ),
        },
    )
