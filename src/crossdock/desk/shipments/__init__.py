"""Desk shipments: labels (through carrier adapters), ship notices to stores, buyer e-mails,
packing slips."""
