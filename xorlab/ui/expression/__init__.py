"""The expression lab: type f(x), see f and f' plotted and their graphs."""
