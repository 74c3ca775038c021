"""Every user-facing string, one catalogue per language. Chinese is the default."""

from __future__ import annotations

DEFAULT_LANGUAGE = "zh"

ZH: dict[str, str] = {
    "welcome": "你好，{name}！我是面试陪练机器人，用深度学习面试题帮你练习。\n发送 /quiz 开始答题。",
    "help": (
        "命令：\n"
        "/quiz [主题] — 出一道题（可指定主题）\n"
        "/hint — 提示一个要点（每次提示最高分减 20）\n"
        "/skip — 跳过并查看参考答案\n"
        "/stats — 我的进度\n"
        "/weak — 我的薄弱主题\n"
        "/topics — 所有主题\n"
        "/daily HH:MM [地区/城市] — 每日一题（/daily off 关闭）\n"
        "/timezone 地区/城市 — 设置时区\n"
        "/addq — 添加题目（管理员）\n"
        "/delq ID — 停用题目（管理员）\n"
        "/help — 帮助\n\n"
        "出题后直接发送你的回答即可；在群里请回复题目消息作答。"
    ),
    "question": "【{topic}】#{id} {stars}\n{text}",
    "question_footer_private": "直接发送你的回答。/hint 提示 · /skip 跳过",
    "question_footer_group": "回复这条消息作答，任何人都可以答。",
    "score": "得分 {score}/100 {verdict}",
    "passed": "✅ 通过",
    "failed": "❌ 未通过",
    "hint_cap": "（用了 {hints} 次提示，最高 {cap} 分）",
    "keyword_list": "（只列了关键词，最高 {cap} 分：说出每一点为什么成立，才能拿到更高的分数）",
    "matched": "✔ 答到的要点：{points}",
    "missed": "✘ 漏掉的要点：",
    "negated": "⚠ 你的回答否定了这些要点：",
    "mistaken": "✗ 这些说法是常见的错误：",
    "point_line": "• {label}：{explain}",
    "point_line_bare": "• {label}",
    "reference": "参考答案：",
    "no_reference": "（这道题没有参考答案）",
    "streak": "🔥 连续 {streak} 天（最长 {best} 天）",
    "separator": "、",
    "hint": "提示 {n}：{label}",
    "hint_explain": "{explain}",
    "hint_cap_now": "现在这道题最高 {cap} 分。",
    "no_more_hints": "这道题的提示已经用完了。",
    "skipped": "已跳过 #{id}。",
    "nothing_pending": "你现在没有待回答的题目。发送 /quiz 来一道。",
    "stale": "这道题已经结束了。发送 /quiz 来一道新题。",
    "already_answered": "你已经回答过这道题了。",
    "no_question": "题库里没有可出的题目。",
    "no_question_topic": "主题「{topic}」里没有可出的题目。",
    "unknown_topic": "没有主题「{topic}」。可选主题：{topics}",
    "topics_header": "主题（题目数）：",
    "topic_line": "• {topic}（{count}）",
    "no_topics": "题库是空的。",
    "stats_unknown": "你还没有答过题。发送 /quiz 开始吧。",
    "stats": ("📊 你的进度\n已答：{answers} 题\n连续：{streak} 天（最长 {best} 天）\n冻结卡：{freezes} 张"),
    "stats_topics_header": "各主题掌握度：",
    "stats_topic_line": "• {topic}：{mastery}%（{answers} 题，平均 {mean} 分）",
    "weak_header": "薄弱主题（掌握度从低到高）：",
    "weak_line": "• {topic}：{mastery}%",
    "weak_none": "还没有足够的答题记录来判断薄弱主题（每个主题至少 3 次）。",
    "not_admin": "只有管理员可以修改题库。",
    "addq_usage": (
        "用法：/addq 主题 | 问题 | 要点1, 要点2/同义词, 要点3 | 参考答案\n"
        "例如：/addq 归一化 | BN 的作用是什么？ | 加速收敛/收敛更快, 缓解梯度消失, 正则化 | "
        "BN 稳定各层输入分布……\n"
        "也可以每行一个字段：\ntopic: 主题\nq: 问题\nkeys: 要点1, 要点2/同义词\nanswer: 参考答案"
    ),
    "addq_malformed": "格式不对（{reason}）。",
    "addq_added": "已添加题目 #{id}（{topic}）。发送 /quiz {topic} 即可练习。",
    "addq_duplicate": "题库里已经有这道题了：#{id}。",
    "delq_usage": "用法：/delq 题目ID，例如 /delq 12",
    "delq_done": "已停用题目 #{id}。",
    "delq_missing": "没有启用中的题目 #{id}。",
    "console_intro": "终端答题模式。输入 /help 查看命令，/quit 退出。",
    "console_addq_multiline": "逐行输入字段（topic: / q: / keys: / answer:），空行结束：",
    "unknown_command": "不认识的命令。发送 /help 查看可用命令。",
    "error": "抱歉，出了点问题，请稍后再试。",
    "button_hint": "💡 提示",
    "button_skip": "⏭ 跳过",
    "button_next": "➡️ 下一题",
    "button_quiz_topic": "练习 {topic}",
    "stale_button": "这道题已经结束了。",
    "chart_mastery_title": "各主题掌握度",
    "chart_activity_title": "最近 {weeks} 周答题",
    "chart_mastery_axis": "掌握度 %",
    "chart_no_data": "暂无数据",
    "daily_on": "每日一题：每天 {time}（{zone}）推送。下一次：{next}。",
    "daily_off": "每日一题已关闭。发送 /daily HH:MM [地区/城市] 开启，例如 /daily 08:30 Asia/Shanghai",
    "daily_usage": "格式不对（{reason}）。用法：/daily HH:MM [地区/城市]、/daily off 或 /daily",
    "daily_not_allowed": "在群里只有群管理员可以修改每日一题设置。",
    "timezone_set": "时区已设为 {zone}。",
    "timezone_usage": "时区无效（{reason}）。请使用 IANA 时区名，例如：{examples}",
    "chart_weekdays": "一 二 三 四 五 六 日",
}

