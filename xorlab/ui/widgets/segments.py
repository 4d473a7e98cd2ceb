"""Segmented buttons: a row of checkable tool buttons that reads as one control (the Graph
tab's symbolic | optimized | side by side, the expression lab's f | f' | both). A button
joins the look with ``button.setProperty("segment", True)`` under a widget using STYLE."""

STYLE = """
QToolButton[segment="true"] { padding: 3px 10px; border: 1px solid #D0D7DE; background: #FBFBFC; }
QToolButton[segment="true"]:checked { background: #0072B2; color: white; border-color: #0072B2; }
"""
