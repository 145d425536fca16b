"""Conformance checks for any Custom Store endpoint, as pure functions over fetched answers.

``crossdock customstore check`` and the desk's Diagnose page fetch a store's answers (the
desk's bounded client does that, in ``crossdock.desk.stores.diagnose``) and hand them here:
:mod:`.checks` judges them, :mod:`.report` holds the verdicts and renders them as JSON and
HTML. Nothing here touches the network or Django.
"""