EN: dict[str, str] = {
    "welcome": "Hi {name}! I drill you on deep-learning interview questions.\nSend /quiz to start.",
    "help": (
        "Commands:\n"
        "/quiz [topic] — ask a question (optionally from a topic)\n"
        "/hint — reveal a key point (each hint lowers the best score by 20)\n"
        "/skip — give up and see the reference answer\n"
        "/stats — my progress\n"
        "/weak — my weakest topics\n"
        "/topics — all topics\n"
        "/daily HH:MM [Area/City] — a question every day (/daily off to stop)\n"
        "/timezone Area/City — set your time zone\n"
        "/addq — add a question (admins)\n"
        "/delq ID — deactivate a question (admins)\n"
        "/help — this help\n\n"
        "After a question, just send your answer; in groups, reply to the question message."
    ),
    "question": "[{topic}] #{id} {stars}\n{text}",
    "question_footer_private": "Send your answer. /hint for a hint · /skip to skip",
    "question_footer_group": "Reply to this message to answer; anyone may answer.",
    "score": "Score {score}/100 {verdict}",
    "passed": "✅ passed",
    "failed": "❌ not passed",
    "hint_cap": "({hints} hint(s) used, at most {cap})",
    "keyword_list": "(Only keywords, so at most {cap}: say why each point holds to score higher)",
    "matched": "✔ Key points made: {points}",
    "missed": "✘ Key points missed:",
    "negated": "⚠ Your answer negated these key points:",
    "mistaken": "✗ These claims are common mistakes:",
    "point_line": "• {label}: {explain}",
    "point_line_bare": "• {label}",
    "reference": "Reference answer:",
    "no_reference": "(this question has no reference answer)",
    "streak": "🔥 {streak}-day streak (best {best})",
    "separator": ", ",
    "hint": "Hint {n}: {label}",
    "hint_explain": "{explain}",
    "hint_cap_now": "This question is now worth at most {cap}.",
    "no_more_hints": "No hints left for this question.",
    "skipped": "Skipped #{id}.",
    "nothing_pending": "You have no open question. Send /quiz for one.",
    "stale": "That question is closed. Send /quiz for a new one.",
    "already_answered": "You already answered this question.",
    "no_question": "There is no question to ask.",
    "no_question_topic": "There is no question to ask in “{topic}”.",
    "unknown_topic": "There is no topic “{topic}”. Topics: {topics}",
    "topics_header": "Topics (questions):",
    "topic_line": "• {topic} ({count})",
    "no_topics": "The bank is empty.",
    "stats_unknown": "You have not answered anything yet. Send /quiz to start.",
    "stats": (
        "📊 Your progress\nAnswers: {answers}\nStreak: {streak} day(s) (best {best})\nFreezes held: {freezes}"
    ),
    "stats_topics_header": "Mastery per topic:",
    "stats_topic_line": "• {topic}: {mastery}% ({answers} answers, mean {mean})",
    "weak_header": "Weakest topics (lowest mastery first):",
    "weak_line": "• {topic}: {mastery}%",
    "weak_none": "Not enough answers yet to tell your weak topics (3 per topic at least).",
    "not_admin": "Only admins can change the question bank.",
    "addq_usage": (
        "Usage: /addq topic | question | point1, point2/synonym, point3 | reference answer\n"
        "Example: /addq 归一化 | BN 的作用是什么？ | 加速收敛/faster convergence, 缓解梯度消失, 正则化 | "
        "BN keeps each layer's input distribution stable…\n"
        "Or one field per line:\ntopic: …\nq: …\nkeys: point1, point2/synonym\nanswer: …"
    ),
    "addq_malformed": "Malformed ({reason}).",
    "addq_added": "Added question #{id} ({topic}). Send /quiz {topic} to practise it.",
    "addq_duplicate": "That question is already in the bank: #{id}.",
    "delq_usage": "Usage: /delq QUESTION_ID, e.g. /delq 12",
    "delq_done": "Deactivated question #{id}.",
    "delq_missing": "There is no active question #{id}.",
    "console_intro": "Terminal drill. Type /help for commands, /quit to leave.",
    "console_addq_multiline": (
        "Enter fields line by line (topic: / q: / keys: / answer:), blank line to finish:"
    ),
    "unknown_command": "Unknown command. Send /help for the list.",
    "error": "Sorry, something went wrong. Please try again later.",
    "button_hint": "💡 Hint",
    "button_skip": "⏭ Skip",
    "button_next": "➡️ Next question",
    "button_quiz_topic": "Practise {topic}",
    "stale_button": "That question is closed.",
    "chart_mastery_title": "Mastery per topic",
    "chart_activity_title": "Answers in the last {weeks} weeks",
    "chart_mastery_axis": "mastery %",
    "chart_no_data": "no data yet",
    "daily_on": "Daily question: every day at {time} ({zone}). Next: {next}.",
    "daily_off": (
        "The daily question is off. Send /daily HH:MM [Area/City] to switch it on,"
        " e.g. /daily 08:30 Europe/Berlin"
    ),
    "daily_usage": "Malformed ({reason}). Usage: /daily HH:MM [Area/City], /daily off, or /daily",
    "daily_not_allowed": "In groups only chat administrators can change the daily question.",
    "timezone_set": "Time zone set to {zone}.",
    "timezone_usage": "Unknown time zone ({reason}). Use an IANA name, e.g. {examples}",
    "chart_weekdays": "Mon Tue Wed Thu Fri Sat Sun",
}

