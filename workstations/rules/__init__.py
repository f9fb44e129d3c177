"""The workstation stage's pure rules (Art. 5, 6(5), 10, 11): what holds, computed from what is given."""
