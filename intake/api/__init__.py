"""REST API of the window desk: windows, petitioners and their contacts, visits, the daily tally."""
