"""Articles in: parse -> chunk -> embed -> store (Chroma) and the lexical index beside it."""
