"""Evaluation of papersum outputs against human-labelled dev sets (`papersum eval`)."""
