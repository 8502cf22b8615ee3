"""Printed documents (reportlab): handover pack, decision record, custody log."""
