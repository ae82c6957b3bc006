"""The case pages, one module per role; `case` holds the case page and `act`, which every action
view calls, and `panels` the action forms the case page shows."""
