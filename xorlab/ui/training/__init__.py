"""The Training tab's views: cost and outputs plots, decision boundary, truth table, earlier runs
and the time-travel bar."""
