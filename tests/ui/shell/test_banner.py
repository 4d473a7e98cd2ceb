"""The message banner: the title runs into the text (one label, the banner's whole width),
and what the message says is shown as written, never as markup."""

from __future__ import annotations

from xorlab.ui.shell.banner import MessageBanner


def test_the_title_runs_into_the_text_as_plain_words(qtbot):
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.resize(640, 200)
    banner.show_message("Cannot open <b>.json.", "line 1 & <i>2</i>\nnext line", "error")
    assert banner.title() == "Cannot open <b>.json." and banner.kind == "error"
    assert banner.text() == "line 1 & <i>2</i>\nnext line"
    shown = banner.message_label.text()
    assert shown.startswith("<b>Cannot open &lt;b&gt;.json.</b>")
    assert "line 1 &amp; &lt;i&gt;2&lt;/i&gt;<br>next line" in shown
    banner.close_button.click()
    assert banner.isHidden() and banner.text() == "" and banner.title() == ""


def test_a_long_message_wraps_in_fewer_lines_than_beside_its_title(qtbot):
    """At 1024x700 the banner is ~660 px wide: the unwritable-cache notice (200 characters)
    took 5 lines as a column beside its title; across the whole width it takes 3 at most."""
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.resize(660, 60)
    banner.show_message("Compiled code is not kept.", "word " * 40, "info")
    banner.show()
    line = banner.message_label.fontMetrics().lineSpacing()
    height = banner.message_label.heightForWidth(banner.message_label.width())
    assert height <= 3 * line
