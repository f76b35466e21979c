"""PDF anthologies: Markdown posts and their comment threads laid out as a book with reportlab."""
