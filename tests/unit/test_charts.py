import logging
import warnings
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib.image import imread

from bot.adapters.telegram import charts
from bot.adapters.telegram.charts import find_cjk_font, render_progress_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TOPICS = [
    "优化与训练",
    "正则化",
    "归一化",
    "激活函数",
    "CNN",
    "RNN/LSTM",
    "Transformer 与注意力",
    "损失函数与概率",
    "经典机器学习",
    "评估指标",
    "调参与工程",
    "计算与智力题",
]
LABELS = {
    "mastery_title": "各主题掌握度",
    "activity_title": "最近 12 周答题",
    "mastery_axis": "掌握度",
    "no_data": "暂无数据",
}
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
TODAY = date(2026, 3, 12)
WIDTH, HEIGHT = 800, 600


def mastery_of(names):
    return [(name, (index % 11) / 10) for index, name in enumerate(names)]


def activity_before(today, days=84):
    return {today - timedelta(days=offset): (offset * 7) % 13 for offset in range(days)}


def render(mastery=None, activity=None, today=TODAY, **extra):
    return render_progress_chart(
        mastery_of(TOPICS) if mastery is None else mastery,
        activity_before(today) if activity is None else activity,
        today,
        **LABELS,
        **extra,
    )


def decode(png):
    return imread(BytesIO(png), format="png")


def missing_glyph_warnings(caught):
    return [str(warning.message) for warning in caught if "missing from font" in str(warning.message)]


def render_recording_warnings(**kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render(**kwargs)
    return png, caught


@pytest.fixture
def fresh_font_lookup():
    charts._cjk_font.cache_clear()
    yield
    charts._cjk_font.cache_clear()


class TestPng:
    def test_the_chart_is_a_png_of_the_phone_friendly_size(self):
        png = render(weekday_labels=WEEKDAYS)

        assert png.startswith(PNG_SIGNATURE)
        assert decode(png).shape[:2] == (HEIGHT, WIDTH)

    def test_the_same_inputs_give_the_same_bytes(self):
        assert render() == render()

    def test_empty_mastery_and_activity_render(self):
        png = render(mastery=[], activity={})

        assert decode(png).shape[:2] == (HEIGHT, WIDTH)

    def test_thirty_long_topic_names_render_taller_without_missing_glyphs(self):
        names = [f"{TOPICS[index % 12]}（第{index}部分：一个非常非常长的主题名称）" for index in range(30)]

        png, caught = render_recording_warnings(mastery=mastery_of(names))

        height, width = decode(png).shape[:2]
        assert width == WIDTH
        assert height > HEIGHT
        assert missing_glyph_warnings(caught) == []

    @pytest.mark.parametrize("weeks", [1, 4, 52])
    def test_any_number_of_weeks_renders(self, weeks):
        png = render(weeks=weeks, activity=activity_before(TODAY, days=400))

        assert decode(png).shape[:2] == (HEIGHT, WIDTH)

    def test_out_of_range_values_and_dates_are_tolerated(self):
        mastery = [("正则化", -0.5), ("归一化", 1.7), ("CNN", float("nan"))]
        activity = {TODAY + timedelta(days=3): 5, date(2000, 1, 1): 9, TODAY: -2}

        assert render(mastery=mastery, activity=activity).startswith(PNG_SIGNATURE)

    def test_today_is_outlined(self):
        pixels = decode(render(activity={}))[..., :3]
        outline = np.array([0x09, 0x69, 0xDA]) / 255

        assert np.any(np.all(np.abs(pixels - outline) < 0.02, axis=-1))


class TestCjkFont:
    def test_the_packaged_noto_sans_sc_is_used_when_installed(self):
        package = pytest.importorskip(charts.FONT_PACKAGE)

        assert find_cjk_font() == Path(package.sans_path())

    def test_the_font_has_a_glyph_for_every_topic_character(self):
        path = find_cjk_font()
        assert path is not None, "no CJK font: install pylopdf-fonts-zh-cn"
        cmap = TTFont(path, fontNumber=0, lazy=True).getBestCmap()

        characters = set("".join(TOPICS) + "".join(LABELS.values()) + "".join(WEEKDAYS) + "…%")
        assert sorted(char for char in characters if ord(char) not in cmap) == []

    def test_chinese_renders_without_missing_glyph_warnings(self):
        _, caught = render_recording_warnings(weekday_labels=WEEKDAYS)

        assert missing_glyph_warnings(caught) == []

    def test_the_warning_check_catches_tofu(self, monkeypatch):
        monkeypatch.setattr(charts, "_font_kwargs", lambda: {"fontfamily": ["DejaVu Sans"]})

        _, caught = render_recording_warnings()

        assert missing_glyph_warnings(caught) != []

    def test_a_system_cjk_font_is_used_without_the_package(self, monkeypatch, fresh_font_lookup):
        packaged = find_cjk_font()
        if packaged is None or packaged.name != charts.FONT_FILE:
            pytest.skip("needs the packaged font, which registers itself under a system family name")
        charts._cjk_font.cache_clear()
        monkeypatch.setattr(charts, "_packaged_font", lambda: None)

        assert find_cjk_font() == packaged

    @pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
    def test_without_any_cjk_font_it_warns_once_and_still_renders(
        self, monkeypatch, fresh_font_lookup, caplog
    ):
        monkeypatch.setattr(charts, "_packaged_font", lambda: None)
        monkeypatch.setattr(charts, "_system_font", lambda: None)

        with caplog.at_level(logging.WARNING, logger=charts.__name__):
            assert find_cjk_font() is None
            assert find_cjk_font() is None
            png = render(mastery=[("CNN", 0.5)], activity={})

        assert len([record for record in caplog.records if "No CJK font" in record.message]) == 1
        assert png.startswith(PNG_SIGNATURE)


class TestLabels:
    def test_short_names_are_kept(self):
        assert charts._truncate("Transformer 与注意力") == "Transformer 与注意力"

    def test_long_names_are_cut_to_the_column_budget_with_an_ellipsis(self):
        cut = charts._truncate("损失函数与概率" * 3)

        assert cut.endswith("…")
        assert charts._width(cut) <= charts.LABEL_COLUMNS
        assert "损失函数与概率".startswith(cut[:7])
