"""Application commands: check the role, validate with the domain, record events, commit once.

Every action a person can take in the UI is a function here that the CLI and the tests
call too.
"""
