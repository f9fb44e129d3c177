"""Numbered official documents (发文) and their PDF in the layout of GB/T 9704-2012 (Art. 6(4), 11(4))."""
