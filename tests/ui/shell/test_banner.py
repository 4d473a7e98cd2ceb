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


NOTICE = (
    "the compile folder /root/.pytensor cannot be written (Permission denied); compiling "
    "into a temporary folder for this session, removed at exit: every start compiles again."
)


def test_on_a_small_screen_the_banner_is_one_line_with_the_whole_message_a_click_away(qtbot):
    """Wrapped at 1024x700 the unwritable-cache notice took 3 lines (~64 px of the plots'
    700); compact, it takes one, its tooltip holds it all, and More unfolds it."""
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.resize(660, 200)
    banner.show_message("Compiled code is not kept.", NOTICE, "info")
    banner.show()
    qtbot.waitExposed(banner)
    line = banner.message_label.fontMetrics().lineSpacing()
    wrapped = banner.sizeHint().height()
    assert wrapped > 2 * line  # the check can fail: wrapped, the message is several lines

    banner.set_compact(True)
    banner.show_message("Compiled code is not kept.", NOTICE, "info")
    assert banner.one_line() and banner.more_button.isVisible()
    assert banner.sizeHint().height() < 2 * line < wrapped
    assert banner.minimumSizeHint().width() < 300  # one line never widens the window
    shown = banner.message_label.text()
    assert shown.startswith("<b>Compiled code is not kept.</b>") and shown.endswith("…")
    assert banner.message_label.toolTip() == f"Compiled code is not kept.\n{NOTICE}"
    assert banner.text() == NOTICE  # what the message says is all there

    banner.more_button.click()
    assert not banner.one_line() and banner.more_button.text() == "Less"
    assert NOTICE.split()[-1] in banner.message_label.text()
    assert banner.sizeHint().height() > 2 * line
    banner.more_button.click()
    assert banner.one_line() and banner.more_button.text() == "More"


def test_a_short_message_shows_whole_on_one_line(qtbot):
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.set_compact(True)
    banner.resize(900, 40)
    banner.show_message("Saved.", "All is well.", "info")
    qtbot.waitExposed(banner)
    assert banner.message_label.text() == "<b>Saved.</b>&nbsp; All is well."


def test_the_window_makes_the_banner_compact_on_a_small_screen_only(
    qtbot, make_window, monkeypatch
):
    from PySide6.QtCore import QRect

    from xorlab.ui.shell import screen_fit

    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: QRect(0, 0, 1024, 700))
    small = make_window(None, wait_until=None)
    assert small.banner.compact
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: QRect(0, 0, 1920, 1040))
    large = make_window(None, wait_until=None)
    assert not large.banner.compact
