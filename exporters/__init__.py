"""Records in, files out: the JSON archive format and PDF anthologies."""
