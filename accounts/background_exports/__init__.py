"""Exports too large for a web request, written in the background as ExportJobs (issue 16)."""
