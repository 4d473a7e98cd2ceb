"""Qt-free application logic the UI runs: pacing, chunk plans, speed limits, worker job requests,
GC policy. Testable headless; imports the core, never Qt."""
