"""The statuses of a pair's week (`PairWeek.status`), shared by the weekly services."""

PLANNED, POSTING, POSTED, PAUSED_WEEK, SKIPPED = "planned", "posting", "posted", "paused", "skipped"
# "posting" is only found in rows written before exactly-once claims (bot.services.claims): such a week's
# message may have been posted before a crash, so it is looked for before posting.
TO_POST = (PLANNED, POSTING)
COUNTED = (PLANNED, POSTING, POSTED)  # weeks that take part in the alternation
