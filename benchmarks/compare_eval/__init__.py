"""A labelled set of real articles on the same events, and the script that measures the comparison on it."""
