"""Stage 7: the same statement across articles, grouped: pair scoring, the term and vector indexes, groups."""
