"""The server-side SVG charts: well-formed, named and described, values written on them, safe text."""

import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString

from motcua.operations.charts import MAX_X_LABELS, Series, axis_top, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"{m:02d}/2026" for m in range(1, 7)]


def _parse(markup):
    return ET.fromstring(str(markup))  # raises on markup that is not well-formed


def _texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def _bars(**kwargs):
    options = {
        "chart_id": "volume",
        "title": "Hồ sơ đã giải quyết theo tháng",
        "desc": "Sáu tháng đầu năm.",
        "labels": MONTHS,
        "series": [Series("Đúng hạn", [10, 20, 30, 0, 5, 12]), Series("Trễ hạn", [2, 0, 6, 0, 1, 3])],
        "y_label": "Hồ sơ",
        "x_label": "Tháng",
    }
    return bar_chart(**(options | kwargs))


def test_a_bar_chart_is_an_image_named_by_its_title_and_described():
    markup = _bars()
    assert isinstance(markup, SafeString)
    root = _parse(markup)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "volume-title volume-desc"
    assert root.find(f"{SVG}title").text == "Hồ sơ đã giải quyết theo tháng"
    assert root.find(f"{SVG}title").get("id") == "volume-title"
    assert root.find(f"{SVG}desc").text == "Sáu tháng đầu năm."
    assert "style=" not in markup  # the content security policy allows no inline style


def test_a_bar_chart_writes_the_axes_the_totals_and_each_segments_value():
    root = _parse(_bars())
    texts = _texts(root)
    assert {"Hồ sơ", "Tháng", *MONTHS} <= set(texts)
    assert {"12", "20", "36", "6", "15"} <= set(texts)  # each month's total above its bar
    assert {"0", "10", "20", "30", "40"} <= set(texts)  # four round steps up to just above 36
    tips = [t.text for rect in root.iter(f"{SVG}rect") for t in rect.iter(f"{SVG}title")]
    assert "03/2026 — Trễ hạn: 6" in tips and "03/2026 — Đúng hạn: 30" in tips
    assert not any(tip.startswith("04/2026") for tip in tips)  # nothing drawn for an empty month
    assert "Đúng hạn" in texts and "Trễ hạn" in texts  # the legend


def test_the_series_differ_by_more_than_colour():
    root = _parse(_bars())
    assert root.find(f".//{SVG}pattern[@id='volume-hatch']") is not None
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None}
    assert "url(#volume-hatch)" in fills and "#1f6f3f" in fills
    line = _parse(_lines())
    squares = [r for r in line.iter(f"{SVG}rect") if r.get("width") == "9"]
    assert (
        line.find(f".//{SVG}circle") is not None and squares
    )  # circles for one series, squares for the other
    dashes = {p.get("stroke-dasharray") for p in line.iter(f"{SVG}polyline")}
    assert len(dashes) == 2


def test_text_in_a_chart_is_escaped():
    markup = _bars(title='<script>alert("x")</script>', labels=["<b>", *MONTHS[1:]])
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    root = _parse(markup)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script>'
    assert "<b>" in _texts(root)


def test_an_empty_chart_says_so():
    root = _parse(
        _bars(series=[Series("Đúng hạn", [0] * 6)], empty_text="Không có hồ sơ nào được giải quyết.")
    )
    assert "Không có hồ sơ nào được giải quyết." in _texts(root)
    assert _parse(_lines(series=[Series("Đúng hạn", [None] * 6)], empty_text="—"))  # still well-formed


def _lines(**kwargs):
    options = {
        "chart_id": "shares",
        "title": "Các tỷ lệ theo tháng",
        "desc": "Phần trăm.",
        "labels": MONTHS,
        "series": [
            Series("Đúng hạn", [90.5, 92, None, 95, 96.25, 97]),
            Series("Trực tuyến", [40, 42, 45, 47, 50, 52.5]),
        ],
        "y_label": "Phần trăm",
        "x_label": "Tháng",
        "y_max": 100,
        "value_format": lambda v: f"{v:.2f} %",
    }
    return line_chart(**(options | kwargs))


def test_a_line_chart_breaks_where_a_value_is_missing_and_writes_the_latest_values():
    root = _parse(_lines())
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 3  # on time in two runs around the missing month, online in one
    texts = _texts(root)
    assert {"0.00 %", "25.00 %", "50.00 %", "75.00 %", "100.00 %"} <= set(texts)  # the fixed 0–100 axis
    assert "97.00 %" in texts and "52.50 %" in texts  # each series' latest value
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "05/2026 — Đúng hạn: 96.25 %" in tips
    assert not any(tip.startswith("03/2026 — Đúng hạn") for tip in tips)


def test_many_buckets_show_every_nth_label():
    labels = [f"{m:02d}/{y}" for y in range(2020, 2026) for m in range(1, 13)]
    root = _parse(_bars(labels=labels, series=[Series("Đã giải quyết", list(range(len(labels))))]))
    shown = [t for t in _texts(root) if t in labels]
    assert 1 < len(shown) <= MAX_X_LABELS and shown[0] == "01/2020"
    assert not any(t == str(len(labels) - 1) for t in _texts(root))  # too many bars for their values


def test_the_value_axis_has_four_round_steps():
    counts = [axis_top(v, whole=True) for v in (0, 1, 3, 7, 36, 101, 6595, 9999)]
    assert counts == [4, 4, 4, 8, 40, 200, 8000, 10000]
    assert [axis_top(v) for v in (0, 0.4, 9, 97)] == [1, 0.4, 10, 100]
