"""The Qt shell: widgets and models over the services; no SQL and no rules here."""
