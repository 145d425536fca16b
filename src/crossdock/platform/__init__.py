"""What the hub and the desk both need and neither owns: sign-in, sessions, passwords, headers.

The hub and the desk may import this package; it imports neither of them (an import-linter
contract holds it), so the two products keep talking only over HTTP.
"""
