"""Retrieval and answer metrics, and the harness that runs QA sets through Akhbar."""
