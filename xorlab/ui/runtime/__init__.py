"""The runtime: the training worker and its thread, the session, the outbox to the GUI thread,
background jobs, time travel and the shared selection."""
