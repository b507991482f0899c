"""What forms tells the apps above it (they may import forms; forms may not import them)."""

from django.dispatch import Signal

# Sent inside the submission's transaction with `submission`: a receiver's writes commit or roll
# back with it (cases opens the case here, so a submission never exists without its case).
submitted = Signal()

# Sent with `submission` when forms answers for one (the API's receipt, the receipt page); each receiver
# returns a dict of what its app made of it — cases: {"case_number", "case_state", "auto_approved" (秒批),
# "pledge_open" (告知承诺 the applicant may sign now)}.
described = Signal()
