"""The staff desk at /desk/: today, check out in three steps, check in, renew, search, one participant
(with their place in the waiting lists), labels, the record of processing. One module per area; the
decorator and helpers they share are in `access`.

Plain forms, no JavaScript needed. Every read goes through scoped selectors; every write calls the
loans service that owns it, so a refused action writes nothing and its message shows next to the field.
"""
