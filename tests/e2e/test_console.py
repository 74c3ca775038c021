"""The terminal chat, scripted through a pipe as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _console(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"TELEGRAM_BOT_TOKEN", "ADMIN_IDS"}}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )


def test_run_without_token_drills_in_the_terminal_from_the_bundled_bank(tmp_path: Path) -> None:
    result = _console(tmp_path, "/topics\n/quiz\n我不知道\n/quit\n")

    assert "terminal chat" in result.stderr and "seeded the bank" in result.stderr
    assert "/100" in result.stdout
    assert "参考答案" in result.stdout
    assert "漏掉的要点" in result.stdout


def test_local_user_is_admin_and_multiline_addq_works(tmp_path: Path) -> None:
    script = (
        "/addq\ntopic: 自定义\nq: 什么是梯度裁剪？\nkeys: 阈值/threshold, 梯度爆炸/exploding gradient\n"
        "answer: 把梯度范数限制在阈值以内，防止梯度爆炸。\n\n"
        "/quiz 自定义\n按阈值裁剪，防止梯度爆炸\n/addq 坏的输入\n"
    )

    result = _console(tmp_path, script)

    assert "已添加题目" in result.stdout
    assert "100/100" in result.stdout
    assert "用法：/addq" in result.stdout
