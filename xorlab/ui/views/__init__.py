"""The app's views, one widget per module: builder (the experiment editor), cost_plot,
outputs_plot, boundary and truth_table. Each plot view has ``reset(...)`` for a new run and an
``on_snapshot(snapshot)`` slot; none of them computes anything beyond formatting."""
