"""The CLI contract other tools rely on: JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.services.bank_files import dump_bank
from tests.integration.sample_bank import GOOD_ANSWER, sample_drafts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment with its own SQLite file, seeded from a small bank."""
    for name in ("TELEGRAM_BOT_TOKEN", "ADMIN_IDS", "PASS_SCORE", "DAY_START_HOUR", "DEFAULT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    bank = tmp_path / "bank.yaml"
    bank.write_text(dump_bank(sample_drafts()), encoding="utf-8")
    assert main(["questions", "import", str(bank)]) == 0
    return bank


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_questions_list_json(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["questions", "list", "--topic", "B", "--json"]) == 0

    rows = _json(capsys)

    assert [row["key"] for row in rows] == ["b-0", "b-1", "b-2", "b-3"]
    assert set(rows[0]) == {"id", "key", "topic", "question", "active"}


def test_import_twice_changes_nothing_and_export_round_trips(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["questions", "import", str(cli_env)]) == 0
    assert "0 new, 12 updated" in capsys.readouterr().out
    exported = tmp_path / "export.yaml"

    assert main(["questions", "export", str(exported)]) == 0

    assert exported.read_text(encoding="utf-8") == cli_env.read_text(encoding="utf-8")


def test_grade_prints_one_json_object(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["grade", "1", "--answer", "alpha 但不是 beta"]) == 0

    assert _json(capsys) == {
        "question_id": 1,
        "score": 0,
        "passed": False,
        "matched": ["alpha"],
        "missed": ["gamma"],
        "negated": ["beta"],
        "mistaken": [],
    }


def test_grade_jsonl_answers_in_order(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    lines = [{"question_id": 2, "answer": GOOD_ANSWER}, {"question_id": 1, "answer": "gamma"}]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(json.dumps(line) for line in lines) + "\n"))
    capsys.readouterr()

    assert main(["grade", "--jsonl"]) == 0

    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(result["question_id"], result["score"]) for result in results] == [(2, 100), (1, 25)]


def test_stats_json_after_console_answers(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input=f"/quiz A\n{GOOD_ANSWER}\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert "100/100" in result.stdout
    capsys.readouterr()

    assert main(["stats", "local", "--platform", "console", "--json"]) == 0

    stats = _json(capsys)
    assert stats["user_id"] == "local" and stats["answers"] == 1 and stats["streak"] == 1
    assert stats["topics"] == [{"topic": "A", "answers": 1, "mean_score": 100.0, "mastery": 1.0}]
    assert set(stats) == {
        "user_id", "answers", "streak", "best_streak", "freezes", "last_answer_date", "topics", "weak_topics",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["grade", "999", "--answer", "x"], "", "no question with id 999"),
        (["grade", "--jsonl"], "{not json\n", "line 1: invalid JSON"),
        (["grade", "--jsonl"], '{"question_id": "1", "answer": "x"}\n', "question_id must be an integer"),
        (["stats", "nobody", "--json"], "", "no telegram user nobody"),
        (["questions", "import", "missing.yaml"], "", "missing.yaml: cannot read"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()

    assert main(argv) == 2

    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error and "Traceback" not in error


def test_bad_setting_stops_start_up_naming_the_variable(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAY_START_HOUR", "25")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")

    assert main(["questions", "list"]) == 2

    error = capsys.readouterr().err
    assert "DAY_START_HOUR" in error and "SECRET-TOKEN" not in error and error.count("\n") == 1


def test_invalid_bank_file_names_file_entry_and_field(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "topic: T\nquestions:\n  - key: t-1\n    question: Q?\n"
        "    rubric:\n      - label: ok\n        weight: -1\n",
        encoding="utf-8",
    )

    assert main(["questions", "import", str(broken)]) == 2

    assert "broken.yaml: entry 't-1' questions[0].rubric[0].weight" in capsys.readouterr().err
