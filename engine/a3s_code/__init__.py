"""A3S Code engine."""
