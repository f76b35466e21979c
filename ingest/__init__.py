"""Fetching, platform detection, extraction, HTML to Markdown, and crawling."""
