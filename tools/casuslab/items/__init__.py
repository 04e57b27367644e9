"""Item-bank exports: a scenario's questions as Moodle XML (``moodle``) or IMS QTI 2.1 (``qti``).

``source`` reads and checks the scenarios and gives every question with its context (the
scenario, the stage vignette); ``moodle`` and ``qti`` turn those into their formats;
``command`` is ``casuslab items``. Output is deterministic: the same scenarios give the same bytes.
"""
