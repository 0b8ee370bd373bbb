"""Proof under faults: crashes, outages, yanks, paper-out, bad input and tampering."""
