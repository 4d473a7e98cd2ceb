"""Qt-free application logic the UI runs: pacing, chunk plans, speed limits, worker job requests,
GC policy, which maps over the plane the snapshots carry. Testable headless; imports the core,
never Qt."""
