"""Export files read as input, with no network: one module per format (WordPress WXR, Blogger Atom, Disqus XML)."""
