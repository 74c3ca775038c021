"""Read and write question-bank YAML files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from pathlib import Path

import yaml

from bot.core.question import QuestionDraft, draft_from_dict, validate_topic
from bot.core.rubric import RubricError

BUNDLED_BANK_DIR = Path(__file__).resolve().parents[2] / "data" / "questions"


class BankFileError(ValueError):
    """A bank file that cannot be read, with the file and the field at fault."""


def bank_paths(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their YAML files, in a stable order."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            expanded.append(path)
    return expanded


# The bank is a megabyte of YAML; libyaml's loader reads it ten times faster than the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_bank_file(path: Path) -> list[QuestionDraft]:
    """Parse one file: YAML documents of a topic and its questions (`topic: 归一化`, `questions: [...]`)."""
    try:
        documents = list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER))
    except OSError as error:
        raise BankFileError(f"{path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise BankFileError(f"{path}: not UTF-8 text") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise BankFileError(f"{path}: invalid YAML{where}") from error
    if not documents:
        raise BankFileError(f"{path}: the file is empty")
    return [draft for document in documents for draft in _read_document(path, document)]


def _read_document(path: Path, document: object) -> list[QuestionDraft]:
    if not isinstance(document, dict):
        raise BankFileError(f"{path}: expected a mapping with 'topic' and 'questions'")
    unknown = set(document) - {"topic", "questions"}
    if unknown:
        raise BankFileError(f"{path}: unknown top-level field(s) {', '.join(sorted(map(str, unknown)))}")
    entries = document.get("questions")
    if not isinstance(entries, list) or not entries:
        raise BankFileError(f"{path}: 'questions' must be a non-empty list")
    try:
        topic = validate_topic(document.get("topic"))
        return [draft_from_dict(entry, topic, f"questions[{index}]") for index, entry in enumerate(entries)]
    except RubricError as error:
        key = _entry_key(entries, error.field_path)
        raise BankFileError(f"{path}: {key}{error}") from error


def _entry_key(entries: list, field_path: str) -> str:
    """Name the entry by its key when it has one, which is easier to find than an index."""
    if not field_path.startswith("questions["):
        return ""
    index = int(field_path[len("questions[") : field_path.index("]")])
    entry = entries[index]
    key = entry.get("key") if isinstance(entry, dict) else None
    return f"entry {key!r} " if isinstance(key, str) else ""


def read_bank(paths: Iterable[Path]) -> list[QuestionDraft]:
    """Parse several files or directories; keys must be unique across them."""
    drafts: list[QuestionDraft] = []
    seen: dict[str, Path] = {}
    for path in bank_paths(paths):
        for draft in read_bank_file(path):
            if draft.key in seen:
                raise BankFileError(f"{path}: key {draft.key!r} already defined in {seen[draft.key]}")
            seen[draft.key] = path
            drafts.append(draft)
    return drafts


def dump_bank(drafts: Sequence[QuestionDraft]) -> str:
    """Serialise drafts as YAML documents, one per topic, that read back to the same drafts."""
    ordered = sorted(drafts, key=lambda draft: draft.topic)
    documents = [
        {"topic": topic, "questions": [draft.to_dict() for draft in group]}
        for topic, group in groupby(ordered, key=lambda draft: draft.topic)
    ]
    return yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False, width=100)
