"""Server-drawn SVG charts (lms.reports.charts): an image with a title and a text alternative, hidden counts
drawn as no bar and labelled as on screen, text escaped."""

import re

from lms.reports.charts import Value, bar_chart, funnel


def test_bar_chart_is_an_image_with_title_and_every_value_in_its_description():
    svg = bar_chart(
        title="月別の登録者数",
        categories=["4月", "5月"],
        series=[
            ("登録者", [Value(12, "12"), Value(None, "<10")]),
            ("修了者", [Value(3, "3"), Value(0, "0")]),
        ],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', svg).groups()
    assert f'<title id="{title_id}">月別の登録者数</title>' in svg
    desc = re.search(rf'<desc id="{desc_id}">(.*?)</desc>', svg).group(1)
    assert "4月: 登録者 12、修了者 3" in desc and "5月: 登録者 &lt;10、修了者 0" in desc
    # The hidden count draws no bar: two bars (12 and 3) plus two legend squares.
    assert svg.count("<rect") == 4


def test_funnel_draws_one_bar_per_known_step_and_escapes_labels():
    svg = funnel(title="段階<script>", steps=[("受講開始", Value(40, "40")), ("修了", Value(None, "秘匿"))])
    assert "<script>" not in svg and "段階&lt;script&gt;" in svg
    assert "修了: 秘匿" in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_chart_with_no_data_still_draws():
    svg = bar_chart(title="空", categories=["A"], series=[("人数", [Value(0, "0")])])
    assert "A: 0" in svg