CATALOGUES = {"zh": ZH, "en": EN}

# Descriptions for the platform's command menu.
COMMAND_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "zh": {
        "start": "开始",
        "quiz": "出一道题，可加主题",
        "hint": "提示一个要点",
        "skip": "跳过并看参考答案",
        "stats": "我的进度",
        "weak": "薄弱主题",
        "topics": "所有主题",
        "daily": "每日一题",
        "timezone": "设置时区",
        "help": "帮助",
        "addq": "添加题目",
        "delq": "停用题目",
    },
    "en": {
        "start": "Start",
        "quiz": "Ask a question, optionally from a topic",
        "hint": "Reveal a key point",
        "skip": "Skip and see the reference answer",
        "stats": "My progress",
        "weak": "My weakest topics",
        "topics": "All topics",
        "daily": "A question every day",
        "timezone": "Set your time zone",
        "help": "Help",
        "addq": "Add a question",
        "delq": "Deactivate a question",
    },
}
USER_COMMANDS = ("quiz", "hint", "skip", "stats", "weak", "topics", "daily", "timezone", "help", "start")
ADMIN_COMMANDS = ("addq", "delq")


def language_for(code: str | None) -> str:
    """English for users whose client speaks English, Chinese for everyone else."""
    return "en" if code and code.lower().startswith("en") else DEFAULT_LANGUAGE


def text(language: str, key: str, **values: object) -> str:
    """Look up a string in the user's language and fill it in."""
    return CATALOGUES.get(language, ZH)[key].format(**values)
