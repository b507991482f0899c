"""What cases tells the apps above it (they may import cases; cases may not import them)."""

from django.dispatch import Signal

# Sent after the transaction that moved a case commits, with `case_id` and `to_state`: bundles releases the
# items that waited for this one's result (一件事). A receiver's failure never undoes the move.
moved = Signal()
