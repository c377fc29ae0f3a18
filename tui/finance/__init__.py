"""Finance tasks of the BHEX org (issue 16): batches prepared from CSV, journaled as one
request, sent as venue-sized tasks, settled by ``client_order_id``."""
