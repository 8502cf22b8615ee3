"""Accounts' key slots, the device secret in the OS credential store, recovery."""
