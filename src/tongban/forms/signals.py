"""What forms tells the apps above it (they may import forms; forms may not import them)."""

from django.dispatch import Signal

# Sent inside the submission's transaction with `submission`: a receiver's writes commit or roll
# back with it (cases opens the case here, so a submission never exists without its case).
submitted = Signal()
